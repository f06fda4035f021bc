import type { PodCommand } from "../core/command/hints.js";
import { describeTarget } from "../core/command/target.js";
import type { Target } from "../core/command/types.js";
import { PnsError } from "../core/errors.js";
import { type JobOrigin, type ListingSnapshot, snapshotProcessOf } from "../core/jobs.js";
import type { DebugAttachment } from "../core/model.js";
import { isRetryProfile } from "../core/pod-security/refusal.js";
import { bindingFor, type ChannelBinding, may, resolveNamespace } from "../core/policy.js";
import { toRows } from "../core/process/rows.js";
import type { ProcessListing, ProcessRow } from "../core/process/types.js";
import { withoutCollector } from "../core/process/without-collector.js";
import { explainAttachFailure } from "./attach-failure.js";
import { copyLedger } from "./copy-ledger.js";
import { LISTING_TTL_MS, type WorkerDeps } from "./deps.js";
import { rememberLatest } from "./freshness.js";
import type { AttachRequest, DebugLocation, PodDebugger, ResolvedTarget } from "./ports/cluster.js";
import type { Progress } from "./progress.js";
import { resolvePod } from "./resolve-pod.js";

/** Where a command points: its target and placement flags. */
export interface Placement {
  target: Target;
  namespace: string | null;
  container: string | null;
  copy: boolean;
}

/** A pod's processes as pns listed them, with the snapshot stored for later clicks. */
export interface PodListing {
  /** The command that listed it, for suggestions that keep its flags. */
  command: PodCommand;
  binding: ChannelBinding;
  debugger: PodDebugger;
  resolved: ResolvedTarget;
  listing: ProcessListing;
  rows: ProcessRow[];
  snapshot: ListingSnapshot;
}

/** The channel's binding and the namespace a command runs in, re-checked in the worker (the config may have changed). */
export function placementOf(deps: WorkerDeps, origin: JobOrigin, namespace: string | null) {
  const binding = bindingFor(deps.config, origin.channel);
  if (!binding.ok) throw new PnsError("not_allowed", binding.message);
  const ns = resolveNamespace(binding.value, namespace);
  if (!ns.ok) throw new PnsError("not_allowed", ns.message);
  return { binding: binding.value, namespace: ns.value };
}

/** Where an attachment's scripts run. */
function locationOf(namespace: string, attachment: DebugAttachment): DebugLocation {
  return {
    namespace,
    pod: attachment.pod,
    container: attachment.container,
    targetContainer: attachment.targetContainer,
  };
}

/** True when a reused ephemeral debug container lists no process of the container it targets. */
function blind(attachment: DebugAttachment, listing: ProcessListing): boolean {
  const target = attachment.targetContainer;
  if (!attachment.reused || attachment.strategy !== "ephemeral" || !target) return false;
  return !listing.processes.some((p) => p.container === target && p.role === "app");
}

/** What the listing left out: the node's processes of a hostPID pod, or processes of other containers' cgroups. */
function outsideOf(pod: string, listing: ProcessListing): string | null {
  const outside = listing.outside;
  if (!outside) return null;
  const n = `${outside.processes} ${outside.processes === 1 ? "process" : "processes"}`;
  if (outside.hostPID) {
    return `Pod ${pod} shares the node's PID namespace (hostPID): pns lists only its containers' processes (${n} of the node hidden), and only those may be signalled or read.`;
  }
  return outside.processes > 0
    ? `${n} in this PID namespace belong to no container of pod ${pod}: pns hides them and never signals or reads them.`
    : null;
}

/** Records the debug container a command used under the channel (`/pns sessions`, the janitor), used now. */
export async function recordSession(
  deps: WorkerDeps,
  origin: JobOrigin,
  pod: { cluster: string; namespace: string; pod: string },
  attachment: DebugAttachment,
): Promise<void> {
  const now = deps.now();
  await deps.stores.sessions.record({
    channel: origin.channel,
    ...pod,
    debugPod: attachment.pod,
    debugContainer: attachment.container,
    strategy: attachment.strategy,
    createdAt: now,
    lastUsedAt: now,
    expiresAt: Date.parse(attachment.expiresAt) || now + deps.config.debug.containerLifetimeMs,
    createdBy: origin.user,
  });
}

