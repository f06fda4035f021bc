import type { ExpectedVersion } from "../app/ports/stores.js";
import type { SignalRequest } from "../core/approval/types.js";
import { PnsError } from "../core/errors.js";

/** Throws when `next` is not the successor of `expected` for request `id`: a bug in the caller, not a lost race. */
export function checkTransition(id: string, expected: ExpectedVersion, next: SignalRequest): void {
  if (next.id !== id || next.version !== expected.version + 1) {
    throw new PnsError("internal", "Something went wrong inside pns while recording a decision.", {
      cause: new Error(
        `transition of ${id} v${expected.version} was given ${next.id} v${next.version}; expected v${expected.version + 1}`,
      ),
    });
  }
}

/** True for pending → approved, the one transition whose write also checks expiry. */
export function isApproval(expected: ExpectedVersion, next: SignalRequest): boolean {
  return expected.state === "pending" && next.state === "approved";
}
