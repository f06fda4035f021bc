import { PnsError } from "../core/errors.js";
import type { Job } from "../core/jobs.js";
import { type Action, may } from "../core/policy.js";
import { audit, commandDetail } from "./audit.js";
import { runCat } from "./cat.js";
import { runCleanup } from "./cleanup.js";
import type { WorkerDeps } from "./deps.js";
import { runDoctor } from "./doctor.js";
import { errorMessage } from "./errors.js";
import { runExecute } from "./execute.js";
import { runInspect } from "./inspect.js";
import { offerPods } from "./pod-picker.js";
import { podSecurityAnswer } from "./pod-security-answer.js";
import { runPorts } from "./ports.js";
import { runPs } from "./ps.js";
import { runSignal } from "./request-signal.js";
import { PodChoice } from "./resolve-pod.js";
import { runSessions } from "./sessions.js";

/**
 * How long a job's id is remembered, so a duplicate delivery (an async invoke retried or replayed) does nothing.
 * Longer than the worker's maximum event age. @default 1 hour
 */
export const JOB_CLAIM_MS = 60 * 60_000;

/**
 * The right each job needs, checked again in the worker with the job's user: a job is only as good as its sender.
 * A `cat` job's reading of secrets (`people.catSecrets`) is decided in runCat from the configuration and that user,
 * never from the job.
 */
const RIGHT_OF: Record<Exclude<Job["kind"], "execute">, Action> = {
  ps: "ps",
  signal: "signal",
  cat: "cat",
  inspect: "inspect",
  ports: "ps",
  doctor: "ps",
  sessions: "ps",
  cleanup: "admin",
};

/**
 * Runs one job of the worker. Every failure becomes a clear message to the user who asked (and an audit entry);
 * nothing is thrown, so Lambda does not retry work that already told the user what went wrong.
 */
export async function runJob(deps: WorkerDeps, job: Job): Promise<void> {
  let duplicate = false;
  try {
    if (!(await deps.stores.claims.claim(`job:${job.id}`, JOB_CLAIM_MS))) {
      duplicate = true;
      deps.logger.warn("ignored a job delivered twice", { job: job.kind, id: job.id });
      return;
    }
    if (job.kind !== "execute") {
      const groups = await deps.userGroups.groupsOf(job.origin.user);
      const copying = "command" in job && "copy" in job.command && job.command.copy;
      for (const right of copying ? [RIGHT_OF[job.kind], "copy" as const] : [RIGHT_OF[job.kind]]) {
        const allowed = may(deps.config, { user: job.origin.user, groups }, right);
        if (!allowed.ok) throw new PnsError("not_allowed", allowed.message);
      }
    }
    switch (job.kind) {
      case "ps":
        return await runPs(deps, job);
      case "signal":
        return await runSignal(deps, job);
      case "execute":
        return await runExecute(deps, job);
      case "cat":
        return await runCat(deps, job);
      case "inspect":
        return await runInspect(deps, job);
      case "ports":
        return await runPorts(deps, job);
      case "doctor":
        return await runDoctor(deps, job);
      case "sessions":
        return await runSessions(deps, job);
      case "cleanup":
        return await runCleanup(deps, job);
    }
  } catch (err) {
    // A selector that matched several pods waits for a pick: no failure.
    if (err instanceof PodChoice && "command" in job && job.kind !== "cleanup") {
      return await offerPods(deps, job.origin, job.command, err).catch((error: unknown) =>
        deps.logger.error("could not offer the pods to pick from", { job: job.kind, id: job.id, error }),
      );
    }
    deps.metrics?.count("jobsFailed");
    const context = { job: job.kind, id: job.id };
    const view = podSecurityAnswer(deps, job, err) ?? errorMessage(err, deps.logger, deps.newId, context);
    if (!("origin" in job)) return;
    await deps.chat
      .replyPrivately(job.origin, view)
      .catch((error: unknown) => deps.logger.error("could not tell the user that a job failed", { ...context, error }));
    await audit(
      deps,
      {
        actor: job.origin.user,
        action:
          job.kind === "signal"
            ? "request"
            : job.kind === "cleanup"
              ? "cleanup"
              : job.kind === "cat" || job.kind === "inspect"
                ? "read"
                : "command",
        channel: job.origin.channel,
        cluster: null,
        namespace: "command" in job ? job.command.namespace : null,
        pod: null,
        detail: commandDetail(job.origin.audit, `${job.kind} failed: ${view.text}`),
        outcome: "failed",
      },
      job.origin.audit,
    );
  } finally {
    // A duplicate leaves the command's claim alone: the first delivery still holds it.
    const claim = "origin" in job && !duplicate ? job.origin.claim : undefined;
    if (claim) {
      await deps.stores.claims
        .release(claim)
        .catch((error: unknown) => deps.logger.warn("could not release a command's claim", { error }));
    }
  }
}
