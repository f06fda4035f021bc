import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob } from "../../src/app/run-job.js";
import { parseCommand } from "../../src/core/command/parse-command.js";
import type { Command } from "../../src/core/command/types.js";
import type { Job } from "../../src/core/jobs.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, OPS, startDemo } from "../app/helpers.js";

const { alice, carol } = slackUsers;

/** A command as the grammar parses it. */
function parsed<K extends Command["kind"]>(text: string, kind: K): Extract<Command, { kind: K }> {
  const result = parseCommand(text);
  if (!result.ok || result.command.kind !== kind) throw new Error(`"${text}" does not parse as ${kind}`);
  return result.command as Extract<Command, { kind: K }>;
}

/** The worker trusts no job: it re-checks the job's user, and runs each job id once, however often it arrives. */
describe("the worker and the jobs it is handed", () => {
  let stack: LocalStack;
  let d: Driver;
  beforeAll(async () => ({ stack, d } = await startDemo()));
  afterAll(async () => stack?.close());

  const origin = (user: string) => ({ user, channel: OPS, responseUrl: null });
  const tables = () => d.seenBy(alice.id).filter((m) => d.text(m).includes("Processes in")).length;

  it("runs a job delivered three times once", async () => {
    const before = tables();
    const job: Job = { kind: "ps", id: "dup-ps-1", origin: origin(alice.id), command: parsed("ps nginx", "ps") };
    await Promise.all([runJob(stack.app.worker, job), runJob(stack.app.worker, job)]);
    await runJob(stack.app.worker, job);
    expect(tables() - before).toBe(1);
  });

  it("refuses a forged cleanup job from someone who is not an admin, and tells them why", async () => {
    const job: Job = {
      kind: "cleanup",
      id: "forged-cleanup-1",
      origin: origin(carol.id),
      command: parsed("cleanup", "cleanup"),
    };
    await runJob(stack.app.worker, job);
    expect(d.toldTo(carol.id).at(-1)).toContain("may not");
    const entry = (await stack.app.worker.stores.audit.list({ channel: OPS, limit: 1 }))[0];
    expect(entry).toMatchObject({ actor: carol.id, outcome: "failed" });
  });
});
