import { type JanitorReport, runJanitor } from "../app/janitor.js";
import { workerDeps } from "./worker.js";

/**
 * Lambda entry point: the scheduled cleanup (EventBridge, every few minutes). A run with failures ends in an error
 * after every step has run, so the janitor's Errors alarm fires; the schedule tries again at the next tick.
 */
export async function handler(): Promise<JanitorReport> {
  const report = await runJanitor(await workerDeps());
  if (report.failures > 0) throw new Error(`janitor: ${report.failures} step(s) failed; see the ERROR lines above`);
  return report;
}
