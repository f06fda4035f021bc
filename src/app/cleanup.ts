import { markGone } from "../core/approval/state-machine.js";
import { namespaceMatches } from "../core/config/namespace-glob.js";
import type { Job } from "../core/jobs.js";
import { renderCleanupView } from "../core/views/cleanup-view.js";
import { renderSignalResultView } from "../core/views/signal-result-view.js";
import { applyTransition } from "./apply-transition.js";
import { approvalsChannel, refreshApprovalMessage } from "./approval-message.js";
import { audit, commandDetail } from "./audit.js";
import { ownedCopies } from "./copy-ledger.js";
import type { WorkerDeps } from "./deps.js";
import { placementOf } from "./list-pod.js";
import type { CleanupReport, ClusterDebugSession, RecordedDebugContainer } from "./ports/cluster.js";
import type { CopyRecord } from "./ports/stores.js";

/** What a cleanup of copies does besides the cluster's report: who asked, for the "target gone" lines. */
export interface CopyCleanupOptions {
  /** Delete the matching copies now, not only expired ones. @default false */
  now?: boolean;
  /** Only the copies of this pod. @default every pod */
  of?: string | null;
  /** Slack user ID of who asked; null for the janitor. @default null */
  by?: string | null;
  /** The ephemeral debug containers pns recorded, whose pods are read to report those still running. @default none */
  recorded?: readonly RecordedDebugContainer[];
}

/**
 * Deletes pns's copies in these namespaces of a cluster: only those whose name and pod UID pns recorded (a pod
 * labelled as pns's copy but not recorded is reported, never deleted). Forgets the records of deleted copies and of
 * copies already gone, and marks the pending requests that pointed at them "target gone" in their threads.
 */
export async function cleanUpCopies(
  deps: WorkerDeps,
  cluster: string,
  namespaces: readonly string[],
  options: CopyCleanupOptions = {},
): Promise<CleanupReport> {
  const of = options.of ?? null;
  // Read before the cluster is listed: a copy recorded after this is not deleted this time (it shows as not pns's).
  const records = await deps.stores.sessions.listCopies(cluster);
  const report = await deps.debuggerFor(cluster).cleanup(namespaces, {
    now: options.now ?? false,
    of,
    owned: ownedCopies(records),
    recorded: options.recorded ?? [],
  });
  const key = (s: { namespace: string; pod: string }) => `${s.namespace}/${s.pod}`;
  const listed = new Set(
    [...report.deleted, ...report.kept, ...report.notOwned, ...report.failed.map((f) => f.session)].map(key),
  );
  const deleted = new Set(report.deleted.map(key));
  const gone = records.filter(
    (r) =>
      deleted.has(key(r)) ||
      // Recorded, in these namespaces, but no longer in the cluster: deleted by someone else, or by its controller.
      (!listed.has(key(r)) && namespaceMatches(r.namespace, namespaces) && (of === null || r.copyOf === of)),
  );
  for (const record of gone) {
    await deps.stores.sessions.removeCopy(record);
    await markTargetGone(deps, record, options.by ?? null);
  }
  return report;
}

/** Closes the pending requests of a deleted copy: their message says "target gone", and their thread says why. */
async function markTargetGone(deps: WorkerDeps, copy: CopyRecord, by: string | null): Promise<void> {
  const pending = (await deps.stores.requests.listPending()).filter(
    (r) =>
      r.target.cluster === copy.cluster &&
      r.target.namespace === copy.namespace &&
      r.target.debugPod === copy.pod &&
      r.target.debugPod !== r.target.pod,
  );
  const why = `Debug copy ${copy.pod} of pod ${copy.copyOf} was deleted${by ? ` by /pns cleanup` : " by pns after it expired"}, and its processes with it; the live pod ${copy.copyOf} was never a target of this request.`;
  for (const request of pending) {
    const result = await applyTransition(deps.stores.requests, request.id, (r) => markGone(r, deps.now(), why));
    if (!result.ok) continue;
    await refreshApprovalMessage(deps, result.request).catch((error: unknown) =>
      deps.logger.warn("could not update a request whose copy was deleted", { error, request: request.id }),
    );
    if (result.request.messageTs) {
      await deps.chat
        .post(
          approvalsChannel(deps, result.request.channel),
          renderSignalResultView({ request: result.request, ok: false, message: `${why} Nothing was sent.` }),
          result.request.messageTs,
        )
        .catch((error: unknown) => deps.logger.warn("could not post target gone", { error, request: request.id }));
    }
    await audit(deps, {
      actor: by ?? "pns",
      action: "cleanup",
      channel: result.request.channel,
      cluster: copy.cluster,
      namespace: copy.namespace,
      pod: copy.copyOf,
      detail: `request ${request.id} (SIG${request.signal} to PID ${request.process.pid}): ${why}`,
      outcome: "refused",
    });
  }
}

/** `/pns cleanup [<target>]`: deletes pns's debug copies in the channel's namespaces now (all, or the target's). */
export async function runCleanup(deps: WorkerDeps, job: Extract<Job, { kind: "cleanup" }>): Promise<void> {
  const { origin, command } = job;
  const { binding, namespace } = placementOf(deps, origin, command.namespace);
  const namespaces = command.namespace || command.target ? [namespace] : binding.namespaces;
  const target = command.target && command.target.kind !== "selector" ? command.target.name : null;
  // Asked for by a person: delete the copies now, not only the expired ones.
  const report = await cleanUpCopies(deps, binding.cluster, namespaces, { now: true, of: target, by: origin.user });
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
    notOwned: report.notOwned.map(item),
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
        `deleted ${report.deleted.length} debug copies; ${report.runningEphemeral.length} debug containers still running; ${report.notOwned.length} pods labelled as pns's copies are not pns's`,
      ),
      outcome: report.failed.length > 0 ? "failed" : "ok",
    },
    origin.audit,
  );
}
