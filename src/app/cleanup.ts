import type { Job } from "../core/jobs.js";
import { renderCleanupView } from "../core/views/cleanup-view.js";
import { audit, commandDetail } from "./audit.js";
import type { WorkerDeps } from "./deps.js";
import { placementOf } from "./list-pod.js";
import type { ClusterDebugSession } from "./ports/cluster.js";

/** `/pns cleanup [<target>]`: deletes pns's debug copies in the channel's namespaces now (all, or the target's). */
export async function runCleanup(deps: WorkerDeps, job: Extract<Job, { kind: "cleanup" }>): Promise<void> {
  const { origin, command } = job;
  const { binding, namespace } = placementOf(deps, origin, command.namespace);
  const namespaces = command.namespace || command.target ? [namespace] : binding.namespaces;
  const target = command.target && command.target.kind !== "selector" ? command.target.name : null;
  // Asked for by a person: delete the copies now, not only the expired ones.
  const report = await deps.debuggerFor(binding.cluster).cleanup(namespaces, { now: true, of: target });
  const item = (s: ClusterDebugSession) => ({
    namespace: s.namespace,
    pod: s.pod,
    container: s.container,
    copyOf: s.copyOf,
    expiresAt: s.expiresAt,
  });
  const view = renderCleanupView({
    cluster: binding.cluster,
    deleted: report.deleted.map(item),
    kept: report.kept.map(item),
    runningEphemeral: report.runningEphemeral.map(item),
    failed: report.failed.map((f) => ({ item: item(f.session), message: f.message })),
  });
  await deps.chat.replyPrivately(origin, view);
  await audit(
    deps,
    {
      actor: origin.user,
      action: "cleanup",
      channel: origin.channel,
      cluster: binding.cluster,
      namespace: namespaces.join(","),
      pod: target,
      detail: commandDetail(
        origin.audit,
        `deleted ${report.deleted.length} debug copies; ${report.runningEphemeral.length} debug containers still running`,
      ),
      outcome: report.failed.length > 0 ? "failed" : "ok",
    },
    origin.audit,
  );
}
