import type { PodCommand } from "../core/command/hints.js";
import { describeTarget } from "../core/command/target.js";
import type { JobOrigin } from "../core/jobs.js";
import type { DebugAttachment, PodRef } from "../core/model.js";
import type { ChannelBinding } from "../core/policy.js";
import { explainAttachFailure } from "./attach-failure.js";
import type { WorkerDeps } from "./deps.js";
import { attachRequest, placementOf, recordSession } from "./list-pod.js";
import type { AttachRequest, DebugLocation, PodDebugger, ResolvedTarget } from "./ports/cluster.js";
import type { Progress } from "./progress.js";
import { resolvePod } from "./resolve-pod.js";

/** A pod with a running pns debug container, ready for a script. */
export interface AttachedPod {
  binding: ChannelBinding;
  debugger: PodDebugger;
  resolved: ResolvedTarget;
  attachment: DebugAttachment;
  location: DebugLocation;
  pod: PodRef;
}

/**
 * Finds the pod and gets a debug container that sees its processes (reusing a running one), as `ps` does, and
 * records the debug session under the channel; lists nothing.
 */
export async function attachPod(
  deps: WorkerDeps,
  origin: JobOrigin,
  placement: PodCommand,
  progress: Progress,
  /** The debug profile when not `debug.profile` (inspect reads environ and fds: ptrace access). @default null */
  profile: AttachRequest["profile"] = null,
): Promise<AttachedPod> {
  const { binding, namespace } = placementOf(deps, origin, placement.namespace);
  const dbg = deps.debuggerFor(binding.cluster);
  await progress.step(`Looking for ${describeTarget(placement)} in namespace ${namespace}…`);
  const resolved = await resolvePod(dbg, binding, namespace, placement);
  await progress.step(`Found pod ${resolved.pod.name} (${resolved.matchedBy}); getting a debug container…`, true);
  const request = await attachRequest(deps, origin, binding.cluster, namespace, placement, progress, profile);
  const attachment = await dbg.attach(resolved, request).catch(async (err: unknown) => {
    throw await explainAttachFailure(deps, dbg, resolved, placement, err);
  });
  await recordSession(deps, origin, { cluster: binding.cluster, namespace, pod: resolved.pod.name }, attachment);
  return {
    binding,
    debugger: dbg,
    resolved,
    attachment,
    location: {
      namespace,
      pod: attachment.pod,
      container: attachment.container,
      targetContainer: attachment.targetContainer,
    },
    pod: { cluster: binding.cluster, namespace, pod: resolved.pod.name },
  };
}

/** Removes the job's progress message once the answer is posted; a failure only costs a stale message. */
export async function clearProgress(deps: WorkerDeps, responseUrl: string | null): Promise<void> {
  if (!responseUrl) return;
  await deps.chat
    .respond(responseUrl, { delete_original: true })
    .catch((error: unknown) => deps.logger.debug("could not remove the progress message", { error }));
}
