/**
 * The store contract: one suite that every store implementation passes (embedded and DynamoDB).
 * `storeContract(name, make)` registers the describe/it blocks; `make(clock)` returns fresh, empty stores.
 */

import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { applyTransition } from "../../src/app/apply-transition.js";
import type { Clock, CopyRecord, DebugSession, Stores } from "../../src/app/ports/stores.js";
import { autoContFor, claimCont, loseCont, scheduleCont } from "../../src/core/approval/auto-cont.js";
import { decide, expire, finish, startExecution } from "../../src/core/approval/state-machine.js";
import type { AuditEntry, SignalRequest } from "../../src/core/approval/types.js";
import { PnsError } from "../../src/core/errors.js";
import type { ListingSnapshot } from "../../src/core/jobs.js";
import { aSignalRequest } from "./request-builder.js";

/** A clock the test moves by hand. */
export interface ManualClock {
  now: Clock;
  set(ms: number): void;
  advance(ms: number): void;
}

function manualClock(start = 1_790_000_000_000): ManualClock {
  let t = start;
  return { now: () => t, set: (ms) => (t = ms), advance: (ms) => (t += ms) };
}

const MINUTE = 60_000;

/** Registers the contract suite for one store implementation. */
export function storeContract(name: string, make: (clock: Clock) => Promise<Stores>): void {
  async function setup(): Promise<{ stores: Stores; clock: ManualClock }> {
    const clock = manualClock();
    return { stores: await make(clock.now), clock };
  }

  function approve(request: SignalRequest, user: string, now: number): SignalRequest {
    const t = decide(request, { action: "approve", user, userGroups: [], now });
    if (!t.ok) throw new Error(`test setup: approve refused: ${t.message}`);
    return t.request;
  }

  describe(`store contract: ${name}`, () => {
    describe("signal requests", () => {
      it("creates a request and reads it back unchanged", async () => {
        const { stores, clock } = await setup();
        const request = aSignalRequest({ id: randomUUID(), now: clock.now() });
        expect(await stores.requests.create(request)).toEqual({ ok: true, request });
        expect(await stores.requests.get(request.id)).toEqual(request);
      });

      it("returns null for an unknown id", async () => {
        const { stores } = await setup();
        expect(await stores.requests.get("no-such-request")).toBeNull();
      });

      it("refuses a second create with the same id and returns the stored request", async () => {
        const { stores, clock } = await setup();
        const first = aSignalRequest({ id: randomUUID(), now: clock.now(), reason: "first" });
        const second = { ...first, reason: "second" };
        await stores.requests.create(first);
        expect(await stores.requests.create(second)).toEqual({ ok: false, current: first });
        expect((await stores.requests.get(first.id))?.reason).toBe("first");
      });

      it("keeps its own copies: changing a returned or given object changes nothing stored", async () => {
        const { stores, clock } = await setup();
        const request = aSignalRequest({ id: randomUUID(), now: clock.now() });
        await stores.requests.create(request);
        request.approvers.users.push("U0MALLORY");
        const read = await stores.requests.get(request.id);
        read!.target.pod = "other";
        expect(await stores.requests.get(request.id)).toMatchObject({
          approvers: { users: [] },
          target: { pod: "nginx" },
        });
      });

      it("walks pending → approved → executing → done, one version at a time", async () => {
        const { stores, clock } = await setup();
        const created = aSignalRequest({ id: randomUUID(), now: clock.now() });
        await stores.requests.create(created);
        clock.advance(MINUTE);
        const approved = approve(created, "U0APPROVER", clock.now());
        expect(await stores.requests.transition(created.id, created, approved)).toEqual({
          ok: true,
          request: approved,
        });
        const executing = startExecution(approved, approved.decidedAt!);
        if (!executing.ok) throw new Error(executing.message);
        expect((await stores.requests.transition(created.id, approved, executing.request)).ok).toBe(true);
        const done = finish(executing.request, true, "SIGHUP sent to pid 8");
        if (!done.ok) throw new Error(done.message);
        expect((await stores.requests.transition(created.id, executing.request, done.request)).ok).toBe(true);
        expect(await stores.requests.get(created.id)).toMatchObject({
          state: "done",
          version: 4,
          decidedBy: "U0APPROVER",
          decidedAt: clock.now(),
          outcome: "SIGHUP sent to pid 8",
        });
      });

      it("refuses a stale version and returns the current request", async () => {
        const { stores, clock } = await setup();
        const created = aSignalRequest({ id: randomUUID(), now: clock.now() });
        await stores.requests.create(created);
        const byAlice = approve(created, "U0ALICE", clock.now());
        const denyByBob = decide(created, { action: "deny", user: "U0BOB", userGroups: [], now: clock.now() });
        if (!denyByBob.ok) throw new Error(denyByBob.message);
        expect((await stores.requests.transition(created.id, created, byAlice)).ok).toBe(true);
        const lost = await stores.requests.transition(created.id, created, denyByBob.request);
        expect(lost).toEqual({ ok: false, current: byAlice });
        // The state machine, run on what is stored now, tells Bob who won.
        if (lost.ok || !lost.current) throw new Error("expected the current request");
        const again = decide(lost.current, { action: "deny", user: "U0BOB", userGroups: [], now: clock.now() });
        expect(again).toMatchObject({ ok: false, code: "already_decided" });
        expect(!again.ok && again.message).toContain("approved by <@U0ALICE>");
      });

      it("refuses a transition whose expected state differs even when the version matches", async () => {
        const { stores, clock } = await setup();
        const created = aSignalRequest({ id: randomUUID(), now: clock.now() });
        await stores.requests.create(created);
        const approved = approve(created, "U0ALICE", clock.now());
        const result = await stores.requests.transition(created.id, { state: "approved", version: 1 }, approved);
        expect(result).toEqual({ ok: false, current: created });
      });

      it("refuses a transition of an unknown request with current null", async () => {
        const { stores, clock } = await setup();
        const ghost = aSignalRequest({ id: randomUUID(), now: clock.now() });
        const approved = approve(ghost, "U0ALICE", clock.now());
        expect(await stores.requests.transition(ghost.id, ghost, approved)).toEqual({ ok: false, current: null });
      });

      it("throws an internal PnsError when next is not the following version of the same request", async () => {
        const { stores, clock } = await setup();
        const created = aSignalRequest({ id: randomUUID(), now: clock.now() });
        await stores.requests.create(created);
        const cases: { name: string; next: SignalRequest }[] = [
          { name: "same version", next: { ...created, state: "cancelled" } },
          { name: "skipped version", next: { ...created, state: "cancelled", version: 3 } },
          { name: "other id", next: { ...created, id: "other", state: "cancelled", version: 2 } },
        ];
        for (const c of cases) {
          const err = await stores.requests.transition(created.id, created, c.next).catch((e: unknown) => e);
          expect(err, c.name).toBeInstanceOf(PnsError);
          expect((err as PnsError).code, c.name).toBe("internal");
        }
      });

      it("refuses an approval written at or after expiry even if the caller skipped the check", async () => {
        const { stores, clock } = await setup();
        const created = aSignalRequest({ id: randomUUID(), now: clock.now(), ttlMs: MINUTE });
        await stores.requests.create(created);
        const late = { ...created, state: "approved" as const, decidedBy: "U0ALICE", decidedAt: created.expiresAt };
        late.version = 2;
        expect(await stores.requests.transition(created.id, created, late)).toEqual({ ok: false, current: created });
      });

      it("expires a pending request: the click is refused, the expired request is persisted", async () => {
        const { stores, clock } = await setup();
        const created = aSignalRequest({ id: randomUUID(), now: clock.now(), ttlMs: MINUTE });
        await stores.requests.create(created);
        clock.advance(2 * MINUTE);
        const click = decide(created, { action: "approve", user: "U0ALICE", userGroups: [], now: clock.now() });
        expect(click).toMatchObject({ ok: false, code: "expired" });
        if (click.ok || !click.persist) throw new Error("expected the expired request to persist");
        expect((await stores.requests.transition(created.id, created, click.persist)).ok).toBe(true);
        expect(await stores.requests.get(created.id)).toMatchObject({ state: "expired", version: 2, decidedBy: "pns" });
        expect(await stores.requests.listExpirable(clock.now())).toEqual([]);
      });

      it("lists pending requests past expiry, oldest expiry first, up to the limit", async () => {
        const { stores, clock } = await setup();
        const t0 = clock.now();
        const mk = (id: string, createdAgo: number, ttl: number) =>
          aSignalRequest({ id, now: t0 - createdAgo, ttlMs: ttl });
        const late2 = mk("r-late-2", 10 * MINUTE, 2 * MINUTE); // expired 8 min ago
        const late1 = mk("r-late-1", 10 * MINUTE, 1 * MINUTE); // expired 9 min ago
        const exact = mk("r-exact", 5 * MINUTE, 5 * MINUTE); // expires right now
        const open = mk("r-open", 0, 5 * MINUTE);
        const decided = mk("r-decided", 10 * MINUTE, MINUTE);
        for (const r of [late2, late1, exact, open, decided]) await stores.requests.create(r);
        const denied = decide(decided, { action: "deny", user: "U0BOB", userGroups: [], now: decided.createdAt });
        if (!denied.ok) throw new Error(denied.message);
        await stores.requests.transition(decided.id, decided, denied.request);

        expect((await stores.requests.listExpirable(t0)).map((r) => r.id)).toEqual(["r-late-1", "r-late-2", "r-exact"]);
        expect((await stores.requests.listExpirable(t0, 2)).map((r) => r.id)).toEqual(["r-late-1", "r-late-2"]);
        expect(await stores.requests.listExpirable(t0 - 20 * MINUTE)).toEqual([]);

        const janitor = expire(late1, t0);
        if (!janitor.ok) throw new Error(janitor.message);
        await stores.requests.transition(late1.id, late1, janitor.request);
        expect((await stores.requests.listExpirable(t0)).map((r) => r.id)).toEqual(["r-late-2", "r-exact"]);
        // Every pending request, expired or not (cleanup marks those of a deleted copy), oldest expiry first.
        expect((await stores.requests.listPending()).map((r) => r.id)).toEqual(["r-late-2", "r-exact", "r-open"]);
        expect((await stores.requests.listPending(1)).map((r) => r.id)).toEqual(["r-late-2"]);
      });

      it("lists requests stuck in executing, approved before a time, oldest first; finished ones leave the list", async () => {
        const { stores, clock } = await setup();
        const t0 = clock.now();
        const executing = async (id: string, approvedAt: number) => {
          const r = aSignalRequest({ id, now: approvedAt - MINUTE });
          await stores.requests.create(r);
          const approved = approve(r, "U0BOB", approvedAt);
          await stores.requests.transition(id, r, approved);
          const started = startExecution(approved, approved.decidedAt!);
          if (!started.ok) throw new Error(started.message);
          await stores.requests.transition(id, approved, started.request);
          return started.request;
        };
        const old = await executing("r-old", t0 - 30 * MINUTE);
        await executing("r-older", t0 - 40 * MINUTE);
        await executing("r-fresh", t0 - MINUTE);
        await stores.requests.create(aSignalRequest({ id: "r-pending", now: t0 - 50 * MINUTE }));

        expect((await stores.requests.listStuck(t0 - 10 * MINUTE)).map((r) => r.id)).toEqual(["r-older", "r-old"]);
        expect((await stores.requests.listStuck(t0 - 10 * MINUTE, 1)).map((r) => r.id)).toEqual(["r-older"]);
        const done = finish(old, false, "lost");
        if (!done.ok) throw new Error(done.message);
        await stores.requests.transition(old.id, old, done.request);
        expect((await stores.requests.listStuck(t0 - 10 * MINUTE)).map((r) => r.id)).toEqual(["r-older"]);
      });

      it("lists sent STOPs whose automatic CONT is due, earliest first; a claimed one leaves the list and is claimed once", async () => {
        const { stores, clock } = await setup();
        const t0 = clock.now();
        const sentStop = async (id: string, sentAt: number, afterMs: number) => {
          const r = aSignalRequest({
            id,
            now: sentAt - MINUTE,
            signal: "STOP",
            autoCont: autoContFor("STOP", afterMs),
          });
          await stores.requests.create(r);
          const approved = approve(r, "U0BOB", sentAt - 1000);
          await stores.requests.transition(id, r, approved);
          const started = startExecution(approved, sentAt);
          if (!started.ok) throw new Error(started.message);
          await stores.requests.transition(id, approved, started.request);
          const done = finish(started.request, true, "sent");
          if (!done.ok) throw new Error(done.message);
          const scheduled = scheduleCont(done.request, sentAt);
          await stores.requests.transition(id, started.request, scheduled);
          return scheduled;
        };
        const soon = await sentStop("r-soon", t0 - 10 * MINUTE, 5 * MINUTE);
        await sentStop("r-sooner", t0 - 20 * MINUTE, 5 * MINUTE);
        await sentStop("r-later", t0 - MINUTE, 15 * MINUTE);
        expect((await stores.requests.listContDue(t0)).map((r) => r.id)).toEqual(["r-sooner", "r-soon"]);
        const claim = claimCont(soon, t0);
        if (!claim.ok) throw new Error(claim.message);
        const [a, b] = await Promise.all([
          stores.requests.transition(soon.id, soon, claim.request),
          stores.requests.transition(soon.id, soon, claim.request),
        ]);
        expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
        expect((await stores.requests.listContDue(t0)).map((r) => r.id)).toEqual(["r-sooner"]);
        // Claimed and never finished, it is found by its claim time; once finished (or lost), it leaves that list.
        expect(await stores.requests.listContStuck(t0 - 1)).toEqual([]);
        expect((await stores.requests.listContStuck(t0)).map((r) => [r.id, r.autoCont?.claimedAt])).toEqual([
          ["r-soon", t0],
        ]);
        const lost = loseCont(claim.request);
        if (!lost.ok) throw new Error(lost.message);
        expect((await stores.requests.transition(soon.id, claim.request, lost.request)).ok).toBe(true);
        expect(await stores.requests.listContStuck(t0)).toEqual([]);
        expect((await stores.requests.get(soon.id))?.autoCont?.state).toBe("lost");
      });

      it("100 concurrent approvals of one request: exactly one succeeds", async () => {
        const { stores, clock } = await setup();
        const created = aSignalRequest({ id: randomUUID(), now: clock.now() });
        await stores.requests.create(created);
        const users = Array.from({ length: 100 }, (_, i) => `U0APPROVER${i}`);
        const results = await Promise.all(
          users.map(async (user) => {
            const read = await stores.requests.get(created.id);
            const t = decide(read!, { action: "approve", user, userGroups: [], now: clock.now() });
            if (!t.ok) return { user, ok: false };
            return { user, ok: (await stores.requests.transition(created.id, read!, t.request)).ok };
          }),
        );
        const winners = results.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        expect(await stores.requests.get(created.id)).toMatchObject({
          state: "approved",
          version: 2,
          decidedBy: winners[0]!.user,
        });
      });
    });

    describe("applyTransition", () => {
      it("100 concurrent clicks: one approval, 99 refusals that name the winner", async () => {
        const { stores, clock } = await setup();
        const created = aSignalRequest({ id: randomUUID(), now: clock.now() });
        await stores.requests.create(created);
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            applyTransition(stores.requests, created.id, (current) =>
              decide(current, {
                action: i % 2 ? "approve" : "deny",
                user: `U0CLICK${i}`,
                userGroups: [],
                now: clock.now(),
              }),
            ),
          ),
        );
        const winners = results.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        const stored = await stores.requests.get(created.id);
        expect(stored).toEqual(winners[0]?.request);
        for (const r of results.filter((r) => !r.ok)) {
          expect(r).toMatchObject({ code: "already_decided", current: stored });
          expect(!r.ok && r.message).toContain(`by <@${stored?.decidedBy}>`);
        }
      });

      it("persists expired when a click comes after expiry", async () => {
        const { stores, clock } = await setup();
        const created = aSignalRequest({ id: randomUUID(), now: clock.now(), ttlMs: MINUTE });
        await stores.requests.create(created);
        clock.advance(MINUTE);
        const click = (current: SignalRequest) =>
          decide(current, { action: "approve", user: "U0ALICE", userGroups: [], now: clock.now() });
        const result = await applyTransition(stores.requests, created.id, click);
        expect(result).toMatchObject({ ok: false, code: "expired", current: { state: "expired", version: 2 } });
        expect(await stores.requests.get(created.id)).toMatchObject({ state: "expired", version: 2 });
        expect(await applyTransition(stores.requests, created.id, click)).toMatchObject({ ok: false, code: "expired" });
      });

      it("refuses with not_found for an unknown request", async () => {
        const { stores, clock } = await setup();
        const result = await applyTransition(stores.requests, "no-such-request", (current) =>
          decide(current, { action: "approve", user: "U0ALICE", userGroups: [], now: clock.now() }),
        );
        expect(result).toMatchObject({ ok: false, code: "not_found", current: null });
      });
    });

    describe("claims", () => {
      it("lets the first caller win until the claim expires, then the next", async () => {
        const { stores, clock } = await setup();
        const key = `slack-retry:${randomUUID()}`;
        expect(await stores.claims.claim(key, MINUTE)).toBe(true);
        expect(await stores.claims.claim(key, MINUTE)).toBe(false);
        expect(await stores.claims.claim(`${key}:other`, MINUTE)).toBe(true);
        clock.advance(MINUTE - 1);
        expect(await stores.claims.claim(key, MINUTE)).toBe(false);
        clock.advance(1);
        expect(await stores.claims.claim(key, MINUTE)).toBe(true);
        expect(await stores.claims.claim(key, MINUTE)).toBe(false);
      });

      it("a released claim can be claimed again at once; releasing an unknown key is a no-op", async () => {
        const { stores } = await setup();
        expect(await stores.claims.claim("job:1", 10 * MINUTE)).toBe(true);
        expect(await stores.claims.claim("job:1", 10 * MINUTE)).toBe(false);
        await stores.claims.release("job:1");
        await stores.claims.release("never-claimed");
        expect(await stores.claims.claim("job:1", 10 * MINUTE)).toBe(true);
      });

      it("100 concurrent claims of one key: exactly one is true", async () => {
        const { stores } = await setup();
        const key = `submit:${randomUUID()}`;
        const results = await Promise.all(Array.from({ length: 100 }, () => stores.claims.claim(key, MINUTE)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe("audit log", () => {
      function entry(id: string, at: number, channel: string | null): AuditEntry {
        return {
          id,
          at,
          actor: channel === null ? "pns" : "U0ALICE",
          action: "command",
          channel,
          cluster: "dev",
          namespace: "default",
          pod: "nginx",
          detail: `ps nginx (${id})`,
          outcome: "ok",
        };
      }

      it("lists newest first, by channel or all, up to the limit", async () => {
        const { stores } = await setup();
        const t = 1_790_000_000_000;
        const entries = [
          entry("a1", t + 1, "C0OPS"),
          entry("a3", t + 3, "C0DEV"),
          entry("a2", t + 2, "C0OPS"),
          entry("a4", t + 4, null),
          entry("a5b", t + 5, "C0OPS"),
          entry("a5a", t + 5, "C0OPS"), // same ms: the id breaks the tie
        ];
        for (const e of entries) await stores.audit.append(e);
        const ids = (list: AuditEntry[]) => list.map((e) => e.id);

        expect(ids(await stores.audit.list())).toEqual(["a5b", "a5a", "a4", "a3", "a2", "a1"]);
        expect(ids(await stores.audit.list({ limit: 2 }))).toEqual(["a5b", "a5a"]);
        expect(ids(await stores.audit.list({ channel: "C0OPS" }))).toEqual(["a5b", "a5a", "a2", "a1"]);
        expect(ids(await stores.audit.list({ channel: "C0OPS", limit: 3 }))).toEqual(["a5b", "a5a", "a2"]);
        expect(await stores.audit.list({ channel: "C0NONE" })).toEqual([]);
        expect((await stores.audit.list({ limit: 1 }))[0]).toEqual(entries[4]);
      });

      it("keeps one copy of an entry appended twice", async () => {
        const { stores } = await setup();
        const e = entry("dup", 1_790_000_000_000, "C0OPS");
        await stores.audit.append(e);
        await stores.audit.append(e);
        expect(await stores.audit.list({ channel: "C0OPS" })).toEqual([e]);
      });

      it("lists 20 entries when no limit is given", async () => {
        const { stores } = await setup();
        for (let i = 0; i < 25; i++) await stores.audit.append(entry(`e${i}`, 1_790_000_000_000 + i, "C0OPS"));
        const list = await stores.audit.list();
        expect(list).toHaveLength(20);
        expect(list[0]?.id).toBe("e24");
      });
    });

    describe("debug sessions", () => {
      function session(overrides: Partial<DebugSession>): DebugSession {
        return {
          channel: "C0OPS",
          cluster: "dev",
          namespace: "default",
          pod: "nginx",
          debugPod: "nginx",
          debugContainer: "pns-debug-1",
          strategy: "shared",
          createdAt: 1_790_000_000_000,
          expiresAt: 1_790_000_000_000 + 30 * MINUTE,
          createdBy: "U0ALICE",
          ...overrides,
        };
      }

      it("lists live sessions of a channel last used first, keeps a recorded container's first start, forgets removed ones", async () => {
        const { stores } = await setup();
        const t = 1_790_000_000_000;
        const first = session({ debugContainer: "pns-debug-1", createdAt: t });
        const second = session({ debugContainer: "pns-debug-2", createdAt: t + MINUTE });
        const copy = session({ debugPod: "nginx-pns-copy", strategy: "copy", createdAt: t + 2 * MINUTE });
        const elsewhere = session({ channel: "C0DEV", createdAt: t + 3 * MINUTE });
        for (const s of [first, second, copy, elsewhere]) await stores.sessions.record(s);
        const names = (list: DebugSession[]) => list.map((s) => `${s.debugPod}/${s.debugContainer}`);

        expect(names(await stores.sessions.list("C0OPS", t))).toEqual([
          "nginx-pns-copy/pns-debug-1",
          "nginx/pns-debug-2",
          "nginx/pns-debug-1",
        ]);
        const used = { ...first, createdAt: t + 4 * MINUTE, lastUsedAt: t + 4 * MINUTE, expiresAt: t + 60 * MINUTE };
        await stores.sessions.record(used);
        // Used again: last used first, and still started when it was first recorded.
        const renewed = { ...used, createdAt: t };
        expect((await stores.sessions.list("C0OPS", t))[0]).toEqual(renewed);
        expect(await stores.sessions.list("C0OPS", t)).toHaveLength(3);
        // Past the others' expiry only the renewed one is live.
        expect(await stores.sessions.list("C0OPS", t + 30 * MINUTE)).toEqual([renewed]);

        await stores.sessions.remove(copy);
        await stores.sessions.remove(copy);
        expect(names(await stores.sessions.list("C0OPS", t))).toEqual(["nginx/pns-debug-1", "nginx/pns-debug-2"]);
      });

      it("lists expired sessions of all channels, oldest expiry first, up to the limit", async () => {
        const { stores } = await setup();
        const t = 1_790_000_000_000;
        const a = session({ channel: "C0B", debugContainer: "a", expiresAt: t + 1 });
        const b = session({ channel: "C0A", debugContainer: "b", expiresAt: t + 2 });
        const c = session({ channel: "C0A", debugContainer: "c", expiresAt: t + 2 });
        const live = session({ debugContainer: "live", expiresAt: t + 10 });
        for (const s of [live, c, b, a]) await stores.sessions.record(s);
        const names = (list: DebugSession[]) => list.map((s) => s.debugContainer);

        expect(names(await stores.sessions.listExpired(t + 2))).toEqual(["a", "b", "c"]);
        expect(names(await stores.sessions.listExpired(t + 2, 2))).toEqual(["a", "b"]);
        expect(await stores.sessions.listExpired(t)).toEqual([]);
      });
    });

    describe("debug copies", () => {
      function copy(overrides: Partial<CopyRecord>): CopyRecord {
        return {
          cluster: "dev",
          namespace: "shop",
          pod: "web-pns-abcde",
          uid: "11111111-1111-4111-8111-111111111111",
          copyOf: "web",
          channel: "C0OPS",
          createdBy: "U0ALICE",
          createdAt: 1_790_000_000_000,
          expiresAt: 1_790_000_000_000 + 60 * MINUTE,
          ...overrides,
        };
      }

      it("records a copy with its pod UID, lists a cluster's copies oldest first, replaces a copy of the same name", async () => {
        const { stores } = await setup();
        const t = 1_790_000_000_000;
        const web = copy({ createdAt: t + MINUTE });
        const db = copy({ namespace: "data", pod: "db-0-pns-fghij", copyOf: "db-0", createdAt: t });
        const other = copy({ cluster: "prod" });
        for (const c of [web, db, other]) await stores.sessions.recordCopy(c);
        expect(await stores.sessions.getCopy({ cluster: "dev", namespace: "shop", pod: "web-pns-abcde" })).toEqual(web);
        expect(await stores.sessions.getCopy({ cluster: "dev", namespace: "data", pod: "web-pns-abcde" })).toBeNull();
        expect((await stores.sessions.listCopies("dev")).map((c) => c.pod)).toEqual([
          "db-0-pns-fghij",
          "web-pns-abcde",
        ]);
        expect(await stores.sessions.listCopies("prod")).toEqual([other]);
        expect(await stores.sessions.listCopies("none")).toEqual([]);

        const renewed = { ...web, uid: "22222222-2222-4222-8222-222222222222", createdAt: t + 2 * MINUTE };
        await stores.sessions.recordCopy(renewed);
        expect(await stores.sessions.getCopy(web)).toEqual(renewed);
        expect(await stores.sessions.listCopies("dev")).toHaveLength(2);
      });

      it("forgets a copy only with the UID it recorded: a newer copy of the same name stays", async () => {
        const { stores } = await setup();
        const web = copy({});
        await stores.sessions.recordCopy(web);
        await stores.sessions.removeCopy({ ...web, uid: "99999999-9999-4999-8999-999999999999" });
        expect(await stores.sessions.getCopy(web)).toEqual(web);
        await stores.sessions.removeCopy(web);
        await stores.sessions.removeCopy(web);
        expect(await stores.sessions.getCopy(web)).toBeNull();
        expect(await stores.sessions.listCopies("dev")).toEqual([]);
      });
    });

    describe("listing snapshots", () => {
      const snapshot = (id: string): ListingSnapshot => ({
        id,
        channel: "C0OPS",
        createdBy: "U0ALICE",
        createdAt: 1_790_000_000_000,
        pod: { cluster: "dev", namespace: "default", pod: "nginx" },
        attachment: {
          strategy: "shared",
          pod: "nginx",
          container: "pns-debug-1",
          image: "busybox:1.36",
          targetContainer: null,
          copyOf: null,
          reused: false,
          expiresAt: "2026-09-21T12:00:00.000Z",
        },
        processes: [
          {
            pid: 8,
            command: "nginx: master process nginx -g daemon off;",
            container: "nginx",
            user: "root",
            role: "app",
            fingerprint: { pid: 8, startTicks: 1234, cmdSha256: "a".repeat(64) },
          },
        ],
      });

      it("reads back what was put, replaces on a second put, and forgets it after its lifetime", async () => {
        const { stores, clock } = await setup();
        expect(await stores.listings.get("nope")).toBeNull();
        const first = snapshot("L1");
        await stores.listings.put(first, 10 * MINUTE);
        expect(await stores.listings.get("L1")).toEqual(first);
        const second = { ...first, createdBy: "U0BOB" };
        await stores.listings.put(second, 10 * MINUTE);
        expect(await stores.listings.get("L1")).toEqual(second);
        clock.advance(10 * MINUTE);
        expect(await stores.listings.get("L1")).toBeNull();
      });
    });
  });
}
