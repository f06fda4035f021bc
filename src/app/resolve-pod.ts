import { containerProblem, hintText, type PodCommand, podMissHint } from "../core/command/hints.js";
import { PnsError } from "../core/errors.js";
import type { ChannelBinding } from "../core/policy.js";
import type { PodDebugger, ResolvedTarget } from "./ports/cluster.js";

/** Pods read per namespace after a miss, to suggest one: one bounded list call each. @default 500 */
export const MISS_PODS_LIMIT = 500;

/** Namespaces read after a miss: the asked one and at most this many more of the channel's. @default 8 */
export const MISS_NAMESPACES_LIMIT = 8;

/** A selector matched several pods: the command waits for the user to pick one (not a failure). */
export class PodChoice extends Error {
  override readonly name = "PodChoice";
  constructor(readonly resolved: ResolvedTarget) {
    super(`${resolved.candidates.length + 1} pods match ${resolved.matchedBy}`);
  }
}

/** A glob (`team-*`) names no namespace to read. */
const isGlob = (namespace: string) => /[*?[\]{}!]/.test(namespace);

/**
 * Finds the command's pod. A name that finds none is answered with where it is or what is close (pods listed with a
 * limit, in the asked namespace and the channel's other literal namespaces, only on that miss); a `-c` that names no
 * container of the pod is refused with its containers, whatever the strategy; a selector matching several pods
 * throws {@link PodChoice} unless one was picked.
 */
export async function resolvePod(
  dbg: PodDebugger,
  binding: ChannelBinding,
  namespace: string,
  command: PodCommand,
): Promise<ResolvedTarget> {
  let resolved: ResolvedTarget;
  try {
    resolved = await dbg.resolveTarget(namespace, command.target);
  } catch (err) {
    if (!(err instanceof PnsError) || err.code !== "not_found" || command.target.kind === "selector") throw err;
    const hint = await missHint(dbg, binding, namespace, command);
    throw hint ? new PnsError("not_found", err.userMessage, { hint, cause: err }) : err;
  }
  const problem = containerProblem(command, {
    name: resolved.pod.name,
    containers: resolved.pod.containers,
    initContainers: resolved.pod.initContainers ?? [],
  });
  if (problem) {
    throw new PnsError("invalid_command", problem.message, {
      hint: problem.suggestion ? `Run \`${problem.suggestion}\`.` : "Leave `-c` out for the pod's default container.",
    });
  }
  if (command.target.kind === "selector" && command.target.pick === undefined && resolved.candidates.length > 0) {
    throw new PodChoice(resolved);
  }
  return resolved;
}

async function missHint(
  dbg: PodDebugger,
  binding: ChannelBinding,
  namespace: string,
  command: PodCommand,
): Promise<string | undefined> {
  const others = [...new Set(binding.namespaces)]
    .filter((n) => n !== namespace && !isGlob(n))
    .slice(0, MISS_NAMESPACES_LIMIT);
  // A namespace pns may not list (RBAC) only has nothing to suggest.
  const read = (n: string) =>
    dbg.podNames(n, MISS_PODS_LIMIT).then(
      (pods) => ({ namespace: n, pods }),
      () => ({ namespace: n, pods: [] as string[] }),
    );
  const [asked, ...rest] = await Promise.all([namespace, ...others].map(read));
  const hint = podMissHint(command, asked!, rest);
  return hint ? hintText(hint) : undefined;
}
