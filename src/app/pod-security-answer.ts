/** The worker's answer to a Pod Security refusal of its debug container: the sentence, and a retry when one serves. */
import { formatCommand } from "../core/command/format-command.js";
import { PnsError } from "../core/errors.js";
import type { Job } from "../core/jobs.js";
import { adviseOnRefusal, type DebugAction } from "../core/pod-security/refusal.js";
import { encodeRetryValue } from "../core/pod-security/retry.js";
import { DEBUG_CONTAINER_PREFIX } from "../core/process/attribute.js";
import type { MessageView } from "../core/views/block-kit.js";
import { renderPodSecurityView } from "../core/views/pod-security-view.js";
import { AttachFailure } from "./attach-failure.js";
import type { WorkerDeps } from "./deps.js";
import { placementOf } from "./list-pod.js";

/** What each command needs its debug container for. */
const ACTION_OF: Partial<Record<Job["kind"], DebugAction>> = {
  ps: "list",
  ports: "list",
  signal: "signal",
  cat: "read",
  inspect: "read",
};

/** The answer to a job that Pod Security refused; null for any other failure (the generic error view answers). */
export function podSecurityAnswer(deps: WorkerDeps, job: Job, err: unknown): MessageView | null {
  if (!(err instanceof PnsError) || err.code !== "pod_security" || !err.podSecurity) return null;
  if (!("command" in job) || !("origin" in job)) return null;
  const action = ACTION_OF[job.kind];
  if (!action) return null;
  let namespace: string;
  try {
    namespace = placementOf(deps, job.origin, job.command.namespace ?? null).namespace;
  } catch {
    return null;
  }
  const advice = adviseOnRefusal(err.podSecurity, {
    tried: job.origin.profile ?? deps.config.debug.profile,
    action,
    targetUid: err instanceof AttachFailure ? (err.facts?.targetUid ?? null) : null,
    isDebugContainer: (name) => name.startsWith(DEBUG_CONTAINER_PREFIX),
  });
  const retryValue =
    advice.retry === null || !("target" in job.command)
      ? null
      : encodeRetryValue({ profile: advice.retry, command: formatCommand(job.command).replace(/^\/pns /, "") });
  deps.logger.warn("refused", { code: err.code, message: err.userMessage });
  return renderPodSecurityView({ advice, namespace, action, retryValue });
}
