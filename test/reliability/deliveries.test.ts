import { describe, expect, it } from "vitest";
import { runJob } from "../../src/app/run-job.js";
import type { Job } from "../../src/core/jobs.js";
import { ActionId, CallbackId } from "../../src/core/views/ids.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import { startLocalStack } from "../../src/local/stack.js";
import { DEMO_CONFIG, driver, OPS } from "../app/helpers.js";
import { record } from "./record.js";

const { alice, bob, carol } = slackUsers;
const DELIVERIES = 5;

/** A stack whose jobs of the kinds in `held` are taken away instead of run, for the test to deliver. */
async function stackHolding() {
  const held: Job[] = [];
  const holding = new Set<Job["kind"]>();
  const stack = await startLocalStack({
    configPath: DEMO_CONFIG,
    intercept: (job) => {
      if (!holding.has(job.kind)) return false;
      held.push(job);
      return true;
    },
  });
  return { stack, held, holding, d: driver(stack) };
}

/** Process tables pns posted or showed to anyone in #ops. */
function tablesShown(stack: Awaited<ReturnType<typeof stackHolding>>["stack"]): number {
  const ws = stack.slack.workspace;
  const all = [...ws.channelMessages(OPS), ...[alice, bob].flatMap((u) => ws.ephemeralsFor(OPS, u.id))];
  return all.filter((m) => JSON.stringify(m.blocks ?? []).includes("Processes in")).length;
}

describe("duplicate deliveries of a job", () => {
  it("have one effect: one table for a ps job, one signal for an execute job", async () => {
    const { stack, held, holding, d } = await stackHolding();
    try {
      holding.add("ps");
      await d.command(alice.id, "ps nginx");
      const ps = held.splice(0);
      expect(ps).toHaveLength(1);
      const tablesBefore = tablesShown(stack);
      await Promise.all(Array.from({ length: DELIVERIES }, () => runJob(stack.app.worker, ps[0]!)));
      expect(tablesShown(stack) - tablesBefore).toBe(1);
      holding.delete("ps");

      const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "duplicate deliveries");
      holding.add("execute");
      await d.decide(bob.id, approval, "approve");
      const execute = held.splice(0);
      expect(execute.map((j) => j.kind)).toEqual(["execute"]);
      const workers = d.workerPids();
      const execsBefore = d.signalExecs();
      await Promise.all(Array.from({ length: DELIVERIES }, () => runJob(stack.app.worker, execute[0]!)));
      await stack.app.idle();
      // One execute job: list before, the guarded signal, list after.
      expect(d.signalExecs() - execsBefore).toBe(3);
      expect(d.workerPids()).not.toEqual(workers);
      expect(d.current(approval)).toContain("sent");
      record(
        "duplicate-jobs",
        `a ps job and an execute job each delivered ${DELIVERIES}× at once → 1 table, 1 signal`,
        { deliveries: DELIVERIES, tables: 1, signals: 1 },
      );
    } finally {
      await stack.close();
    }
  });
});

describe("Slack's retries", () => {
  it("of a slash command and of an Approve click make one job each", async () => {
    const { stack, held, holding, d } = await stackHolding();
    try {
      holding.add("ps");
      // Carol's, so that Alice's own `ps nginx` below is not taken for a double submit of this one.
      const command = d.client.slashCommand({ user: carol.id, channel: OPS, text: "ps nginx" });
      const answers = [await d.client.send(command)];
      for (const retryNum of [1, 2, 3]) answers.push(await d.client.send(command, { retryNum }));
      await stack.app.idle();
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(held.filter((j) => j.kind === "ps")).toHaveLength(1);
      holding.delete("ps");
      held.splice(0);

      const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "Slack retries");
      holding.add("execute");
      const confirmations = () =>
        [...stack.slack.workspace.views.values()].filter((v) => v.callback_id === CallbackId.decisionModal);
      const click = d.client.blockAction({
        user: bob.id,
        channel: OPS,
        message: approval,
        actionId: ActionId.signalApprove,
      });
      const clicks = [await d.client.send(click)];
      for (const retryNum of [1, 2, 3]) clicks.push(await d.client.send(click, { retryNum }));
      await stack.app.idle();
      expect(clicks.every((a) => a.status === 200)).toBe(true);
      // The click and its retries open one confirmation and decide nothing yet. A retry within the same second
      // repeats the signature and is answered before Bolt; a later one reaches decide(), whose views.open with the
      // spent trigger_id Slack refuses (exchanged_trigger_id): never a second modal.
      expect(confirmations().map((v) => v.user)).toEqual([bob.id]);
      expect(held).toEqual([]);
      // Its submission, retried too, makes the one execute job.
      const submission = d.client.viewSubmission({ user: bob.id, view: confirmations()[0]!, values: {} });
      const submitted = [await d.client.send(submission)];
      for (const retryNum of [1, 2, 3]) submitted.push(await d.client.send(submission, { retryNum }));
      await stack.app.idle();
      expect(submitted.every((a) => a.status === 200)).toBe(true);
      expect(held.map((j) => j.kind)).toEqual(["execute"]);
      record(
        "slack-retries",
        "a slash command, an Approve click and its confirmation's submission, each sent once and retried 3× → 1 ps job, 1 confirmation modal, 1 execute job",
        { retries: 3, jobs: 2, modals: 1 },
      );
    } finally {
      await stack.close();
    }
  });
});
