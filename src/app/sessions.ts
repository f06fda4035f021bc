import type { Job } from "../core/jobs.js";
import { renderSessionsView } from "../core/views/sessions-view.js";
import type { WorkerDeps } from "./deps.js";

/** `/pns sessions`: the channel's debug containers and copies that are still running. */
export async function runSessions(deps: WorkerDeps, job: Extract<Job, { kind: "sessions" }>): Promise<void> {
  const sessions = await deps.stores.sessions.list(job.origin.channel, deps.now());
  await deps.chat.replyPrivately(job.origin, renderSessionsView(sessions, deps.now()));
}
