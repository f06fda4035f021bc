import { PnsError } from "../../core/errors.js";
import type { Job } from "../../core/jobs.js";
import { renderCleanupView } from "../../core/views/cleanup-view.js";
import { renderFileView } from "../../core/views/file-view.js";
import { renderSessionsView } from "../../core/views/sessions-view.js";
import type { DebugSession } from "../../kube/pod-debugger.js";
import { audit, openSignalRequest, podFields } from "../approvals.js";
import type { WorkerDeps } from "./deps.js";
import { listPod, placementOf } from "./list-pod.js";
import { replyPrivately } from "./post.js";
import { Progress } from "./progress.js";

/** `/pns signal` typed in full: lists the pod (for the process's fingerprint), then opens the request. */
export async function runSignal(deps: WorkerDeps, job: Extract<Job, { kind: "signal" }>): Promise<void> {
  const { origin, command } = job;
  const progress = new Progress(deps, origin.responseUrl);
  const listed = await listPod(deps, origin, command, progress);
  const groups = await deps.userGroups.groupsOf(origin.user);
  const request = await openSignalRequest(deps, deps.slack, {
    snapshot: listed.snapshot,
    pid: command.pid,
    signal: command.signal,
    reason: job.reason,
    requester: origin.user,
    requesterGroups: groups,
    channel: origin.channel,
  });
  if (origin.responseUrl) {
    await deps
      .respond(origin.responseUrl, {
        response_type: "ephemeral",
        replace_original: true,
        text: `Request ${request.id} for SIG${command.signal} to PID ${command.pid} is posted and waits for approval.`,
      })
      .catch((error: unknown) => deps.logger.debug("could not update the progress message", { error }));
  }
}

/** `/pns cat`: reads a file of the process's container through /proc/PID/root, redacted, for the asker only. */
export async function runCat(deps: WorkerDeps, job: Extract<Job, { kind: "cat" }>): Promise<void> {
  const { origin, command } = job;
  const progress = new Progress(deps, origin.responseUrl);
  const listed = await listPod(deps, origin, command, progress);
  const process = listed.snapshot.processes.find((p) => p.pid === command.pid);
  if (!process) {
    throw new PnsError("process_gone", `PID ${command.pid} is not running in pod ${listed.snapshot.pod.pod}.`, {
      hint: `Run \`/pns ps ${listed.snapshot.pod.pod}\` to see its processes.`,
    });
  }
  const { attachment } = listed.snapshot;
  const file = await listed.debugger.readFile({
    location: { namespace: listed.snapshot.pod.namespace, pod: attachment.pod, container: attachment.container },
    pid: command.pid,
    path: command.path,
  });
  const maxLines = command.lines ?? deps.config.debug.maxFileLines;
  const all = file.text === null ? [] : deps.redactor.text(file.text).split("\n");
  const shown = all.slice(0, maxLines);
  const view = renderFileView({
    pod: listed.snapshot.pod,
    pid: command.pid,
    container: process.container,
    path: command.path,
    content: shown.join("\n"),
    bytes: file.bytes,
    truncated: file.truncated || shown.length < all.length,
    binary: file.binary,
    lines: shown.length,
  });
  await replyPrivately(deps, origin, view);
  await audit(deps, {
    actor: origin.user,
    action: "read",
    channel: origin.channel,
    ...podFields(listed.snapshot),
    detail: `read ${command.path} of PID ${command.pid} (${file.bytes} bytes)`,
    outcome: "ok",
  });
}

/** `/pns sessions`: the channel's debug containers and copies that are still running. */
export async function runSessions(deps: WorkerDeps, job: Extract<Job, { kind: "sessions" }>): Promise<void> {
  const sessions = await deps.stores.sessions.list(job.origin.channel, deps.now());
  await replyPrivately(deps, job.origin, renderSessionsView(sessions, deps.now()));
}

/** `/pns cleanup [<target>]`: deletes pns's debug copies in the channel's namespaces now (all, or the target's). */
export async function runCleanup(deps: WorkerDeps, job: Extract<Job, { kind: "cleanup" }>): Promise<void> {
  const { origin, command } = job;
  const { binding, namespace } = placementOf(deps, origin, command.namespace);
  const namespaces = command.namespace || command.target ? [namespace] : binding.namespaces;
  const target = command.target && command.target.kind !== "selector" ? command.target.name : null;
  // Asked for by a person: delete the copies now, not only the expired ones.
  const report = await deps.debuggerFor(binding.cluster).cleanup(namespaces, { now: true, of: target });
  const item = (s: DebugSession) => ({
    namespace: s.namespace,
    pod: s.pod,
    container: s.container,
    copyOf: s.copyOf,
    expiresAt: s.expiresAt,
  });
  const view = renderCleanupView({
    cluster: binding.cluster,
    deleted: report.deleted.map(item),
    kept: report.kept.map(item),
    runningEphemeral: report.runningEphemeral.map(item),
    failed: report.failed.map((f) => ({ item: item(f.session), message: f.message })),
  });
  await replyPrivately(deps, origin, view);
  await audit(deps, {
    actor: origin.user,
    action: "cleanup",
    channel: origin.channel,
    cluster: binding.cluster,
    namespace: namespaces.join(","),
    pod: target,
    detail: `deleted ${report.deleted.length} debug copies; ${report.runningEphemeral.length} debug containers still running`,
    outcome: report.failed.length > 0 ? "failed" : "ok",
  });
}
