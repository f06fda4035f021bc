import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOST_OUTCOME, STUCK_AFTER_MS } from "../../src/app/janitor.js";
import type { Job } from "../../src/core/jobs.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import { type LocalStack, startLocalStack } from "../../src/local/stack.js";
import { DEMO_CONFIG, type Driver, driver } from "../app/helpers.js";
import { type LocalDynamo, startLocalDynamo } from "../store/local-dynamo.js";
import { record } from "./record.js";

const { alice, bob } = slackUsers;
const WORKER = fileURLToPath(new URL("./worker-process.ts", import.meta.url));

let dynamo: LocalDynamo;
let stack: LocalStack;
let d: Driver;
const held: Job[] = [];
const errors: string[] = [];
/** How far pns's clock is ahead of the wall clock. */
let later = 0;
const table = `pns-killed-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable(table);
  // The stack's own stores and the worker process share this table, as the Lambda functions share one in AWS.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
  });
  // The janitor's ERROR line about the lost signal is expected: kept, not printed over the test output.
  const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (m: string) => void errors.push(m) };
  stack = await startLocalStack({
    logger,
    configPath: DEMO_CONFIG,
    table,
    now: () => Date.now() + later,
    intercept: (job) => (job.kind === "execute" ? held.push(job) > 0 : false),
  });
  d = driver(stack);
});
afterAll(async () => {
  await stack?.close();
  await dynamo?.close();
});

/** Starts the worker process on a job; resolves with it once it has started. */
function startWorker(job: Job): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, JSON.stringify(job)], {
    env: {
      ...process.env,
      KUBECONFIG: stack.sim.kubeconfigPath ?? "",
      SLACK_SIGNING_SECRET: stack.slack.signingSecret,
      SLACK_BOT_TOKEN: stack.slack.botToken,
      SLACK_API_URL: stack.slack.apiUrl,
      PNS_CONFIG: DEMO_CONFIG,
      PNS_TABLE: table,
      PNS_WORKER_FUNCTION: "pns-test-worker",
      PNS_LOG_LEVEL: "error",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (b: Buffer) => {
    err += b.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      if (code !== 0 && code !== null) process.stderr.write(err);
      resolve(code);
    }),
  );
  return { child, exited };
}

async function until(check: () => Promise<boolean> | boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("a worker killed mid-signal", () => {
  it("sends nothing on redelivery, and the janitor marks the signal lost", async () => {
    const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "killed worker");
    await d.decide(bob.id, approval, "approve");
    const job = held.splice(0)[0];
    expect(job?.kind).toBe("execute");
    if (job?.kind !== "execute") return;
    const workers = d.workerPids();

    // The worker moves the request to executing, then waits on its first exec (the listing before the signal).
    stack.sim.faults.latency("GET pods/exec", 60_000);
    const first = startWorker(job);
    await until(
      async () => (await stack.app.worker.stores.requests.get(job.requestId))?.state === "executing",
      "the request to be executing",
    );
    first.child.kill("SIGKILL");
    expect(await first.exited).toBeNull();
    stack.sim.faults.clear();
    expect(d.workerPids()).toEqual(workers);

    // Lambda delivers the same event again: the job id is claimed, the request is executing, nothing is sent.
    const second = startWorker(job);
    expect(await second.exited).toBe(0);
    expect(d.workerPids()).toEqual(workers);
    expect((await stack.app.worker.stores.requests.get(job.requestId))?.state).toBe("executing");

    later = STUCK_AFTER_MS + 60_000;
    const report = await stack.app.janitor();
    expect(report.lost).toBe(1);
    const final = await stack.app.worker.stores.requests.get(job.requestId);
    expect(final?.state).toBe("failed");
    expect(d.current(approval)).toContain("pns lost track of this signal");
    expect(LOST_OUTCOME).toContain("pns lost track of this signal");
    expect(d.workerPids()).toEqual(workers);
    expect(errors).toContain("a signal's worker stopped mid-signal");
    record(
      "killed-worker",
      "worker process SIGKILLed while executing, the job redelivered to a new process → 0 signals sent; the janitor marked the request lost and said so in its message",
      { signals: 0, lost: report.lost },
    );
  });
});
