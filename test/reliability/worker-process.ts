/**
 * A worker Lambda in its own process, for the reliability test that kills it: runs the real entry point
 * (src/handlers/worker.ts `handler`) on the job given as its one argument, with the environment a deployed worker
 * has (here pointing at the simulator, the fake Slack and dynalite), then exits 0.
 */
import type { Context } from "aws-lambda";
import { handler } from "../../src/handlers/worker.js";

const job = JSON.parse(process.argv[2] ?? "null");
if (job === null) throw new Error("usage: worker-process.ts <job JSON>");
process.stdout.write("worker started\n");
await handler(job, {
  functionName: "pns-test-worker",
  awsRequestId: `test-${process.pid}`,
  getRemainingTimeInMillis: () => 300_000,
} as unknown as Context);
process.stdout.write("worker done\n");
process.exit(0);
