import { describe, expect, it } from "vitest";

import {
  attachMessage,
  createSignalRequest,
  type DecisionAction,
  decide,
  EXECUTE_WITHIN_MS,
  expire,
  finish,
  isFinal,
  mayApprove,
  type SignalRequestInput,
  startExecution,
} from "./state-machine.js";
import { aSignalRequestInput } from "./test-builders.js";
import type { ApprovalMode, RequestState, SignalRequest } from "./types.js";

const T0 = 1_790_000_000_000;
const TTL = 15 * 60_000;
const REQUESTER = "U0REQ";
const DECIDER = "U0DECIDER";

function input(overrides: Partial<SignalRequestInput> = {}): SignalRequestInput {
  return aSignalRequestInput({ requester: REQUESTER, ...overrides });
}

function pending(overrides: Partial<SignalRequestInput> = {}): SignalRequest {
  return createSignalRequest(input(overrides), { id: "r1", now: T0, ttlMs: TTL });
}

/** A request in `state`, as the state machine leaves it there (decided by DECIDER at T0 + 1 s). */
function inState(state: RequestState): SignalRequest {
  const base = pending();
  const decided = { ...base, decidedBy: DECIDER, decidedAt: T0 + 1000, version: 2 };
  switch (state) {
    case "pending":
      return base;
    case "expired":
      return { ...base, state, decidedBy: "pns", decidedAt: base.expiresAt, version: 2 };
    case "executing":
    case "done":
    case "failed":
      return { ...decided, state, version: 3 };
    default:
      return { ...decided, state };
  }
}

const ALL_STATES: RequestState[] = [
  "pending",
  "approved",
  "executing",
  "done",
  "failed",
  "denied",
  "cancelled",
  "expired",
];
const ACTIONS: DecisionAction[] = ["approve", "deny", "cancel"];
const NEXT_STATE: Record<DecisionAction, RequestState> = { approve: "approved", deny: "denied", cancel: "cancelled" };

describe("createSignalRequest", () => {
  const cases: { name: string; approval: ApprovalMode; state: RequestState; decidedBy: string | null }[] = [
    { name: "required: pending", approval: "required", state: "pending", decidedBy: null },
    { name: "self: pending", approval: "self", state: "pending", decidedBy: null },
    { name: "none: approved by the requester at once", approval: "none", state: "approved", decidedBy: REQUESTER },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = createSignalRequest(input({ approval: c.approval }), { id: "r9", now: T0, ttlMs: TTL });
      expect(r).toMatchObject({
        id: "r9",
        state: c.state,
        decidedBy: c.decidedBy,
        decidedAt: c.decidedBy === null ? null : T0,
        createdAt: T0,
        expiresAt: T0 + TTL,
        messageTs: null,
        outcome: null,
        version: 1,
      });
    });
  }
});

describe("decide: every state × action × requester or other user (approval required, anyone may approve)", () => {
  type Expect = { ok: true; state: RequestState } | { ok: false; code: string; says: string };
  function expected(state: RequestState, action: DecisionAction, byRequester: boolean): Expect {
    if (state === "expired") return { ok: false, code: "expired", says: "expired" };
    if (state !== "pending") {
      const verb = state === "denied" ? "denied" : state === "cancelled" ? "cancelled" : "approved";
      return { ok: false, code: "already_decided", says: `already ${verb} by <@${DECIDER}> at <!date^` };
    }
    if (byRequester && action !== "cancel") return { ok: false, code: "not_allowed", says: "your own request" };
    return { ok: true, state: NEXT_STATE[action] };
  }
  for (const state of ALL_STATES) {
    for (const action of ACTIONS) {
      for (const byRequester of [true, false]) {
        const want = expected(state, action, byRequester);
        const who = byRequester ? "requester" : "other user";
        it(`${state} × ${action} by ${who} → ${want.ok ? want.state : want.code}`, () => {
          const request = inState(state);
          const user = byRequester ? REQUESTER : "U0OTHER";
          const got = decide(request, { action, user, userGroups: [], now: T0 + 5000 });
          if (want.ok) {
            expect(got).toEqual({
              ok: true,
              request: { ...request, state: want.state, decidedBy: user, decidedAt: T0 + 5000, version: 2 },
            });
          } else {
            expect(got).toMatchObject({ ok: false, code: want.code, persist: null });
            expect(!got.ok && got.message).toContain(want.says);
          }
        });
      }
    }
  }
});

