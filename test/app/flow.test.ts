import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionId, BlockId, CallbackId } from "../../src/core/views/ids.js";
import { slackClient, slackUsers } from "../../src/local/fake-slack/client.js";
import type { FakeMessage } from "../../src/local/fake-slack/workspace.js";
import { type LocalStack, startLocalStack } from "../../src/local/stack.js";

const OPS = "C0OPS";
const { alice, bob, carol } = slackUsers;

describe("the whole flow: /pns ps nginx → SIGHUP to the nginx master → approval → new worker", () => {
  let stack: LocalStack;
  let client: ReturnType<typeof slackClient>;

  beforeAll(async () => {
    stack = await startLocalStack();
    client = slackClient(stack.slack);
  });
  afterAll(async () => stack?.close());

  const messages = () => stack.slack.workspace.channelMessages(OPS);
  const blocksText = (m: FakeMessage | undefined) => JSON.stringify(m?.blocks ?? []);

  async function command(user: string, text: string) {
    const res = await client.send(client.slashCommand({ user, channel: OPS, text }));
    await stack.app.idle();
    return res;
  }

  let table: FakeMessage;
  let approval: FakeMessage;

  it("lists the pod's processes, each labelled with its container, only to Alice (quiet by default)", async () => {
    const res = await command(alice.id, "ps nginx");
    expect(res.status).toBe(200);
    const isTable = (m: FakeMessage) => blocksText(m).includes("Processes in nginx");
    expect(messages().filter(isTable)).toEqual([]);
    expect(stack.slack.workspace.ephemeralsFor(OPS, bob.id).filter(isTable)).toEqual([]);
    const mine = stack.slack.workspace.ephemeralsFor(OPS, alice.id).filter(isTable);
    expect(mine).toHaveLength(1);
    table = mine[0]!;
    const text = blocksText(table);
    for (const expected of ["/pause", "nginx: master process nginx -g daemon off;", "nginx: worker process", "shell"]) {
      expect(text).toContain(expected);
    }
    expect(text).toContain('"Share in channel"');
  });

  it("asks for a reason from the private table, then posts the approval request publicly: Approve, Deny, Cancel", async () => {
    await client.send(
      client.blockAction({ user: alice.id, channel: OPS, message: table, actionId: ActionId.psProcess, value: "8" }),
    );
    await client.send(
      client.blockAction({ user: alice.id, channel: OPS, message: table, actionId: ActionId.psSignal, value: "HUP" }),
    );
    const click = await client.send(
      client.blockAction({ user: alice.id, channel: OPS, message: table, actionId: ActionId.psRequest }),
    );
    expect(click.status).toBe(200);
    const modal = stack.slack.workspace.openViewOf(alice.id);
    expect(JSON.stringify(modal?.blocks)).toContain("nginx: master process");
    const submitted = await client.send(
      client.viewSubmission({
        user: alice.id,
        view: modal!,
        values: { [ActionId.reasonInput]: "reload config after cert rotation" },
      }),
    );
    expect(submitted.status).toBe(200);
    await stack.app.idle();
    const requests = messages().filter((m) => blocksText(m).includes("waiting for approval"));
    expect(requests).toHaveLength(1);
    approval = requests[0]!;
    const text = blocksText(approval);
    for (const label of ['"Approve"', '"Deny"', '"Cancel"', "reload config after cert rotation"])
      expect(text).toContain(label);
    expect(text).toContain(BlockId.signalActionsPrefix);
  });

  it("refuses the requester's own approval, with an explanation only they see", async () => {
    const res = await client.send(
      client.blockAction({ user: alice.id, channel: OPS, message: approval, actionId: ActionId.signalApprove }),
    );
    expect(res.status).toBe(200);
    await stack.app.idle();
    // Told at once: no confirmation was opened for her first.
    expect(stack.slack.workspace.openViewOf(alice.id)?.callback_id).not.toBe(CallbackId.decisionModal);
    const told = stack.slack.workspace
      .ephemeralsFor(OPS, alice.id)
      .map((m) => m.text ?? "")
      .join("\n");
    expect(told).toContain("can't approve your own request");
    expect(blocksText(stack.slack.workspace.message(OPS, approval.ts))).toContain("waiting for approval");
  });

  it("sends the signal once when another person approves, and posts the new worker PID in the thread", async () => {
    const workerBefore = stack.sim.state
      .processes("default", "nginx")
      .find((p) => p.args.join(" ") === "nginx: worker process");
    expect(workerBefore?.pid).toBe(14);
    await Promise.all(
      [bob, carol, bob].map((u) =>
        client.send(
          client.blockAction({ user: u.id, channel: OPS, message: approval, actionId: ActionId.signalApprove }),
        ),
      ),
    );
    await stack.app.idle();
    // Each approver's click opened pns's confirmation (Carol is no approver in the demo: she gets none); all of them
    // are submitted at once: one signal is sent.
    const confirmations = [...stack.slack.workspace.views.values()].filter(
      (v) => v.callback_id === CallbackId.decisionModal,
    );
    expect(confirmations.map((v) => v.user).sort()).toEqual([bob.id, bob.id]);
    await Promise.all(
      confirmations.map((view) => client.send(client.viewSubmission({ user: view.user, view, values: {} }))),
    );
    await stack.app.idle();
    const workerAfter = stack.sim.state
      .processes("default", "nginx")
      .find((p) => p.args.join(" ") === "nginx: worker process");
    expect(workerAfter?.pid).not.toBe(14);
    const replies = stack.slack.workspace.replies(OPS, approval.ts);
    const result = replies.map((m) => blocksText(m)).join("\n");
    expect(result).toContain(`14 → ${workerAfter?.pid}`);
    expect(blocksText(stack.slack.workspace.message(OPS, approval.ts))).not.toContain('"Approve"');
    const signals = stack.sim.requests.entries.filter((e) => e.route === "GET pods/exec");
    expect(signals.length).toBeGreaterThan(0);
  });
});
