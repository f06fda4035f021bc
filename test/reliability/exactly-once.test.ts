import { afterAll, describe, expect, it } from "vitest";
import type { Stores } from "../../src/app/ports/stores.js";
import { ActionId, CallbackId, decodeRequestBlockId } from "../../src/core/views/ids.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { FakeMessage, FakeView } from "../../src/local/fake-slack/workspace.js";
import { type LocalStack, startLocalStack } from "../../src/local/stack.js";
import { createDynamoStores } from "../../src/store/dynamo/stores.js";
import { DEMO_CONFIG, type Driver, driver, OPS } from "../app/helpers.js";
import { startLocalDynamo } from "../store/local-dynamo.js";
import { record } from "./record.js";

const { alice, bob, carol } = slackUsers;
const dynamo = await startLocalDynamo();
afterAll(() => dynamo.close());

/** The request id an approval message is about (its actions block names it). */
function requestIdOf(message: FakeMessage): string {
  for (const block of (message.blocks ?? []) as { block_id?: unknown }[]) {
    const id = typeof block.block_id === "string" ? decodeRequestBlockId(block.block_id) : null;
    if (id) return id;
  }
  throw new Error("the approval message names no request");
}

/** Clicks a response within: answered however long a loaded machine takes (the 3 s ack is measured by `npm run bench`). */
const ANSWERED = { timeoutMs: 120_000 };

/**
 * Has `user` click Approve or Deny `count` times, each click its own request with its own trigger_id, and returns
 * the decision modals the clicks opened. Ten at a time: a trigger_id is good for 3 s only (src/local/fake-slack/
 * interactions.ts, as Slack's), which a hundred clicks at once on a loaded machine would outlast. Opening a modal
 * decides nothing; the submissions, sent all at once by the tests, race.
 */
