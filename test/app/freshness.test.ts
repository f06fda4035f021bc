import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signalHint } from "../../src/core/signal-catalogue.js";
import { ActionId, BlockId, CallbackId, decodeFreshPickValue } from "../../src/core/views/ids.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { FakeMessage } from "../../src/local/fake-slack/workspace.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, OPS, startDemo } from "./helpers.js";

const { alice, bob, carol } = slackUsers;

/** Freshness and flow (issue 14, items 1 and 8), through the fake Slack against the simulator. */
describe("freshness and flow", () => {
  let stack: LocalStack;
  let d: Driver;

  beforeAll(async () => ({ stack, d } = await startDemo()));
  afterAll(async () => stack?.close());

  const ws = () => stack.slack.workspace;
  const cards = () => d.messages().filter((m) => d.text(m).includes("Signal request"));
  const thread = (m: FakeMessage) =>
    ws()
      .replies(OPS, m.ts)
      .map((r) => d.text(r))
      .join("\n");
  const signalsSent = () => stack.sim.requests.entries.filter((e) => e.route === "GET pods/exec").length;

  /** Picks `pid` and `signal` on `table` as `user` and presses Request signal…. */
  async function pick(user: string, table: FakeMessage, pid: number, signal: string) {
    for (const [actionId, value] of [
      [ActionId.psProcess, String(pid)],
      [ActionId.psSignal, signal],
    ] as const) {
      await d.client.send(d.client.blockAction({ user, channel: OPS, message: table, actionId, value }));
    }
    await d.client.send(d.client.blockAction({ user, channel: OPS, message: table, actionId: ActionId.psRequest }));
    await stack.app.idle();
  }

  it("a reason shorter than min_length is refused by pns too, on the field, and nothing is requested", async () => {
    await d.command(alice.id, "ps nginx");
    const before = cards().length;
    await pick(alice.id, d.latestTable(alice.id)!, 8, "HUP");
    const modal = ws().openViewOf(alice.id)!;
    const res = await d.client.send(
      d.client.viewSubmission({ user: alice.id, view: modal, values: { [ActionId.reasonInput]: " ab " } }),
    );
    expect(res.json).toEqual({
      response_action: "errors",
      errors: { [BlockId.reason]: "Say why the signal is needed (at least 3 characters)." },
    });
    await stack.app.idle();
    expect(cards()).toHaveLength(before);
  });

  it("a second request for the same signal to the same process joins the first as a supporter: one card", async () => {
    const first = await d.requestSignal(alice.id, "nginx", 8, "USR1", "reopen logs after rotation");
    const count = cards().length;
    await expect(d.requestSignal(carol.id, "nginx", 8, "USR1", "logs are huge")).rejects.toThrow("no approval message");
    expect(cards()).toHaveLength(count);
    expect(d.current(first)).toContain("Also asked for by");
    expect(d.current(first)).toContain(`<@${carol.id}>`);
    expect(d.current(first)).toContain("logs are huge");
    expect(d.toldTo(carol.id).at(-1)).toContain("added to that request as a supporter");
    const sent = signalsSent();
    await d.decide(bob.id, first, "approve");
    expect(d.current(first)).toContain("sent");
    // The approval's exec only: one signal for both requesters (plus the listing after it).
    expect(signalsSent()).toBeGreaterThan(sent);
    const again = signalsSent();
    await d.decide(bob.id, first, "approve");
    expect(signalsSent()).toBe(again);
  });

  it("Deny asks for an optional reason, shown on the card and to the requester in its thread", async () => {
    const approval = await d.requestSignal(alice.id, "nginx", 8, "WINCH", "resize");
    await d.client.send(
      d.client.blockAction({ user: bob.id, channel: OPS, message: approval, actionId: ActionId.signalDeny }),
    );
    await stack.app.idle();
    const modal = d.decisionModalOf(bob.id);
    expect(JSON.stringify(modal?.title)).toContain("Deny SIGWINCH?");
    await d.client.send(
      d.client.viewSubmission({
        user: bob.id,
        view: modal!,
        values: { [ActionId.denyReasonInput]: "wait for the deploy" },
      }),
    );
    await stack.app.idle();
    expect(d.current(approval)).toContain("Denied");
    expect(d.current(approval)).toContain("wait for the deploy");
    expect(thread(approval)).toContain(`<@${alice.id}> your SIGWINCH to PID 8 was denied by <@${bob.id}>`);
  });

  it("the requester's own Approve is refused at once: no confirmation is opened for her", async () => {
    const approval = await d.requestSignal(alice.id, "nginx", 8, "USR2", "mine");
    const viewsBefore = ws().openViewOf(alice.id)?.id;
    await d.client.send(
      d.client.blockAction({ user: alice.id, channel: OPS, message: approval, actionId: ActionId.signalApprove }),
    );
    await stack.app.idle();
    expect(d.decisionModalOf(alice.id, viewsBefore)).toBeUndefined();
    expect(d.toldTo(alice.id).at(-1)).toContain("can't approve your own request");
    await d.decide(alice.id, approval, "cancel");
  });

  it("a pending request whose process exits is marked target gone; a pick from the older table gets the new PID", async () => {
    const [worker] = d.workerPids();
    const forWorker = await d.requestSignal(alice.id, "nginx", worker!, "HUP", "worker stuck");
    const staleTable = d.latestTable(alice.id)!;
    const forMaster = await d.requestSignal(alice.id, "nginx", 8, "HUP", "reload");
    await d.decide(bob.id, forMaster, "approve");
    const [now] = d.workerPids();
    expect(now).not.toBe(worker);

    // The listing taken right after the signal shows the worker gone: its pending request is closed at once.
    expect(d.current(forWorker)).toContain("target gone");
    expect(thread(forWorker)).toContain(`PID ${now}`);
    const sent = signalsSent();
    await d.decide(bob.id, forWorker, "approve");
    expect(d.toldTo(bob.id).at(-1)).toContain("its process is gone");
    expect(signalsSent()).toBe(sent);

    // A pick of the old worker from an older table: the current state, with a button for the new PID.
    const modalBefore = ws().openViewOf(alice.id)?.id;
    await pick(alice.id, staleTable, worker!, "HUP");
    expect(ws().openViewOf(alice.id)?.id).toBe(modalBefore);
    const told = ws().ephemeralsFor(OPS, alice.id).at(-1)!;
    expect(d.text(told)).toContain(`PID ${worker}`);
    expect(d.text(told)).toContain(`it is now PID ${now}`);
    const button = (told.blocks as { type: string; elements?: { action_id: string; value?: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id.startsWith(ActionId.requestFresh));
    expect(decodeFreshPickValue(button?.value)?.pid).toBe(now);
    await d.client.send(
      d.client.blockAction({ user: alice.id, channel: OPS, message: told, actionId: button!.action_id }),
    );
    await stack.app.idle();
    const modal = ws().openViewOf(alice.id)!;
    expect(modal.callback_id).toBe(CallbackId.reasonModal);
    expect(JSON.stringify(modal.blocks)).toContain(`to PID ${now}`);
    // The listing taken after the signal keeps what a `ps` keeps: the new worker is known as an nginx worker, so
    // the modal says what HUP does to it, as a pick from a fresh table would.
    expect(JSON.stringify(modal.blocks)).toContain(signalHint("HUP", "nginx-worker"));
  });
});
