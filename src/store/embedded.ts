/**
 * The embedded store: in-process Maps, the default for local runs and the demo. Every operation runs synchronously
 * inside its promise, so a check and its write can never interleave with another caller's: that is what makes a
 * conditional write conditional here. Values are copied in and out, so callers never share objects with the store.
 */

import type {
  AuditLog,
  ClaimStore,
  Clock,
  CopyRecord,
  CopyRef,
  DebugSession,
  ExpectedVersion,
  ListingStore,
  SessionStore,
  SignalRequestStore,
  Stores,
  WriteResult,
} from "../app/ports/stores.js";
import { contClaimedAt } from "../core/approval/auto-cont.js";
import type { AuditEntry, SignalRequest } from "../core/approval/types.js";
import type { ListingSnapshot } from "../core/jobs.js";
import { checkTransition, isApproval } from "./check-transition.js";
import {
  auditSortKey,
  compareKeys,
  contClaimKey,
  contDueKey,
  copyKey,
  newestSessionFirst,
  oldestCopyFirst,
  requestExpiryKey,
  requestStartKey,
  sessionExpiryKey,
  sessionKey,
} from "./keys.js";

/** Options of the embedded store. */
export interface EmbeddedStoreOptions {
  /** @default Date.now */
  clock?: Clock;
}

/** Builds the embedded stores, sharing one clock. */
export function createEmbeddedStores(options: EmbeddedStoreOptions = {}): Stores {
  const clock = options.clock ?? Date.now;
  return {
    requests: new EmbeddedSignalRequestStore(clock),
    audit: new EmbeddedAuditLog(),
    claims: new EmbeddedClaimStore(clock),
    sessions: new EmbeddedSessionStore(),
    listings: new EmbeddedListingStore(clock),
  };
}

/** Signal requests in a Map. */
export class EmbeddedSignalRequestStore implements SignalRequestStore {
  readonly #items = new Map<string, SignalRequest>();
  constructor(private readonly clock: Clock = Date.now) {}

  async create(request: SignalRequest): Promise<WriteResult> {
    const current = this.#items.get(request.id);
    if (current) return { ok: false, current: structuredClone(current) };
    this.#items.set(request.id, structuredClone(request));
    return { ok: true, request: structuredClone(request) };
  }

  async get(id: string): Promise<SignalRequest | null> {
    const item = this.#items.get(id);
    return item ? structuredClone(item) : null;
  }

  async transition(id: string, expected: ExpectedVersion, next: SignalRequest): Promise<WriteResult> {
    checkTransition(id, expected, next);
    const current = this.#items.get(id);
    if (!current) return { ok: false, current: null };
    const matches = current.state === expected.state && current.version === expected.version;
    const live = !isApproval(expected, next) || current.expiresAt > (next.decidedAt ?? this.clock());
    if (!matches || !live) return { ok: false, current: structuredClone(current) };
    this.#items.set(id, structuredClone(next));
    return { ok: true, request: structuredClone(next) };
  }