describe("decide: who may decide", () => {
  const listed = { users: ["U0ALICE"], groups: ["S0ONCALL"] };
  const cases: {
    name: string;
    approval: ApprovalMode;
    approvers: { users: string[]; groups: string[] };
    action: DecisionAction;
    user: string;
    userGroups?: string[];
    want: RequestState | "not_allowed";
  }[] = [
    {
      name: "listed user approves",
      approval: "required",
      approvers: listed,
      action: "approve",
      user: "U0ALICE",
      want: "approved",
    },
    {
      name: "listed user denies",
      approval: "required",
      approvers: listed,
      action: "deny",
      user: "U0ALICE",
      want: "denied",
    },
    {
      name: "member of a listed group approves",
      approval: "required",
      approvers: listed,
      action: "approve",
      user: "U0BOB",
      userGroups: ["S0DEV", "S0ONCALL"],
      want: "approved",
    },
    {
      name: "member of a listed group denies",
      approval: "required",
      approvers: listed,
      action: "deny",
      user: "U0BOB",
      userGroups: ["S0ONCALL"],
      want: "denied",
    },
    {
      name: "member of another group may not approve",
      approval: "required",
      approvers: listed,
      action: "approve",
      user: "U0BOB",
      userGroups: ["S0DEV"],
      want: "not_allowed",
    },
    {
      name: "unlisted user may not approve",
      approval: "required",
      approvers: listed,
      action: "approve",
      user: "U0EVE",
      want: "not_allowed",
    },
    {
      name: "unlisted user may not deny",
      approval: "required",
      approvers: listed,
      action: "deny",
      user: "U0EVE",
      want: "not_allowed",
    },
    {
      name: "unlisted user may not cancel",
      approval: "required",
      approvers: listed,
      action: "cancel",
      user: "U0EVE",
      want: "not_allowed",
    },
    {
      name: "listed approver may cancel",
      approval: "required",
      approvers: listed,
      action: "cancel",
      user: "U0ALICE",
      want: "cancelled",
    },
    {
      name: "requester may cancel with listed approvers",
      approval: "required",
      approvers: listed,
      action: "cancel",
      user: REQUESTER,
      want: "cancelled",
    },
    {
      name: "requester listed as approver still may not approve",
      approval: "required",
      approvers: { users: [REQUESTER], groups: [] },
      action: "approve",
      user: REQUESTER,
      want: "not_allowed",
    },
    {
      name: "requester in an approver group still may not approve",
      approval: "required",
      approvers: listed,
      action: "approve",
      user: REQUESTER,
      userGroups: ["S0ONCALL"],
      want: "not_allowed",
    },
    {
      name: "only a group listed: any group member approves",
      approval: "required",
      approvers: { users: [], groups: ["S0ONCALL"] },
      action: "approve",
      user: "U0BOB",
      userGroups: ["S0ONCALL"],
      want: "approved",
    },
    {
      name: "only a user listed: others may not approve",
      approval: "required",
      approvers: { users: ["U0ALICE"], groups: [] },
      action: "approve",
      user: "U0BOB",
      userGroups: ["S0ONCALL"],
      want: "not_allowed",
    },
    {
      name: "self: requester approves",
      approval: "self",
      approvers: listed,
      action: "approve",
      user: REQUESTER,
      want: "approved",
    },
    {
      name: "self: requester denies",
      approval: "self",
      approvers: listed,
      action: "deny",
      user: REQUESTER,
      want: "denied",
    },
    {
      name: "self: requester cancels",
      approval: "self",
      approvers: listed,
      action: "cancel",
      user: REQUESTER,
      want: "cancelled",
    },
    {
      name: "self: listed approver approves",
      approval: "self",
      approvers: listed,
      action: "approve",
      user: "U0ALICE",
      want: "approved",
    },
    {
      name: "self: unlisted user may not approve",
      approval: "self",
      approvers: listed,
      action: "approve",
      user: "U0EVE",
      want: "not_allowed",
    },
    {
      name: "self, empty lists: requester approves",
      approval: "self",
      approvers: { users: [], groups: [] },
      action: "approve",
      user: REQUESTER,
      want: "approved",
    },
    {
      name: "self, empty lists: anyone approves",
      approval: "self",
      approvers: { users: [], groups: [] },
      action: "approve",
      user: "U0EVE",
      want: "approved",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const request = pending({ approval: c.approval, approvers: c.approvers });
      const got = decide(request, { action: c.action, user: c.user, userGroups: c.userGroups ?? [], now: T0 + 1 });
      if (c.want === "not_allowed") {
        expect(got).toMatchObject({ ok: false, code: "not_allowed", persist: null });
        expect(!got.ok && got.message.length).toBeGreaterThan(20);
      } else {
        expect(got).toMatchObject({ ok: true, request: { state: c.want, decidedBy: c.user, version: 2 } });
      }
      // Approving and denying are allowed to exactly the users mayApprove names.
      if (c.action !== "cancel") expect(mayApprove(request, c.user, c.userGroups ?? [])).toBe(c.want !== "not_allowed");
    });
  }

  it("names the approvers when refusing an unlisted user", () => {
    const got = decide(pending({ approvers: { users: ["U0ALICE"], groups: ["S0ONCALL"] } }), {
      action: "approve",
      user: "U0EVE",
      userGroups: [],
      now: T0,
    });
    expect(!got.ok && got.message).toContain("<@U0ALICE>, <!subteam^S0ONCALL>");
  });

  it("tells the requester to ask someone else, and how to withdraw", () => {
    const approve = decide(pending(), { action: "approve", user: REQUESTER, userGroups: [], now: T0 });
    const deny = decide(pending(), { action: "deny", user: REQUESTER, userGroups: [], now: T0 });
    expect(!approve.ok && approve.message).toContain("someone else");
    expect(!deny.ok && deny.message).toContain("*Cancel*");
  });
});