/**
 * What a command asks of the debug container: the placement's strategy and container, progress as it goes, and the
 * copy ledger only for someone who may make copies (without it the adapter makes none, nor as a fallback).
 */
export async function attachRequest(
  deps: WorkerDeps,
  origin: JobOrigin,
  cluster: string,
  namespace: string,
  placement: Placement,
  progress: Progress,
  /** A profile the action needs beyond `debug.profile` (inspect: ptrace access); a retry's own profile wins. */
  needed: AttachRequest["profile"] = null,
): Promise<AttachRequest> {
  const groups = await deps.userGroups.groupsOf(origin.user);
  const mayCopy = may(deps.config, { user: origin.user, groups }, "copy").ok;
  const retry = origin.profile ?? null;
  // A job is only as good as its sender: a profile other than the configured one may only lower privilege.
  if (retry !== null && !isRetryProfile(retry, deps.config.debug.profile)) {
    throw new PnsError("not_allowed", `pns does not retry with the \`${retry}\` debug profile here.`, {
      hint: `A retry may only use a profile stricter than \`debug.profile: ${deps.config.debug.profile}\`.`,
    });
  }
  const profile = retry ?? needed;
  return {
    ...(profile !== null ? { profile } : {}),
    strategy: placement.copy ? "copy" : null,
    container: placement.container,
    requestedBy: origin.user,
    onProgress: (message) => void progress.step(message, true),
    copies: mayCopy ? copyLedger(deps, origin, cluster, namespace) : null,
  };
}

/**
 * Finds the pod, gets a debug container that sees its processes (reusing a running one), lists them, and stores
 * the listing's snapshot (fingerprints included) under a new listing id, and the debug session under the channel.
 */
export async function listPod(
  deps: WorkerDeps,
  origin: JobOrigin,
  placement: PodCommand,
  progress: Progress,
): Promise<PodListing> {
  const { binding, namespace } = placementOf(deps, origin, placement.namespace);
  const dbg = deps.debuggerFor(binding.cluster);
  await progress.step(`Looking for ${describeTarget(placement)} in namespace ${namespace}…`);
  const resolved = await resolvePod(dbg, binding, namespace, placement);
  await progress.step(`Found pod ${resolved.pod.name} (${resolved.matchedBy}); getting a debug container…`, true);
  const request = await attachRequest(deps, origin, binding.cluster, namespace, placement, progress);
  let attachment: DebugAttachment;
  let taken: Awaited<ReturnType<PodDebugger["listProcesses"]>>;
  try {
    attachment = await dbg.attach(resolved, request);
    taken = await dbg.listProcesses(locationOf(namespace, attachment));
    if (blind(attachment, taken.listing)) {
      // A reused debug container that sees none of its target's processes joined a namespace that is gone: add another.
      attachment = await dbg.attach(resolved, { ...request, avoid: attachment.container });
      taken = await dbg.listProcesses(locationOf(namespace, attachment));
    }
  } catch (err) {
    // Only on failure, and bounded: the doctor's checks say which one failed and its fix.
    throw await explainAttachFailure(deps, dbg, resolved, placement, err);
  }
  const listing = withoutCollector(taken.listing);
  const outsideNote = outsideOf(resolved.pod.name, listing);
  if (outsideNote) attachment = { ...attachment, note: [attachment.note, outsideNote].filter(Boolean).join(" ") };
  const rows = toRows(listing, deps.redactor);
  const now = deps.now();
  const snapshot: ListingSnapshot = {
    id: deps.newId(),
    channel: origin.channel,
    createdBy: origin.user,
    createdAt: now,
    pod: { cluster: binding.cluster, namespace, pod: resolved.pod.name },
    attachment,
    processes: rows.map(snapshotProcessOf),
  };
  await deps.stores.listings.put(snapshot, LISTING_TTL_MS);
  await rememberLatest(deps, snapshot);
  await recordSession(deps, origin, { cluster: binding.cluster, namespace, pod: resolved.pod.name }, attachment);
  return { command: placement, binding, debugger: dbg, resolved, listing, rows, snapshot };
}
