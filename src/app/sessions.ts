import type { Job } from "../core/jobs.js";
import type { SessionSummary } from "../core/views/sessions-view.js";
import { renderSessionsView } from "../core/views/sessions-view.js";
import { audit, commandDetail } from "./audit.js";
import type { WorkerDeps } from "./deps.js";
import { placementOf } from "./list-pod.js";
import type { ClusterDebugSession } from "./ports/cluster.js";
import type { DebugSession } from "./ports/stores.js";

/**
 * `/pns sessions`: the debug containers pns recorded in this channel, checked against the cluster (a deleted pod or
 * a cleaned copy is forgotten, a stopped or blind debug container shown as such), and pns's copies in the channel's
 * namespaces. Reads the recorded pods and the label-selected copies, never the cluster's other pods.
 */
export async function runSessions(deps: WorkerDeps, job: Extract<Job, { kind: "sessions" }>): Promise<void> {
  const now = deps.now();
  const { binding } = placementOf(deps, job.origin, null);
  const stored = (await deps.stores.sessions.list(job.origin.channel, now)).filter(
    (s) => s.cluster === binding.cluster,
  );
  const recorded = stored
    .filter((s) => s.strategy !== "copy")
    .map((s) => ({ namespace: s.namespace, pod: s.debugPod, container: s.debugContainer }));
  const live = await deps.debuggerFor(binding.cluster).sessions(binding.namespaces, recorded);
  const liveByKey = new Map(live.map((l) => [`${l.namespace}/${l.pod}/${l.container}`, l]));
  const storedKeys = new Set<string>();
  const summaries: SessionSummary[] = [];
  for (const s of stored) {
    const key = `${s.namespace}/${s.debugPod}/${s.debugContainer}`;
    const l = liveByKey.get(key);
    if (!l) {
      // Its pod was deleted or its copy cleaned up: nothing is left to show.
      await deps.stores.sessions.remove(s);
      continue;
    }
    storedKeys.add(key);
    summaries.push(summaryOf(s, l));
  }
  for (const l of live) {
    if (l.kind !== "copy" || storedKeys.has(`${l.namespace}/${l.pod}/${l.container}`)) continue;
    // A copy made from another channel (or before pns's records): the copy's annotations say whose it is.
    summaries.push(summaryOf(null, l, binding.cluster, now));
  }
  await deps.chat.replyPrivately(job.origin, renderSessionsView(summaries, now));
  const blind = summaries.filter((x) => x.blind).length;
  await audit(
    deps,
    {
      actor: job.origin.user,
      action: "command",
      channel: job.origin.channel,
      cluster: binding.cluster,
      namespace: null,
      pod: null,
      detail: commandDetail(job.origin.audit, `listed ${summaries.length} debug sessions (${blind} blind)`),
      outcome: "ok",
    },
    job.origin.audit,
  );
}

/** One line's facts: what pns recorded, with the cluster's word on when it started and whether it still sees. */
function summaryOf(
  s: DebugSession | null,
  l: ClusterDebugSession,
  cluster = s?.cluster ?? "",
  now = 0,
): SessionSummary {
  const startedAt = parseTime(l.startedAt);
  const expiresAt = parseTime(l.expiresAt) ?? s?.expiresAt ?? now;
  return {
    cluster,
    namespace: l.namespace,
    pod: s?.pod ?? l.copyOf ?? l.pod,
    debugPod: l.pod,
    debugContainer: l.container,
    strategy: s?.strategy ?? (l.kind === "copy" ? "copy" : "ephemeral"),
    createdBy: s?.createdBy ?? l.requestedBy,
    createdAt: s?.createdAt ?? startedAt ?? now,
    startedAt,
    lastUsedAt: s ? (s.lastUsedAt ?? s.createdAt) : null,
    expiresAt,
    blind: l.blind,
    blindSince: parseTime(l.blindSince),
  };
}

function parseTime(iso: string | null): number | null {
  const t = iso === null ? Number.NaN : Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}
