import type { Context, ScheduledEvent } from "aws-lambda";
import { type JanitorReport, runJanitor } from "../app/janitor.js";
import { addLambdaContext, withLogKeys } from "../aws/logger.js";
import { CORRELATION_KEY } from "./correlation.js";
import { workerEntry } from "./worker.js";

/**
 * Lambda entry point: the scheduled cleanup (EventBridge, every few minutes). A run with failures ends in an error
 * after every step has run, so the janitor's Errors alarm fires; the schedule tries again at the next tick. Its log
 * lines carry the EventBridge event's id as `correlation_id` (a manual invoke's `{}` has none: the request id then).
 */
export async function handler(event: ScheduledEvent, context: Context): Promise<JanitorReport> {
  const { source, metrics, deps } = workerEntry();
  addLambdaContext(source.logger, context);
  metrics.coldStart(context.functionName);
  try {
    const report = await withLogKeys({ [CORRELATION_KEY]: event?.id ?? context.awsRequestId }, async () =>
      runJanitor(await deps()),
    );
    if (report.failures > 0) throw new Error(`janitor: ${report.failures} step(s) failed; see the ERROR lines above`);
    return report;
  } finally {
    metrics.flush();
  }
}
