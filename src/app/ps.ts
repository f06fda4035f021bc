import { psOf } from "../core/command/hints.js";
import type { Job, JobOrigin, SharedTable } from "../core/jobs.js";
import { may, signalPolicyFor } from "../core/policy.js";
import { rowsOfContainer } from "../core/process/rows.js";
import type { ProcessRow } from "../core/process/types.js";
import { SIGNAL_NAMES } from "../core/signals.js";
import { renderProcessListingText, renderProcessTableView } from "../core/views/process-table-view.js";
import { plural } from "../core/views/text.js";
import { podFields } from "./approval-message.js";
import { audit, commandDetail } from "./audit.js";
import { LISTING_TTL_MS, type WorkerDeps } from "./deps.js";
import { listPod, type PodListing } from "./list-pod.js";
import { Progress } from "./progress.js";

/** Most characters of a full listing kept for sharing (the snapshot must stay well under a DynamoDB item's 400 KB). */
export const MAX_SHARED_LISTING_CHARS = 200_000;

/**
 * `/pns ps`: lists the pod's processes and answers with the table, with the full listing as a file when it is long.
 * Quiet by default (`output.ps: ephemeral`): the table goes only to whoever asked, with a "Share in channel" button;
 * `output.ps: public` posts it in the channel.
 */
export async function runPs(deps: WorkerDeps, job: Extract<Job, { kind: "ps" }>): Promise<void> {
  const progress = new Progress(deps, job.origin.responseUrl);
  const listed = await listPod(deps, job.origin, job.command, progress);
  const shown = ofContainer(listed);
  const where = await postProcessTable(deps, job.origin, { ...listed, rows: shown.rows }, shown.note);
  // A private table replaced the progress message; a public one leaves it to remove.
  if (where === "channel" && job.origin.responseUrl) {
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
        `listed ${shown.rows.length} processes${shown.note ? ` of container ${job.command.container}` : ""} through ${listed.snapshot.attachment.container}${where === "asker" ? " (shown to the asker only)" : ""}`,
      ),
      outcome: "ok",
    },
    job.origin.audit,
  );
}

/**
 * With `-c`, only that container's rows (and pns's own), and a note on what else shares the process namespace: a pod
 * with `shareProcessNamespace` (or a copy) lists every container's processes whichever container pns targets.
 */
function ofContainer(listed: PodListing): { rows: ProcessRow[]; note?: string } {
  const container = listed.command.container;
  if (container === null) return { rows: listed.rows };
  const { rows, hidden } = rowsOfContainer(listed.rows, container);
  if (hidden.size === 0) return { rows };
  let others = 0;
  const of: string[] = [];
  for (const [name, n] of hidden) {
    others += n;
    of.push(`${n} of ${name === null ? "the pod sandbox" : `container ${name}`}`);
  }
  // The command as typed when it named this very pod, else the pod by name (a workload or selector may pick another).
  const pod = listed.resolved.pod.name;
  const typed = listed.command.target;
  const target =
    "name" in typed && (typed.kind === "auto" || typed.kind === "pod") && typed.name === pod ? typed : null;
  const all = psOf({ ...listed.command, container: null }, target ?? { kind: "pod", name: pod });
  return {
    rows,
    note: `Showing container ${container}'s processes only (\`-c ${container}\`): ${plural(others, "more process")} ${others === 1 ? "shares" : "share"} this process namespace (${of.join(", ")}). \`${all}\` lists them all.`,
  };
}

/**
 * Answers with a pod's process table, with the signal controls the caller may use: in the channel
 * (`output.ps: public`), or only to the caller with a "Share in channel" button, the public table kept with the
 * listing for that button. Returns where it went.
 */
export async function postProcessTable(
  deps: WorkerDeps,
  origin: Pick<JobOrigin, "user" | "channel"> & { responseUrl?: string | null },
  listed: PodListing,
  note?: string,
): Promise<"channel" | "asker"> {
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
      ? `${resolved.matchedBy} also matched ${others.slice(0, 5).join(", ")}${others.length > 5 ? ` and ${others.length - 5} more` : ""}: name one with \`${psOf(listed.command, { kind: "pod", name: "NAME" })}\`.`
      : undefined,
    listed.listing.complete ? undefined : "The listing was cut short: some processes may be missing.",
  ].filter((n): n is string => n !== undefined);
  // Above the table: the pod's phase, node, and each container's image, restarts and last termination, from the pod
  // as read for this listing (a table without it is still a table).
  const health = await listed.debugger
    .podHealth(snapshot.pod.namespace, snapshot.attachment.pod, { asListed: true })
    .catch((error) => {
      deps.logger.debug("could not read the pod for its summary", { error });
      return null;
    });
  const input = {
    pod: snapshot.pod,
    attachment: snapshot.attachment,
    ...(health ? { summary: health.summary } : {}),
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
  };
  const view = renderProcessTableView(input);
  const file =
    view.shown < rows.length
      ? {
          filename: `${snapshot.pod.pod}-processes.txt`,
          title: `All ${rows.length} processes of ${snapshot.pod.pod}`,
          content: renderProcessListingText(rows),
        }
      : null;

  if (deps.config.output.ps === "ephemeral") {
    const shared: SharedTable = { view: { text: view.text, blocks: view.blocks }, file: file && capped(file) };
    await deps.stores.listings.put({ ...snapshot, shared }, LISTING_TTL_MS);
    const whenShared = file ? "Only you see this table: the full listing is attached as a file when you share it." : "";
    const mine = renderProcessTableView({
      ...input,
      share: true,
      ...(whenShared ? { note: [input.note, whenShared].filter(Boolean).join(" ") } : {}),
    });
    await deps.chat.replyPrivately(
      { user: origin.user, channel: origin.channel, responseUrl: origin.responseUrl ?? null },
      { text: mine.text, blocks: mine.blocks },
    );
    return "asker";
  }
  const ts = await deps.chat.post(origin.channel, view);
  if (file) {
    await deps.chat
      .upload({ channel: origin.channel, threadTs: ts ?? null, ...file })
      .catch((error: unknown) => deps.logger.warn("could not upload the full listing", { error }));
  }
  return "channel";
}

/** The full listing as kept for sharing: cut at {@link MAX_SHARED_LISTING_CHARS}, saying so. */
function capped(file: NonNullable<SharedTable["file"]>): NonNullable<SharedTable["file"]> {
  if (file.content.length <= MAX_SHARED_LISTING_CHARS) return file;
  const cut = file.content.slice(0, file.content.lastIndexOf("\n", MAX_SHARED_LISTING_CHARS) + 1);
  return { ...file, content: `${cut}… (cut at ${MAX_SHARED_LISTING_CHARS.toLocaleString("en-US")} characters)\n` };
}
