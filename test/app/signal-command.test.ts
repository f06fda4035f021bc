import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionId } from "../../src/core/views/ids.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, OPS, startDemo } from "./helpers.js";

const { alice, bob } = slackUsers;

/** `/pns signal …` typed in full: the same request and approval as the buttons make, without the picker. */
describe("/pns signal from the command line", () => {
  let stack: LocalStack;
  let d: Driver;

  beforeAll(async () => ({ stack, d } = await startDemo()));
  afterAll(async () => stack?.close());

  const approvals = () => d.messages().filter((m) => d.text(m).includes("Signal request"));

  it("with a reason: posts the approval request straight away, and Bob's approval sends it", async () => {
    await d.command(alice.id, "signal nginx 8 SIGHUP rotate the certificates");
    const request = approvals().at(-1);
    expect(d.text(request)).toContain("rotate the certificates");
    expect(d.text(request)).toContain("nginx: master process");
    const workers = d.workerPids();
    await d.decide(bob.id, structuredClone(request!), "approve");
    expect(d.workerPids()).not.toEqual(workers);
    expect(d.current(request!)).toContain("sent");
  });

  it("without a reason: checks the PID on a fresh listing first, then asks for the reason, then posts the request", async () => {
    const before = approvals().length;
    await d.command(alice.id, "signal nginx 8 1");
    // No modal before the check: the answer names the listed process, and its button asks for the reason.
    expect(stack.slack.workspace.openViewOf(alice.id)).toBeUndefined();
    const answer = stack.slack.workspace.ephemeralsFor(OPS, alice.id).at(-1)!;
    expect(d.text(answer)).toContain("SIGHUP to PID 8");
    expect(d.text(answer)).toContain("nginx: master process");
    await d.client.send(
      d.client.blockAction({ user: alice.id, channel: OPS, message: answer, actionId: `${ActionId.requestFresh}.8` }),
    );
    await stack.app.idle();
    const modal = stack.slack.workspace.openViewOf(alice.id);
    expect(JSON.stringify(modal?.blocks)).toContain("in container nginx");
    await d.client.send(
      d.client.viewSubmission({ user: alice.id, view: modal!, values: { [ActionId.reasonInput]: "typed later" } }),
    );
    await stack.app.idle();
    expect(approvals().length).toBe(before + 1);
    expect(d.text(approvals().at(-1))).toContain("typed later");
  });

  it("without a reason, a wrong PID is reported before any reason is asked for", async () => {
    const viewBefore = stack.slack.workspace.openViewOf(alice.id)?.id;
    await d.command(alice.id, "signal nginx 4243 HUP");
    expect(stack.slack.workspace.openViewOf(alice.id)?.id).toBe(viewBefore);
    expect(d.toldTo(alice.id).at(-1)).toContain("4243");
  });

  it("refuses a PID that is not in the pod, saying how to find the right one", async () => {
    await d.command(alice.id, "signal nginx 4242 HUP because");
    const told = d.toldTo(alice.id).at(-1) ?? "";
    expect(told).toContain("4242");
    // A complete command: the pod itself, its namespace and cluster (what the table was listed from).
    expect(told).toContain("/pns ps pod/nginx -n default --cluster sim");
  });

  it("refuses to signal the pod's pause process", async () => {
    const before = approvals().length;
    await d.command(alice.id, "signal nginx 1 HUP because");
    expect(d.toldTo(alice.id).at(-1)).toContain("pause");
    expect(approvals().length).toBe(before);
  });

  it("refuses, before anyone is asked to approve, KILL to the init of a pod's PID namespace, saying what works", async () => {
    const before = approvals().length;
    await d.command(alice.id, "signal db -n shop 1 KILL it hangs");
    const told = d.toldTo(alice.id).at(-1) ?? "";
    expect(told).toContain("PID 1 is the init of its container's PID namespace: the kernel drops SIGKILL");
    expect(told).toContain("--copy");
    expect(approvals().length).toBe(before);
  });
});
