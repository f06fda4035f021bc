import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEntry } from "../../src/core/approval/types.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, OPS, startDemo } from "./helpers.js";

const { alice, bob } = slackUsers;

/** 14.9: one audit entry per command, with its final outcome. */
describe("the audit trail", () => {
  let stack: LocalStack;
  let d: Driver;
  beforeAll(async () => ({ stack, d } = await startDemo()));
  afterAll(async () => stack?.close());

  const entries = () => stack.app.worker.stores.audit.list({ channel: OPS, limit: 100 });
  const since = async (before: AuditEntry[]) => {
    const seen = new Set(before.map((e) => e.id));
    return (await entries()).filter((e) => !seen.has(e.id));
  };

  it("keeps one entry for a ps, with its final outcome", async () => {
    const before = await entries();
    await d.command(alice.id, "ps nginx");
    const added = await since(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ actor: alice.id, action: "command", outcome: "ok", pod: "nginx" });
    expect(added[0]!.detail).toMatch(/^\/pns ps nginx: listed \d+ processes through pns-debug-/);
  });

  it("keeps one failed entry for a failed ps, never also an ok one", async () => {
    const before = await entries();
    await d.command(alice.id, "ps no-such-pod");
    const added = await since(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ action: "command", outcome: "failed" });
    expect(added[0]!.detail).toMatch(/^\/pns ps no-such-pod: ps failed: /);
  });

  it("marks a sent request ok, not pending, beside the approver's decision", async () => {
    const before = await entries();
    const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "reload the configuration");
    const pending = (await since(before)).filter((e) => e.action === "request");
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ actor: alice.id, outcome: "pending" });
    await d.decide(bob.id, approval, "approve");
    const added = await since(before);
    const requests = added.filter((e) => e.action === "request");
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ actor: alice.id, outcome: "ok" });
    expect(requests[0]!.detail).toContain('because "reload the configuration": sent');
    expect(added.filter((e) => e.action === "decision")).toEqual([
      expect.objectContaining({ actor: bob.id, outcome: "ok" }),
    ]);
    expect(added.some((e) => e.outcome === "pending")).toBe(false);
  });
});