describe("decide: expiry", () => {
  const cases: { name: string; now: number; expired: boolean }[] = [
    { name: "one ms before expiry: still open", now: T0 + TTL - 1, expired: false },
    { name: "at expiry: expired", now: T0 + TTL, expired: true },
    { name: "long after expiry: expired", now: T0 + 10 * TTL, expired: true },
  ];
  for (const c of cases) {
    for (const action of ACTIONS) {
      it(`${c.name} (${action})`, () => {
        const request = pending();
        const got = decide(request, { action, user: DECIDER, userGroups: [], now: c.now });
        if (!c.expired) {
          expect(got).toMatchObject({ ok: true, request: { state: NEXT_STATE[action] } });
          return;
        }
        expect(got).toEqual({
          ok: false,
          code: "expired",
          message: expect.stringContaining("nothing was sent"),
          persist: { ...request, state: "expired", decidedBy: "pns", decidedAt: request.expiresAt, version: 2 },
        });
      });
    }
  }

  it("refuses an approval on an expired request even for the requester in self mode", () => {
    const got = decide(pending({ approval: "self" }), {
      action: "approve",
      user: REQUESTER,
      userGroups: [],
      now: T0 + TTL,
    });
    expect(got).toMatchObject({ ok: false, code: "expired" });
  });
});

describe("decide: approval none", () => {
  it("is approved at creation, so a click says who approved and that no approval was needed", () => {
    const request = pending({ approval: "none" });
    const got = decide(request, { action: "approve", user: DECIDER, userGroups: [], now: T0 + 1 });
    expect(got).toMatchObject({ ok: false, code: "already_decided" });
    expect(!got.ok && got.message).toContain(`approved by <@${REQUESTER}> (no approval needed)`);
    expect(startExecution(request, T0)).toMatchObject({ ok: true, request: { state: "executing", version: 2 } });
  });
});

describe("startExecution is bounded in time after the approval", () => {
  const approved = inState("approved");
  const at = approved.decidedAt!;
  it.each([
    ["right after the approval", 0, true],
    ["at the bound", EXECUTE_WITHIN_MS, true],
    ["a moment past the bound", EXECUTE_WITHIN_MS + 1, false],
    ["hours later", 6 * 3_600_000, false],
  ])("%s", (_name, delay, starts) => {
    const got = startExecution(approved, at + delay);
    if (starts) {
      expect(got).toMatchObject({ ok: true, request: { state: "executing" } });
      return;
    }
    expect(got).toMatchObject({
      ok: false,
      code: "expired",
      persist: { state: "failed", version: approved.version + 1, outcome: expect.stringContaining("Not sent") },
    });
  });
});

describe("startExecution, finish and expire from every state", () => {
  for (const state of ALL_STATES) {
    it(`startExecution from ${state}`, () => {
      const request = inState(state);
      const got = startExecution(request, T0);
      if (state === "approved") {
        expect(got).toEqual({ ok: true, request: { ...request, state: "executing", version: request.version + 1 } });
      } else {
        const code = state === "pending" ? "invalid_state" : state === "expired" ? "expired" : "already_decided";
        expect(got).toMatchObject({ ok: false, code });
      }
    });

    for (const ok of [true, false]) {
      it(`finish(${ok}) from ${state}`, () => {
        const request = inState(state);
        const got = finish(request, ok, "SIGHUP sent to pid 8");
        if (state === "executing") {
          expect(got).toEqual({
            ok: true,
            request: { ...request, state: ok ? "done" : "failed", outcome: "SIGHUP sent to pid 8", version: 4 },
          });
        } else {
          expect(got).toMatchObject({ ok: false, code: "invalid_state" });
        }
      });
    }

    it(`expire from ${state}, past expiry`, () => {
      const request = inState(state);
      const got = expire(request, request.expiresAt + 1);
      if (state === "pending") {
        expect(got).toEqual({
          ok: true,
          request: { ...request, state: "expired", decidedBy: "pns", decidedAt: request.expiresAt, version: 2 },
        });
      } else {
        expect(got).toMatchObject({ ok: false, code: state === "expired" ? "expired" : "already_decided" });
      }
    });
  }

  it("expire refuses a pending request before its expiry", () => {
    expect(expire(pending(), T0 + TTL - 1)).toMatchObject({ ok: false, code: "invalid_state" });
  });
});

describe("helpers", () => {
  it("attachMessage records the message ts and bumps the version, keeping the state", () => {
    const request = pending();
    expect(attachMessage(request, "1790000000.000100")).toEqual({
      ...request,
      messageTs: "1790000000.000100",
      version: 2,
    });
  });

  const finals: { state: RequestState; final: boolean }[] = ALL_STATES.map((state) => ({
    state,
    final: !["pending", "approved", "executing"].includes(state),
  }));
  for (const c of finals) {
    it(`isFinal(${c.state}) is ${c.final}`, () => expect(isFinal(c.state)).toBe(c.final));
  }
});
