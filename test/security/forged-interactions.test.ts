import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob } from "../../src/app/run-job.js";
import { ActionId } from "../../src/core/views/ids.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { FakeView } from "../../src/local/fake-slack/workspace.js";
import type { LocalStack } from "../../src/local/stack.js";
import { createResponder } from "../../src/slack/response-url.js";
import { type Driver, OPS, startDemo } from "../app/helpers.js";

const { alice, bob } = slackUsers;

/**
 * Payloads Slack would never send, correctly signed (an attacker who can make Slack sign what they like, or one
 * who found a job's shape): each fails to get in.
 */
describe("forged interactions and jobs", () => {
  let stack: LocalStack;
  let d: Driver;
  const elsewhere: string[] = [];
  const evil = createServer((req, res) => {
    elsewhere.push(`${req.method} ${req.url}`);
    res.end("ok");
  });
  let evilUrl = "";

  beforeAll(async () => {
    ({ stack, d } = await startDemo());
    await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    evil.close();
    await stack?.close();
  });

  /** Opens Alice's reason modal for SIGHUP to the nginx master and returns it. */
  async function alicesModal(): Promise<FakeView> {
    const table = await d.table(alice.id, "nginx");
    for (const [actionId, value] of [
      [ActionId.psProcess, "8"],
      [ActionId.psSignal, "HUP"],
    ] as const) {
      await d.client.send(d.client.blockAction({ user: alice.id, channel: OPS, message: table, actionId, value }));
    }
    await d.client.send(
      d.client.blockAction({ user: alice.id, channel: OPS, message: table, actionId: ActionId.psRequest }),
    );
    return structuredClone(stack.slack.workspace.openViewOf(alice.id)!);
  }
  const approvals = () => d.messages().filter((m) => d.text(m).includes("Signal request")).length;

  it("refuses a reason modal whose private_metadata was edited", async () => {
    const modal = await alicesModal();
    const before = approvals();
    const meta = String(modal.private_metadata);
    modal.private_metadata = meta.replace(`"channel":"${OPS}"`, '"channel":"C0OTHER"');
    expect(modal.private_metadata).not.toBe(meta);
    const res = await d.client.send(
      d.client.viewSubmission({ user: alice.id, view: modal, values: { [ActionId.reasonInput]: "forged" } }),
    );
    await stack.app.idle();
    expect(res.body).toContain("This form is not from pns");
    expect(approvals()).toBe(before);
  });

  it("refuses someone else's modal submitted as their own", async () => {
    const modal = await alicesModal();
    const before = approvals();
    const res = await d.client.send(
      d.client.viewSubmission({ user: bob.id, view: modal, values: { [ActionId.reasonInput]: "as bob" } }),
    );
    await stack.app.idle();
    expect(res.body).toContain("This form is not from pns");
    expect(approvals()).toBe(before);
  });

  it("never posts to a response_url that is not Slack's", async () => {
    await runJob(stack.app.worker, {
      kind: "sessions",
      id: "forged-url-1",
      origin: { user: alice.id, channel: OPS, responseUrl: evilUrl },
    });
    expect(elsewhere).toEqual([]);
    const responder = createResponder(["http://127.0.0.1:1/"]);
    await expect(responder("https://hooks.slack.com.evil.example/x", {})).rejects.toMatchObject({ code: "internal" });
    await expect(responder("https://user@hooks.slack.com/x", {})).rejects.toMatchObject({ code: "internal" });
    await expect(responder(evilUrl, {})).rejects.toMatchObject({ code: "internal" });
  });
});
