import { currentLogKeys } from "../aws/logger.js";
import type { Job } from "../core/jobs.js";

/** A job as the worker receives it: the job, and the correlation id of the request that started it (log key). */
export type JobEnvelope = Job & { correlationId?: string };

/** The log key that joins a Slack request's lines with those of the jobs it started, in any function. */
export const CORRELATION_KEY = "correlation_id";

/** Wraps a dispatcher so that each job carries the correlation id in force where it is dispatched. */
export function carryingCorrelation(dispatch: (job: JobEnvelope) => Promise<void>): (job: Job) => Promise<void> {
  return (job) => {
    const correlationId = currentLogKeys()[CORRELATION_KEY];
    return dispatch(correlationId ? { ...job, correlationId } : job);
  };
}