  async listExpirable(now: number, limit = 100): Promise<SignalRequest[]> {
    return [...this.#items.values()]
      .filter((r) => r.state === "pending" && r.expiresAt <= now)
      .sort((a, b) => compareKeys(requestExpiryKey(a), requestExpiryKey(b)))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async listPending(limit = 1000): Promise<SignalRequest[]> {
    return [...this.#items.values()]
      .filter((r) => r.state === "pending")
      .sort((a, b) => compareKeys(requestExpiryKey(a), requestExpiryKey(b)))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async listContDue(now: number, limit = 100): Promise<SignalRequest[]> {
    return [...this.#items.values()]
      .filter((r) => r.autoCont?.state === "scheduled" && (r.autoCont.dueAt ?? 0) <= now)
      .sort((a, b) => compareKeys(contDueKey(a), contDueKey(b)))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async listContStuck(claimedBefore: number, limit = 100): Promise<SignalRequest[]> {
    return [...this.#items.values()]
      .filter((r) => r.autoCont?.state === "sending" && contClaimedAt(r) <= claimedBefore)
      .sort((a, b) => compareKeys(contClaimKey(a), contClaimKey(b)))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }

  async listStuck(approvedBefore: number, limit = 100): Promise<SignalRequest[]> {
    return [...this.#items.values()]
      .filter((r) => r.state === "executing" && (r.decidedAt ?? 0) <= approvedBefore)
      .sort((a, b) => compareKeys(requestStartKey(a), requestStartKey(b)))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }
}

/** The audit trail in a Map keyed like the DynamoDB sort key. */
export class EmbeddedAuditLog implements AuditLog {
  readonly #entries = new Map<string, AuditEntry>();

  async append(entry: AuditEntry): Promise<void> {
    this.#entries.set(auditSortKey(entry), structuredClone(entry));
  }

  async list(query: { channel?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const { channel, limit = 20 } = query;
    return [...this.#entries.entries()]
      .filter(([, e]) => channel === undefined || e.channel === channel)
      .sort(([a], [b]) => compareKeys(b, a))
      .slice(0, limit)
      .map(([, e]) => structuredClone(e));
  }
}

/** Claims in a Map of key → expiry. */
export class EmbeddedClaimStore implements ClaimStore {
  readonly #claims = new Map<string, number>();
  constructor(private readonly clock: Clock = Date.now) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock();
    const expiresAt = this.#claims.get(key);
    if (expiresAt !== undefined && expiresAt > now) return false;
    this.#claims.set(key, now + ttlMs);
    this.#sweep(now);
    return true;
  }

  async release(key: string): Promise<void> {
    this.#claims.delete(key);
  }

  /** Drops expired claims now and then, so a long-running dev server does not grow without bound. */
  #sweep(now: number): void {
    if (this.#claims.size % 1000 !== 0) return;
    for (const [key, expiresAt] of this.#claims) if (expiresAt <= now) this.#claims.delete(key);
  }
}

/** Debug sessions in a Map of channel → debug container → session. */
export class EmbeddedSessionStore implements SessionStore {
  readonly #byChannel = new Map<string, Map<string, DebugSession>>();

  async record(session: DebugSession): Promise<void> {
    let sessions = this.#byChannel.get(session.channel);
    if (!sessions) {
      sessions = new Map();
      this.#byChannel.set(session.channel, sessions);
    }
    // Recording the same debug container again keeps when it was first recorded (its start), and notes the last use.
    const first = sessions.get(sessionKey(session));
    sessions.set(sessionKey(session), {
      ...structuredClone(session),
      createdAt: first?.createdAt ?? session.createdAt,
      lastUsedAt: session.lastUsedAt ?? session.createdAt,
    });
  }

  async list(channel: string, now: number): Promise<DebugSession[]> {
    return [...(this.#byChannel.get(channel)?.values() ?? [])]
      .filter((s) => s.expiresAt > now)
      .sort(newestSessionFirst)
      .map((s) => structuredClone(s));
  }

  async listExpired(now: number, limit = 100): Promise<DebugSession[]> {
    return [...this.#byChannel.values()]
      .flatMap((sessions) => [...sessions.values()])
      .filter((s) => s.expiresAt <= now)
      .sort((a, b) => compareKeys(sessionExpiryKey(a), sessionExpiryKey(b)))
      .slice(0, limit)
      .map((s) => structuredClone(s));
  }

  async remove(
    session: Pick<DebugSession, "channel" | "cluster" | "namespace" | "debugPod" | "debugContainer">,
  ): Promise<void> {
    this.#byChannel.get(session.channel)?.delete(sessionKey(session));
  }

  readonly #copies = new Map<string, Map<string, CopyRecord>>();

  async recordCopy(copy: CopyRecord): Promise<void> {
    let copies = this.#copies.get(copy.cluster);
    if (!copies) {
      copies = new Map();
      this.#copies.set(copy.cluster, copies);
    }
    copies.set(copyKey(copy), structuredClone(copy));
  }

  async getCopy(ref: CopyRef): Promise<CopyRecord | null> {
    const copy = this.#copies.get(ref.cluster)?.get(copyKey(ref));
    return copy ? structuredClone(copy) : null;
  }

  async listCopies(cluster: string): Promise<CopyRecord[]> {
    return [...(this.#copies.get(cluster)?.values() ?? [])].sort(oldestCopyFirst).map((c) => structuredClone(c));
  }

  async removeCopy(ref: CopyRef & { uid: string }): Promise<void> {
    const copies = this.#copies.get(ref.cluster);
    if (copies?.get(copyKey(ref))?.uid === ref.uid) copies.delete(copyKey(ref));
  }
}

/** Listing snapshots in a Map, dropped when read after their expiry. */
class EmbeddedListingStore implements ListingStore {
  readonly #items = new Map<string, { expiresAt: number; json: string }>();
  constructor(private readonly clock: Clock) {}

  async put(snapshot: ListingSnapshot, ttlMs: number): Promise<void> {
    const now = this.clock();
    if (this.#items.size >= 1000)
      for (const [id, item] of this.#items) if (item.expiresAt <= now) this.#items.delete(id);
    this.#items.set(snapshot.id, { expiresAt: now + ttlMs, json: JSON.stringify(snapshot) });
  }

  async get(id: string): Promise<ListingSnapshot | null> {
    const item = this.#items.get(id);
    if (!item) return null;
    if (item.expiresAt <= this.clock()) {
      this.#items.delete(id);
      return null;
    }
    return JSON.parse(item.json) as ListingSnapshot;
  }
}