async function openDecisionModals(
  stack: LocalStack,
  d: Driver,
  approval: FakeMessage,
  user: string,
  action: "approve" | "deny",
  count: number,
): Promise<FakeView[]> {
  const decisionModals = () =>
    [...stack.slack.workspace.views.values()].filter((v) => v.callback_id === CallbackId.decisionModal);
  const known = new Set(decisionModals().map((v) => v.id));
  const actionId = action === "approve" ? ActionId.signalApprove : ActionId.signalDeny;
  for (let sent = 0; sent < count; sent += 10) {
    const batch = Array.from({ length: Math.min(10, count - sent) }, () =>
      d.client.blockAction({ user, channel: OPS, message: approval, actionId }),
    );
    const answers = await Promise.all(batch.map((click) => d.client.send(click, ANSWERED)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
  }
  await stack.app.idle();
  const opened = decisionModals().filter((v) => !known.has(v.id));
  // One modal per click, each for the one who clicked and the action clicked.
  expect(opened).toHaveLength(count);
  expect(opened.every((v) => v.user === user)).toBe(true);
  const title = action === "approve" ? "Approve SIG" : "Deny SIG";
  expect(opened.every((v) => JSON.stringify(v.title).includes(title))).toBe(true);
  return opened;
}

const EVENTS = 200;

describe.each([
  ["embedded", async (): Promise<Stores | undefined> => undefined],
  [
    "dynamo",
    async (): Promise<Stores | undefined> => {
      const table = `pns-${Math.random().toString(36).slice(2)}`;
      await dynamo.createTable(table);
      return createDynamoStores({ tableName: table, client: dynamo.client });
    },
  ],
] as const)(
  "%s store: 200 concurrent Approve and Deny confirmations and Cancel clicks from several users",
  (name, makeStores) => {
    it("end in one outcome, and a signal only if that outcome is an approval, sent once", async () => {
      const stores = await makeStores();
      const stack = await startLocalStack({ configPath: DEMO_CONFIG, ...(stores ? { stores } : {}) });
      try {
        const d = driver(stack);
        const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "exactly once, mixed");
        const id = requestIdOf(approval);
        const workers = d.workerPids();
        const execsBefore = d.signalExecs();
        // Bob may approve or deny (each confirmed in pns's modal, Deny with a reason), Alice (the requester) may only
        // cancel (a direct click), Carol may do neither; Bob also clicks Approve again while the others decide.
        type Kind =
          | "bob-approves"
          | "bob-denies"
          | "alice-cancels"
          | "alice-approves"
          | "carol-approves"
          | "bob-clicks";
        const kinds: Kind[] = [
          "bob-approves",
          "bob-denies",
          "alice-cancels",
          "alice-approves",
          "carol-approves",
          "bob-clicks",
        ];
        const order = Array.from({ length: EVENTS }, (_, i) => kinds[(i * 7 + (i >> 3)) % kinds.length]!);
        const count = (k: Kind) => order.filter((o) => o === k).length;
        const approveModals = await openDecisionModals(stack, d, approval, bob.id, "approve", count("bob-approves"));
        const denyModals = await openDecisionModals(stack, d, approval, bob.id, "deny", count("bob-denies"));
        // Opening the modals decided nothing.
        expect((await stack.app.worker.stores.requests.get(id))?.state).toBe("pending");
        expect(d.signalExecs() - execsBefore).toBe(0);

        const denyReason = "not during the sale";
        const events = order.map((k) => {
          switch (k) {
            case "bob-approves":
              return d.client.viewSubmission({ user: bob.id, view: approveModals.pop()!, values: {} });
            case "bob-denies":
              return d.client.viewSubmission({
                user: bob.id,
                view: denyModals.pop()!,
                values: { [ActionId.denyReasonInput]: denyReason },
              });
            case "alice-cancels":
              return d.client.blockAction({
                user: alice.id,
                channel: OPS,
                message: approval,
                actionId: ActionId.signalCancel,
              });
            case "alice-approves":
              return d.client.blockAction({
                user: alice.id,
                channel: OPS,
                message: approval,
                actionId: ActionId.signalApprove,
              });
            case "carol-approves":
              return d.client.blockAction({
                user: carol.id,
                channel: OPS,
                message: approval,
                actionId: ActionId.signalApprove,
              });
            default: // bob-clicks
              return d.client.blockAction({
                user: bob.id,
                channel: OPS,
                message: approval,
                actionId: ActionId.signalApprove,
              });
          }
        });
        const responses = await Promise.all(events.map((event) => d.client.send(event, ANSWERED)));
        await stack.app.idle();

        expect(responses.every((r) => r.status === 200)).toBe(true);
        const final = await stack.app.worker.stores.requests.get(id);
        expect(["done", "denied", "cancelled"]).toContain(final?.state);
        const signals = (d.signalExecs() - execsBefore) / 3;
        if (final?.state === "done") {
          // One execute job: list before, the guarded signal, list after.
          expect(signals).toBe(1);
          expect(d.workerPids()).not.toEqual(workers);
        } else {
          expect(d.signalExecs() - execsBefore).toBe(0);
          expect(d.workerPids()).toEqual(workers);
        }
        if (final?.state === "denied") expect(final.denialReason).toBe(denyReason);
        // Neither the requester nor a non-approver was ever asked to confirm: refused at the click.
        const asked = [...stack.slack.workspace.views.values()].filter(
          (v) => v.callback_id === CallbackId.decisionModal,
        );
        expect(asked.filter((v) => v.user !== bob.id)).toEqual([]);
        // The decision is recorded once in the audit trail, whatever lost the race ("ok" for an approval only).
        const audit = await stack.app.worker.stores.audit.list({ channel: OPS, limit: 1000 });
        // This stack holds this one request only.
        const decisions = audit.filter((e) => e.action === "decision");
        expect(decisions).toHaveLength(1);
        expect(decisions[0]?.outcome).toBe(final?.state === "done" ? "ok" : "refused");
        record(
          `exactly-once-${name}`,
          `${EVENTS} concurrent events by 3 users (${count("bob-approves")} Approve and ${count("bob-denies")} Deny confirmations, ${count("alice-cancels")} Cancel and ${EVENTS - count("bob-approves") - count("bob-denies") - count("alice-cancels")} Approve clicks) → 1 outcome (${final?.state}), ${signals} signal${signals === 1 ? "" : "s"}, every one answered 200`,
          { events: EVENTS, outcomes: 1, signals },
        );
      } finally {
        await stack.close();
      }
    });
  },
);

describe.each([
  ["embedded store", async () => undefined],
  [
    "DynamoDB store (dynalite)",
    async () => {
      const table = `pns-${Math.random().toString(36).slice(2)}`;
      await dynamo.createTable(table);
      return createDynamoStores({ tableName: table, client: dynamo.client });
    },
  ],
])("100 Approve clicks, then their 100 confirmations submitted at once, %s", (_name, makeStores) => {
  it("send the signal exactly once, and everyone else is told it was already approved", async () => {
    const stores = await makeStores();
    const stack = await startLocalStack({ configPath: DEMO_CONFIG, ...(stores ? { stores } : {}) });
    try {
      const d = driver(stack);
      const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "exactly once");
      const workers = d.workerPids();
      const kills = () => stack.sim.requests.entries.filter((e) => e.route === "GET pods/exec").length;
      const execsBefore = kills();

      // Each click is its own request, with its own trigger_id and response_url, as Slack sends them.
      const modals = await openDecisionModals(stack, d, approval, bob.id, "approve", 100);
      expect(kills() - execsBefore).toBe(0);
      expect(d.current(approval)).toContain("waiting for approval");
      const submissions = modals.map((view) => d.client.viewSubmission({ user: bob.id, view, values: {} }));
      const responses = await Promise.all(submissions.map((s) => d.client.send(s, ANSWERED)));
      await stack.app.idle();

      expect(responses.every((r) => r.status === 200)).toBe(true);
      const after = d.workerPids();
      expect(after).toHaveLength(1);
      expect(after).not.toEqual(workers);
      // One execute job: list before, the guarded signal, list after. A second signal would add three more.
      expect(kills() - execsBefore).toBe(3);
      expect(d.current(approval)).toContain("sent");
      const told = d.toldTo(bob.id).filter((t) => t.includes("already approved"));
      expect(told).toHaveLength(99);
    } finally {
      await stack.close();
    }
  });
});
