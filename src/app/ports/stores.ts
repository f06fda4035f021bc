/**
 * The store ports of pns, named by role (implemented in `src/store/`). Two implementations behave identically (one contract suite runs against
 * both): embedded (in-process Maps, for local runs and the demo) and DynamoDB (one table).
 * Expected outcomes (a lost race, a duplicate id, a taken claim) are values; adapter failures throw PnsError.
 */
import type { AuditEntry, RequestState, SignalRequest } from "../../core/approval/types.js";
import type { ListingSnapshot } from "../../core/jobs.js";
import type { DebugSessionInfo } from "../../core/model.js";

/** What a conditional write expects to find: the state and version the caller read. */
export interface ExpectedVersion {
  state: RequestState;
  version: number;
}

/** A conditional write's result: the written request, or the request as it is now (null when it does not exist). */
export type WriteResult = { ok: true; request: SignalRequest } | { ok: false; current: SignalRequest | null };

/** Signal requests, written only through conditional transitions. */
export interface SignalRequestStore {
  /** Stores a new request; refused (with the stored one) when the id exists. */
  create(request: SignalRequest): Promise<WriteResult>;
  /** The request with this id, or null. Expired-but-pending requests are returned as stored: check expiry in code. */
  get(id: string): Promise<SignalRequest | null>;
  /**
   * Writes `next` if the stored request still has `expected` state and version (and, for pending → approved, if
   * `next.decidedAt` is before its expiry). On `{ ok: false }` run the state machine again on `current` to tell
   * the user what happened. Throws PnsError("internal") when `next` is not `expected.version + 1` of request `id`.
   */
  transition(id: string, expected: ExpectedVersion, next: SignalRequest): Promise<WriteResult>;
  /** Pending requests with `expiresAt <= now`, oldest expiry first, for the janitor. @default limit 100 */
  listExpirable(now: number, limit?: number): Promise<SignalRequest[]>;
  /**
   * Requests still `executing` that were approved at or before `approvedBefore`: their worker stopped mid-signal.
   * Oldest first, for the janitor. @default limit 100
   */
  listStuck(approvedBefore: number, limit?: number): Promise<SignalRequest[]>;
  /** Every pending request, expired or not, oldest expiry first (cleanup marks those of a deleted copy). @default limit 1000 */
  listPending(limit?: number): Promise<SignalRequest[]>;
  /** Sent STOPs whose automatic CONT is scheduled at or before `now`, earliest first, for the janitor. @default limit 100 */
  listContDue(now: number, limit?: number): Promise<SignalRequest[]>;
  /** Automatic CONTs claimed for sending at or before `claimedBefore` and never finished, oldest claim first. */
  listContStuck(claimedBefore: number, limit?: number): Promise<SignalRequest[]>;
}

/** The audit trail. */
export interface AuditLog {
  /** Appends one entry; appending the same id twice keeps one. */
  append(entry: AuditEntry): Promise<void>;
  /** Entries newest first, of one channel or of all. @default limit 20 */
  list(query?: { channel?: string; limit?: number }): Promise<AuditEntry[]>;
}

/** Dedupe for Slack retries and double submissions. */
export interface ClaimStore {
  /** True for the first caller of `key`; false while that claim lives. An expired claim can be claimed again. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives a claim up before it expires (the work it guarded is done); no-op when absent. */
  release(key: string): Promise<void>;
}

/** A debug container pns attached to a pod, recorded per channel for `/pns sessions` and cleanup. */
export interface DebugSession extends DebugSessionInfo {
  channel: string;
}

/**
 * A debug copy pns created, with the UID the API server gave it. A label or a name anyone with `create pods` can
 * copy; the UID no one can: pns reuses and deletes only a pod whose name and UID it recorded here.
 */
export interface CopyRecord {
  cluster: string;
  namespace: string;
  /** The copy's pod name. */
  pod: string;
  /** The copy's `metadata.uid`, as the create call returned it. */
  uid: string;
  /** The source pod. */
  copyOf: string;
  /** The channel whose command created it (the per-channel cap counts these). */
  channel: string;
  /** Slack user ID. */
  createdBy: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds: when the copy stops by itself (the record outlives it until the copy is deleted). */
  expiresAt: number;
}

/** Names one copy in a cluster. */
export type CopyRef = Pick<CopyRecord, "cluster" | "namespace" | "pod">;

/** Debug sessions by channel, and the copies pns created. */
export interface SessionStore {
  /**
   * Records a session; recording the same debug container again (same channel) replaces it but keeps its first
   * `createdAt`, and stores `lastUsedAt` (else `createdAt`) as its last use.
   */
  record(session: DebugSession): Promise<void>;
  /** Live sessions of a channel (`expiresAt > now`), last used first. */
  list(channel: string, now: number): Promise<DebugSession[]>;
  /** Sessions of all channels with `expiresAt <= now`, oldest expiry first, for cleanup. @default limit 100 */
  listExpired(now: number, limit?: number): Promise<DebugSession[]>;
  /** Forgets a session (after its debug container was removed); no-op when absent. */
  remove(
    session: Pick<DebugSession, "channel" | "cluster" | "namespace" | "debugPod" | "debugContainer">,
  ): Promise<void>;
  /** Records a copy pns just created; recording the same copy name again replaces it. */
  recordCopy(copy: CopyRecord): Promise<void>;
  /** The recorded copy of this name, or null. */
  getCopy(ref: CopyRef): Promise<CopyRecord | null>;
  /** The copies recorded in a cluster, oldest first (a handful: pns's own objects, never the cluster's pods). */
  listCopies(cluster: string): Promise<CopyRecord[]>;
  /** Forgets a copy, only if its record still has this UID (a newer copy of the same name stays); no-op when absent. */
  removeCopy(ref: CopyRef & { uid: string }): Promise<void>;
}

/** What each process table showed, so a later click acts on the process the user saw. */
export interface ListingStore {
  /** Stores a snapshot under its id for `ttlMs`; putting the same id again replaces it. */
  put(snapshot: ListingSnapshot, ttlMs: number): Promise<void>;
  /** The snapshot, or null when unknown or expired. */
  get(id: string): Promise<ListingSnapshot | null>;
}

/** All stores pns uses, built once per process. */
export interface Stores {
  requests: SignalRequestStore;
  audit: AuditLog;
  claims: ClaimStore;
  sessions: SessionStore;
  listings: ListingStore;
}

/** Epoch milliseconds; injected so tests control time. */
export type Clock = () => number;
