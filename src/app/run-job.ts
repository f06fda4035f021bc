import type { Job } from "../core/jobs.js";
import { audit } from "./audit.js";
import { runCat } from "./cat.js";
import { runCleanup } from "./cleanup.js";
import type { WorkerDeps } from "./deps.js";
import { errorMessage } from "./errors.js";
import { runExecute } from "./execute.js";
import { runPs } from "./ps.js";
import { runSignal } from "./request-signal.js";
import { runSessions } from "./sessions.js";

/**
 * Runs one job of the worker. Every failure becomes a clear message to the user who asked (and an audit entry);
 * nothing is thrown, so Lambda does not retry work that already told the user what went wrong.
 */
export async function runJob(deps: WorkerDeps, job: Job): Promise<void> {
  try {
    switch (job.kind) {
      case "ps":
        return await runPs(deps, job);
      case "signal":
        return await runSignal(deps, job);
      case "execute":
        return await runExecute(deps, job);
      case "cat":
        return await runCat(deps, job);
      case "sessions":
        return await runSessions(deps, job);
      case "cleanup":
        return await runCleanup(deps, job);
    }
  } catch (err) {
    const context = { job: job.kind, id: job.id };
    const view = errorMessage(err, deps.logger, deps.newId, context);
    if (!("origin" in job)) return;
    await deps.chat
      .replyPrivately(job.origin, view)
      .catch((error: unknown) => deps.logger.error("could not tell the user that a job failed", { ...context, error }));
    await audit(deps, {
      actor: job.origin.user,
      action:
        job.kind === "signal"
          ? "request"
          : job.kind === "cleanup"
            ? "cleanup"
            : job.kind === "cat"
              ? "read"
              : "command",
      channel: job.origin.channel,
      cluster: null,
      namespace: "command" in job ? job.command.namespace : null,
      pod: null,
      detail: `${job.kind} failed: ${view.text}`.slice(0, 500),
      outcome: "failed",
    });
  } finally {
    const claim = "origin" in job ? job.origin.claim : undefined;
    if (claim) {
      await deps.stores.claims
        .release(claim)
        .catch((error: unknown) => deps.logger.warn("could not release a command's claim", { error }));
    }
  }
}
