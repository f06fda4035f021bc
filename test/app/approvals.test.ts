import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide, startExecution } from "../../src/core/approval/state-machine.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, startDemo } from "./helpers.js";

const { alice, bob, carol } = slackUsers;
const MINUTE = 60_000;

describe("approval rules, end to end through Slack requests", () => {
  let stack: LocalStack;
  let d: Driver;
  let offset = 0;

  beforeAll(async () => ({ stack, d } = await startDemo({ now: () => Date.now() + offset })));
  afterAll(async () => stack?.close());

  it("Deny: the request is closed, nothing is sent, and the message says who denied it", async () => {
    const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "deny me");
    const workers = d.workerPids();
    await d.decide(bob.id, approval, "deny");
    expect(d.current(approval)).toContain("denied");
    expect(d.current(approval)).not.toContain('"Approve"');
    expect(d.workerPids()).toEqual(workers);
    await d.decide(bob.id, approval, "approve");
    expect(d.toldTo(bob.id).at(-1)).toContain("already denied");
    expect(d.workerPids()).toEqual(workers);
  });

  it("Cancel: the requester withdraws the request and a later Approve is refused", async () => {
    const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "cancel me");
    await d.decide(alice.id, approval, "cancel");
    expect(d.current(approval)).toContain("cancelled");
    const workers = d.workerPids();
    await d.decide(bob.id, approval, "approve");
    expect(d.toldTo(bob.id).at(-1)).toContain("already cancelled");
    expect(d.workerPids()).toEqual(workers);
  });

  it("a user outside the approvers is told so, and the request stays pending", async () => {
    const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "carol may not approve");
    await d.decide(carol.id, approval, "approve");
    expect(d.toldTo(carol.id).at(-1)).toContain("people.approve");
    expect(d.current(approval)).toContain("waiting for approval");
    await d.decide(alice.id, approval, "cancel");
  });

  it("a user outside people.admin cannot read the audit trail; an admin sees every step", async () => {
    const refused = await d.command(carol.id, "audit");
    expect(refused.body).toContain("people.admin");
    const audit = (await d.command(alice.id, "audit 50")).body;
    for (const word of ["denied", "cancelled", "ps nginx"]) expect(audit).toContain(word);
  });

  it("expiry: an Approve after the lifetime is refused and the message shows it expired", async () => {
    const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "too slow");
    const workers = d.workerPids();
    offset += 16 * MINUTE;
    await d.decide(bob.id, approval, "approve");
    expect(d.toldTo(bob.id).at(-1)).toContain("expired");
    expect(d.current(approval)).toContain("expired");
    expect(d.current(approval)).not.toContain('"Approve"');
    expect(d.workerPids()).toEqual(workers);
  });

  it("expiry: the janitor closes a request nobody clicked", async () => {
    const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "forgotten");
    offset += 16 * MINUTE;
    const report = await stack.app.janitor();
    expect(report.expired).toBe(1);
    expect(d.current(approval)).toContain("expired");
  });

  it("the janitor marks failed a signal whose worker stopped mid-way, saying it may not have been sent", async () => {
    const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "worker dies");
    const requests = stack.app.worker.stores.requests;
    const id = JSON.stringify(approval.blocks).match(/pns\.signal:([A-Za-z0-9._~-]+)/)?.[1] ?? "";
    // What a worker that died after `approved → executing` leaves behind.
    const pending = await requests.get(id);
    const approved = decide(pending!, {
      action: "approve",
      user: bob.id,
      userGroups: ["S0SRE"],
      now: Date.now() + offset,
    });
    if (!approved.ok) throw new Error(approved.message);
    await requests.transition(id, pending!, approved.request);
    const started = startExecution(approved.request, approved.request.decidedAt!);
    if (!started.ok) throw new Error(started.message);
    await requests.transition(id, approved.request, started.request);

    expect((await stack.app.janitor()).lost).toBe(0);
    offset += 11 * MINUTE;
    expect((await stack.app.janitor()).lost).toBe(1);
    expect((await requests.get(id))?.state).toBe("failed");
    expect(d.current(approval)).toContain("may or may not have been delivered");
  });

  it("a double-submitted command starts the work once", async () => {
    const request = d.client.slashCommand({ user: bob.id, channel: "C0OPS", text: "ps deploy/web -n shop" });
    const tables = () => d.seenBy(bob.id).filter((m) => d.text(m).includes("Processes in web-")).length;
    const before = tables();
    const [first, second] = await Promise.all([d.client.send(request), d.client.send(request, { retryNum: 1 })]);
    await stack.app.idle();
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(tables() - before).toBe(1);
  });
});
