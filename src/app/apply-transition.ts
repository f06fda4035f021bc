import type { Refusal, Transition } from "../core/approval/state-machine.js";
import type { SignalRequest } from "../core/approval/types.js";
import type { SignalRequestStore } from "./ports/stores.js";

/** The result of {@link applyTransition}: the written request, or a refusal for the user with the request as it is. */
export type AppliedTransition =
  | { ok: true; request: SignalRequest }
  | (Refusal & { current: SignalRequest | null; persisted?: boolean });

/**
 * Reads request `id`, decides with `step` (a state-machine function), and writes the result conditionally. When
 * another writer got there first, decides again on what it wrote, so the refusal names who decided and when.
 * A refusal that carries `persist` (the request expired) is written too.
 * @default attempts 3
 */
export async function applyTransition(
  store: SignalRequestStore,
  id: string,
  step: (current: SignalRequest) => Transition,
  attempts = 3,
): Promise<AppliedTransition> {
  let current = await store.get(id);
  for (let attempt = 0; current !== null && attempt < attempts; attempt++) {
    const decided = step(current);
    if (!decided.ok) {
      if (decided.persist) {
        const written = await store.transition(id, current, decided.persist);
        // `persisted`: this writer's write of the refusal's state won (it alone tells anyone about it).
        return { ...decided, current: written.ok ? written.request : written.current, persisted: written.ok };
      }
      return { ...decided, current };
    }
    const written = await store.transition(id, current, decided.request);
    if (written.ok) return written;
    current = written.current;
  }
  if (current === null) {
    return {
      ok: false,
      code: "not_found",
      message: "This request no longer exists in pns, so nothing was sent. Send a new request if it is still needed.",
      persist: null,
      current: null,
    };
  }
  // Only reachable when the request keeps changing under us (e.g. message ts updates racing a decision).
  return {
    ok: false,
    code: "already_decided",
    message: "This request changed while pns was recording your click. Look at the message again and retry.",
    persist: null,
    current,
  };
}
