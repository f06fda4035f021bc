import { type JanitorReport, runJanitor } from "../app/janitor.js";
import { workerDeps } from "./worker.js";

/** Lambda entry point: the scheduled cleanup (EventBridge, every few minutes). */
export async function handler(): Promise<JanitorReport> {
  return runJanitor(await workerDeps());
}
