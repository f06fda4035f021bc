import { createHash } from "node:crypto";
import { markGone } from "../core/approval/state-machine.js";
import type { SignalRequest } from "../core/approval/types.js";
import { type ListingSnapshot, type SnapshotProcess, snapshotProcessOf } from "../core/jobs.js";
import type { Fingerprint, ProcessRow } from "../core/process/types.js";
import { type CurrentProcess, goneOutcome, renderTargetGoneNote } from "../core/views/stale-pick-view.js";
import { applyTransition } from "./apply-transition.js";
import { approvalsChannel, refreshApprovalMessageOrWarn } from "./approval-message.js";
import { audit } from "./audit.js";
import { type AppDeps, LISTING_TTL_MS } from "./deps.js";

/*
 * Freshness: every listing pns takes of a pod is also stored as that pod's latest (per channel and per PID
 * namespace seen), so a click on an older table, or a request still pending, is checked against what pns saw last
 * without a cluster call on Slack's 3-second path. The signal script's fingerprint check stays the last word.
 */

/** Longest a pending request can wait (above any configured lifetime): bounds the query of pending requests. */
export const PENDING_HORIZON_MS = 366 * 24 * 60 * 60_000;

/**
 * The id the latest listing of a pod is stored under: per channel (a table belongs to its channel) and per PID
 * namespace (a debug container targeting one container sees only that container's processes).
 */
export function latestListingId(
  snapshot: Pick<ListingSnapshot, "channel" | "pod"> & {
    attachment: { pod: string; targetContainer: string | null };
  },
): string {
  const { channel, pod, attachment } = snapshot;
  const key = [channel, pod.cluster, pod.namespace, attachment.pod, attachment.targetContainer ?? "*"].join("\n");
  return `latest.${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
}

/** Stores `snapshot` as its pod's latest listing too, and marks pending requests whose process it lacks "gone". */
export async function rememberLatest(deps: AppDeps, snapshot: ListingSnapshot): Promise<void> {
  const id = latestListingId(snapshot);
  await deps.stores.listings.put({ ...snapshot, id }, LISTING_TTL_MS);
  await markGoneRequests(deps, { ...snapshot, id }).catch((error: unknown) =>
    deps.logger.warn("could not check pending requests against a new listing", { error }),
  );
}

/**
 * After a signal: the processes listed right after it become the pod's latest listing (its pending requests whose
 * process exited are marked gone at once). Skipped when pns has no listing of that PID namespace to build on.
 */
export async function rememberAfterSignal(deps: AppDeps, request: SignalRequest, after: ProcessRow[]): Promise<void> {
  const t = request.target;
  if (t.targetContainer === undefined) return;
  const key = {
    channel: request.channel,
    pod: { cluster: t.cluster, namespace: t.namespace, pod: t.pod },
    attachment: { pod: t.debugPod, targetContainer: t.targetContainer },
  };
  const previous = await deps.stores.listings.get(latestListingId(key));
  if (!previous) return;
  await rememberLatest(deps, {
    ...previous,
    createdBy: request.decidedBy ?? request.requester,
    createdAt: deps.now(),
    processes: after.map(snapshotProcessOf),
  });
}

/** The latest listing of the pod `snapshot` shows, when it is newer than `since`; else null. */
export async function newerListing(
  deps: AppDeps,
  snapshot: Parameters<typeof latestListingId>[0],
  since: number,
): Promise<ListingSnapshot | null> {
  const latest = await deps.stores.listings.get(latestListingId(snapshot));
  return latest && latest.createdAt > since ? latest : null;
}

/** True when `listing` still shows the process of `fingerprint`: same PID, start time and command line. */
export function stillListed(listing: ListingSnapshot, fingerprint: Fingerprint): boolean {
  return listing.processes.some(
    (p) =>
      p.fingerprint?.pid === fingerprint.pid &&
      p.fingerprint.startTicks === fingerprint.startTicks &&
      p.fingerprint.cmdSha256 === fingerprint.cmdSha256,
  );
}

/** Processes of `listing` running the same command line in the same container as `was`: where it is now. */
export function sameCommandNow(
  listing: ListingSnapshot,
  was: { container: string | null; fingerprint: Fingerprint },
): CurrentProcess[] {
  return listing.processes
    .filter(
      (p): p is SnapshotProcess & { fingerprint: Fingerprint } =>
        p.role === "app" &&
        p.fingerprint !== null &&
        p.container === was.container &&
        p.fingerprint.cmdSha256 === was.fingerprint.cmdSha256,
    )
    .map((p) => ({ pid: p.pid, command: p.command, container: p.container, startedAt: p.startedAt ?? null }));
}

/** Pending requests of the PID namespace `listing` shows whose process it lacks: marked `gone`, their thread told. */
async function markGoneRequests(deps: AppDeps, listing: ListingSnapshot): Promise<void> {
  const now = deps.now();
  const pending = await deps.stores.requests.listExpirable(now + PENDING_HORIZON_MS);
  for (const request of pending) {
    if (!sameNamespace(request, listing) || stillListed(listing, request.fingerprint)) continue;
    const current = sameCommandNow(listing, { container: request.process.container, fingerprint: request.fingerprint });
    await markRequestGone(deps, request, listing, current);
  }
}

function sameNamespace(request: SignalRequest, listing: ListingSnapshot): boolean {
  const t = request.target;
  const a = listing.attachment;
  return (
    request.channel === listing.channel &&
    t.cluster === listing.pod.cluster &&
    t.namespace === listing.pod.namespace &&
    t.debugPod === a.pod &&
    (a.targetContainer === null || a.targetContainer === request.process.container)
  );
}

/**
 * Marks one pending request `gone` (a conditional write: a concurrent decision wins), updates its message and tells
 * the requester in its thread where the same command runs now, with a button to request for it.
 */
export async function markRequestGone(
  deps: AppDeps,
  request: SignalRequest,
  listing: ListingSnapshot,
  current: CurrentProcess[],
): Promise<SignalRequest | null> {
  const outcome = goneOutcome(request.process.pid, listing.createdAt, current, request.process.container);
  const result = await applyTransition(deps.stores.requests, request.id, (r) => markGone(r, deps.now(), outcome));
  if (!result.ok) return null;
  const gone = result.request;
  await refreshApprovalMessageOrWarn(deps, gone);
  await audit(deps, {
    actor: "pns",
    action: "expire",
    channel: gone.channel,
    cluster: gone.target.cluster,
    namespace: gone.target.namespace,
    pod: gone.target.pod,
    detail: `target gone: SIG${gone.signal} to PID ${gone.process.pid} (request ${gone.id})`,
    outcome: "refused",
  });
  if (gone.messageTs) {
    const view = renderTargetGoneNote({
      requester: gone.requester,
      was: { pid: gone.process.pid, command: gone.process.command, container: gone.process.container },
      signal: gone.signal,
      listingId: listing.id,
      current,
    });
    await deps.chat
      .post(approvalsChannel(deps, gone.channel), view, gone.messageTs)
      .catch((error: unknown) => deps.logger.warn("could not post in the request's thread", { error }));
  }
  return gone;
}
