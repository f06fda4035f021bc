import { describe, expect, it } from "vitest";
import { createSignalRequest, decide, isFinal, markGone, support } from "./state-machine.js";
import { aSignalRequestInput } from "./test-builders.js";

const T0 = 1_790_000_000_000;
const pending = () => createSignalRequest(aSignalRequestInput(), { id: "req-1", now: T0, ttlMs: 15 * 60_000 });

describe("supporters: a duplicate request merged into the pending one", () => {
  it("adds the second requester with their reason, one version on, still pending", () => {
    const r = pending();
    const t = support(r, { user: "U0SECOND", reason: "me too", now: T0 + 1000 });
    expect(t.ok && t.request).toMatchObject({
      state: "pending",
      version: r.version + 1,
      supporters: [{ user: "U0SECOND", reason: "me too", at: T0 + 1000 }],
    });
  });

  it("refuses the requester and a supporter asking again, and a request no longer pending", () => {
    const r = pending();
    expect(support(r, { user: "U0REQUESTER", reason: "again", now: T0 }).ok).toBe(false);
    const once = support(r, { user: "U0SECOND", reason: "x", now: T0 });
    if (!once.ok) throw new Error("expected ok");
    const twice = support(once.request, { user: "U0SECOND", reason: "x", now: T0 });
    expect(!twice.ok && twice.code).toBe("already_supported");
    const denied = decide(r, { action: "deny", user: "U0OTHER", userGroups: [], now: T0 });
    if (!denied.ok) throw new Error("expected ok");
    expect(!support(denied.request, { user: "U0SECOND", reason: "x", now: T0 }).ok).toBe(true);
    const late = support(r, { user: "U0SECOND", reason: "x", now: T0 + 15 * 60_000 });
    expect(!late.ok && [late.code, late.persist?.state]).toEqual(["expired", "expired"]);
  });

  it("a supporter may not approve or deny under approval required: someone who did not ask decides", () => {
    const t = support(pending(), { user: "U0SECOND", reason: "x", now: T0 });
    if (!t.ok) throw new Error("expected ok");
    for (const action of ["approve", "deny"] as const) {
      const d = decide(t.request, { action, user: "U0SECOND", userGroups: [], now: T0 });
      expect(!d.ok && d.message).toContain("You asked for this signal too");
    }
    expect(decide(t.request, { action: "approve", user: "U0THIRD", userGroups: [], now: T0 }).ok).toBe(true);
  });
});

describe("deny's reason and target gone", () => {
  it("records a denial's reason, trimmed; none when blank", () => {
    const r = pending();
    const withReason = decide(r, { action: "deny", user: "U0OTHER", userGroups: [], now: T0, reason: " later " });
    expect(withReason.ok && withReason.request.denialReason).toBe("later");
    const blank = decide(r, { action: "deny", user: "U0OTHER", userGroups: [], now: T0, reason: "  " });
    expect(blank.ok && blank.request.denialReason).toBeUndefined();
  });

  it("marks a pending request gone (final, by pns, with what was seen); nothing else can happen to it", () => {
    const t = markGone(pending(), T0 + 5000, "PID 8 had exited");
    if (!t.ok) throw new Error("expected ok");
    expect(t.request).toMatchObject({
      state: "gone",
      decidedBy: "pns",
      decidedAt: T0 + 5000,
      outcome: "PID 8 had exited",
    });
    expect(isFinal("gone")).toBe(true);
    const click = decide(t.request, { action: "approve", user: "U0OTHER", userGroups: [], now: T0 + 6000 });
    expect(!click.ok && click.message).toContain("its process is gone");
    expect(markGone(t.request, T0, "again").ok).toBe(false);
  });
});
