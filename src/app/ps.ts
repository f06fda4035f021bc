import type { Job } from "../core/jobs.js";
import { may, signalPolicyFor } from "../core/policy.js";
import { SIGNAL_NAMES } from "../core/signals.js";
import { renderProcessListingText, renderProcessTableView } from "../core/views/process-table-view.js";
import { podFields } from "./approval-message.js";
import { audit, commandDetail } from "./audit.js";
import type { WorkerDeps } from "./deps.js";
import { listPod, type PodListing } from "./list-pod.js";
import { Progress } from "./progress.js";

/** `/pns ps`: lists the pod's processes and posts the table, with the full listing as a file when it is long. */
export async function runPs(deps: WorkerDeps, job: Extract<Job, { kind: "ps" }>): Promise<void> {
  const progress = new Progress(deps, job.origin.responseUrl);
  const listed = await listPod(deps, job.origin, job.command, progress);
  await postProcessTable(deps, job.origin, listed);
  if (job.origin.responseUrl) {
    await deps.chat
      .respond(job.origin.responseUrl, { delete_original: true })
      .catch((error: unknown) => deps.logger.debug("could not remove the progress message", { error }));
  }
  await audit(
    deps,
    {
      actor: job.origin.user,
      action: "command",
      channel: job.origin.channel,
      ...podFields(listed.snapshot),
      detail: commandDetail(
        job.origin.audit,
        `listed ${listed.rows.length} processes through ${listed.snapshot.attachment.container}`,
      ),
      outcome: "ok",
    },
    job.origin.audit,
  );
}

/** Posts a pod's process table in the channel, with the signal controls the caller may use. */
export async function postProcessTable(
  deps: WorkerDeps,
  origin: { user: string; channel: string },
  listed: PodListing,
  note?: string,
): Promise<string | undefined> {
  const { snapshot, rows, resolved } = listed;
  const groups = await deps.userGroups.groupsOf(origin.user);
  const maySignal = may(deps.config, { user: origin.user, groups }, "signal");
  const signals = maySignal.ok
    ? SIGNAL_NAMES.filter((s) => signalPolicyFor(deps.config, snapshot.pod.namespace, s).ok)
    : [];
  const others = resolved.candidates.filter((c) => c.name !== resolved.pod.name).map((c) => c.name);
  const notes = [
    note,
    others.length > 0
      ? `${resolved.matchedBy} also matched ${others.slice(0, 5).join(", ")}${others.length > 5 ? ` and ${others.length - 5} more` : ""}: name one with \`/pns ps pod/<name>\`.`
      : undefined,
    listed.listing.complete ? undefined : "The listing was cut short: some processes may be missing.",
  ].filter((n): n is string => n !== undefined);
  const view = renderProcessTableView({
    pod: snapshot.pod,
    attachment: snapshot.attachment,
    rows,
    totalProcesses: rows.length,
    listingId: snapshot.id,
    signals,
    requestedBy: origin.user,
    takenAt: snapshot.createdAt,
    unreadable: listed.listing.unreadable,
    cpuSampleSeconds: listed.listing.cpuSampleSeconds,
    ...(maySignal.ok ? {} : { noSignalsReason: maySignal.message }),
    ...(notes.length > 0 ? { note: notes.join(" ") } : {}),
  });
  const ts = await deps.chat.post(origin.channel, view);
  if (view.shown < rows.length) {
    await deps.chat
      .upload({
        channel: origin.channel,
        threadTs: ts ?? null,
        filename: `${snapshot.pod.pod}-processes.txt`,
        title: `All ${rows.length} processes of ${snapshot.pod.pod}`,
        content: renderProcessListingText(rows),
      })
      .catch((error: unknown) => deps.logger.warn("could not upload the full listing", { error }));
  }
  return ts;
}
