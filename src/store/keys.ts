/** Sort keys shared by both stores, so that both return the same order. */

import type { CopyRecord, DebugSession } from "../app/ports/stores.js";
import type { AuditEntry } from "../core/approval/types.js";

/** Epoch milliseconds as a fixed-width string, so that string order is time order. */
export function padTime(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(15, "0");
}

/** Orders audit entries by time, then id. */
export function auditSortKey(entry: Pick<AuditEntry, "at" | "id">): string {
  return `${padTime(entry.at)}#${entry.id}`;
}

/** Names one debug container within a channel. */
export function sessionKey(
  session: Pick<DebugSession, "cluster" | "namespace" | "debugPod" | "debugContainer">,
): string {
  return `${session.cluster}#${session.namespace}#${session.debugPod}#${session.debugContainer}`;
}

/** Names one copy within a cluster. */
export function copyKey(copy: { namespace: string; pod: string }): string {
  return `${copy.namespace}#${copy.pod}`;
}

/** Oldest copy first, then by name: the order of a cluster's copies in both stores. */
export function oldestCopyFirst(a: CopyRecord, b: CopyRecord): number {
  return a.createdAt - b.createdAt || compareKeys(copyKey(a), copyKey(b));
}

/** Orders sessions of all channels by expiry, then channel, then debug container. */
export function sessionExpiryKey(session: DebugSession): string {
  return `${padTime(session.expiresAt)}#${session.channel}#${sessionKey(session)}`;
}

/** Orders pending requests by expiry, then id. */
export function requestExpiryKey(request: { expiresAt: number; id: string }): string {
  return `${padTime(request.expiresAt)}#${request.id}`;
}

/** Orders executing requests by approval time, then id. */
export function requestStartKey(request: { decidedAt: number | null; id: string }): string {
  return `${padTime(request.decidedAt ?? 0)}#${request.id}`;
}

/** Orders scheduled automatic CONTs by due time, then id. */
export function contDueKey(request: { autoCont?: { dueAt: number | null } | null; id: string }): string {
  return `${padTime(request.autoCont?.dueAt ?? 0)}#${request.id}`;
}

/** Orders automatic CONTs being sent by when they were claimed, then id. */
export function contClaimKey(request: {
  autoCont?: { claimedAt?: number; dueAt: number | null } | null;
  id: string;
}): string {
  return `${padTime(request.autoCont?.claimedAt ?? request.autoCont?.dueAt ?? 0)}#${request.id}`;
}

/** The exclusive upper bound of expiry keys at or before `now`. */
export function expiredBefore(now: number): string {
  return padTime(now + 1);
}

/** Plain code-unit order of two keys, as DynamoDB orders string sort keys. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Newest first by creation, then by debug container: the order of a channel's sessions in both stores. */
export function newestSessionFirst(a: DebugSession, b: DebugSession): number {
  const used = (s: DebugSession) => s.lastUsedAt ?? s.createdAt;
  return used(b) - used(a) || compareKeys(sessionKey(a), sessionKey(b));
}
