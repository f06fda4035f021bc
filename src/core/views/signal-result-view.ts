/**
 * The result of a signal, posted in the approval's thread: what happened, what changed (a container restarted with
 * exit 137, the process is stopped, processes restarted or exited), the processes after it.
 */

import { autoContLine, delayText } from "../approval/auto-cont.js";
import type { SignalRequest } from "../approval/types.js";
import type { AfterSignalReport } from "../process/after-signal.js";
import type { PodSummary } from "../process/pod-summary.js";
import { signalEffects } from "../process/signal-effect.js";
import type { ProcessRow } from "../process/types.js";
import { copyLine, copyName, isCopy } from "./approval-request-view.js";
import type { Block, MessageView } from "./block-kit.js";
import { BLOCKS_JSON_RESERVE, SlackLimits as L } from "./limits.js";
import { containerLabel } from "./process-labels.js";
import { fitPreformatted } from "./process-table-view.js";
import { codeSpan, escapeTruncate, fitLines, jsonSize, mrkdwn, plural, truncate, userMention } from "./text.js";

/** How the processes changed across the signal (see `ProcessDiff`; rows as users see them). */
export interface SignalResultDiff {
  exited: ProcessRow[];
  started: ProcessRow[];
  restarted: { before: ProcessRow; after: ProcessRow }[];
}

/** Input of {@link renderSignalResultView}. */
export interface SignalResultInput {
  request: SignalRequest;
  ok: boolean;
  /** What happened, already redacted ("sent", "the process changed since it was listed"). */
  message: string;
  diff?: SignalResultDiff;
  /** The process table after the signal. */
  after?: ProcessRow[];
  /** The pod just before the signal and a moment after it, when the adapter read it (restarts, exit codes). */
  podBefore?: PodSummary;
  podAfter?: PodSummary;
  /** Epoch milliseconds, for the automatic CONT's countdown. @default when the STOP was sent */
  now?: number;
}

/** Characters of diff lines shown before "… and N more changes" (a section holds 3000). */
const DIFF_CHARS = 2700;

/** The thread reply with the outcome of a signal. */
export function renderSignalResultView(input: SignalResultInput): MessageView {
  const { request: r, ok } = input;
  const signal = `SIG${r.signal}`;
  const target = `PID ${r.process.pid} ${codeSpan(r.process.command, 300)}`;
  const where = isCopy(r) ? ` in ${escapeTruncate(copyName(r), 400)}` : "";
  // The requester is mentioned: Slack notifies her of the thread reply whether the signal went or not.
  const head = ok
    ? `:white_check_mark: ${userMention(r.requester)} *${signal} sent* to ${target}${where}.`
    : `:x: ${userMention(r.requester)} *${signal} not sent* to ${target}${where}.`;
  const blocks: Block[] = [{ type: "section", text: mrkdwn(`${head}\n${escapeTruncate(input.message, 2000)}`) }];
  if (isCopy(r)) blocks.push({ type: "context", elements: [mrkdwn(copyLine(r))] });
  const cont = ok && r.autoCont?.dueAt ? autoContLine(r, input.now ?? r.autoCont.dueAt - r.autoCont.afterMs) : null;
  if (cont) blocks.push({ type: "section", text: mrkdwn(cont) });

  if (input.diff !== undefined || input.podAfter !== undefined) {
    const effects = ok
      ? signalEffects({
          signal: r.signal,
          target: { pid: r.fingerprint.pid, startTicks: r.fingerprint.startTicks },
          changes: { restarted: 0, started: 0, exited: 0 },
          after: input.after ?? null,
          podBefore: input.podBefore ?? null,
          podAfter: input.podAfter ?? null,
        })
      : [];
    const lines = [
      ...effects.map((e) => `:large_orange_diamond: ${escapeTruncate(e, 400)}`),
      ...(input.diff === undefined ? [] : diffLines(input.diff)),
    ];
    const body = lines.length === 0 ? "No process started, exited or restarted." : fitLines(lines, DIFF_CHARS);
    blocks.push({ type: "section", text: mrkdwn(`*What changed*\n${body}`) });
  }

  if (input.after !== undefined) {
    const head = { type: "context", elements: [mrkdwn("*Processes after the signal*")] } satisfies Block;
    blocks.push(head);
    const budget = L.blocksJson - BLOCKS_JSON_RESERVE - jsonSize(blocks);
    const { block, shown } = fitPreformatted(input.after, budget, compactListing);
    if (block !== null) blocks.push(block);
    const note =
      input.after.length === 0
        ? "No processes were listed after the signal."
        : shown < input.after.length
          ? `Showing ${shown} of ${plural(input.after.length, "process")}.`
          : `${plural(input.after.length, "process")}.`;
    blocks.push({ type: "context", elements: [mrkdwn(note)] });
  }

  const text = `${signal} ${ok ? "sent" : "not sent"} to PID ${r.process.pid} in ${escapeTruncate(isCopy(r) ? `${r.target.namespace}/${r.target.debugPod} (debug copy of pod ${r.target.pod}, not the live pod)` : `${r.target.namespace}/${r.target.pod}`, 300)}: ${escapeTruncate(input.message, 500)}`;
  return { text, blocks };
}

/** "nginx: worker process 14 → 22 (restarted)" and the like, in mrkdwn. */
function diffLines(diff: SignalResultDiff): string[] {
  const label = (row: ProcessRow) => `${codeSpan(row.command, 120)} in ${escapeTruncate(containerLabel(row), 60)}`;
  return [
    ...diff.restarted.map(
      ({ before, after }) => `:arrows_counterclockwise: ${label(after)}: ${before.pid} → ${after.pid} (restarted)`,
    ),
    ...diff.exited.map((row) => `:heavy_minus_sign: ${label(row)}: ${row.pid} exited`),
    ...diff.started.map((row) => `:heavy_plus_sign: ${label(row)}: ${row.pid} started`),
  ];
}

/** PID, STAT, CONTAINER and COMMAND only: the after-table is a glance, the full one is `/pns ps`. */
function compactListing(rows: ProcessRow[], commandMax = 100): string {
  const width = Math.max(3, ...rows.map((r) => String(r.pid).length));
  const cw = Math.min(30, Math.max(9, ...rows.map((r) => containerLabel(r).length)));
  const line = (pid: string, stat: string, c: string, cmd: string) =>
    `${pid.padStart(width)}  ${stat.padEnd(4)}  ${truncate(c, cw).padEnd(cw)}  ${cmd}`;
  return [
    line("PID", "STAT", "CONTAINER", "COMMAND"),
    ...rows.map((r) => line(String(r.pid), r.state || "?", containerLabel(r), truncate(r.command, commandMax))),
  ].join("\n");
}

/** The thread reply with what the seconds after a signal showed: a headline and its facts. */
export function renderAfterSignalView(request: SignalRequest, report: AfterSignalReport): MessageView {
  const icon =
    report.verdict === "healthy"
      ? ":large_green_circle:"
      : report.verdict === "unknown"
        ? ":grey_question:"
        : ":warning:";
  const head = `${icon} *After SIG${request.signal} to PID ${request.process.pid}:* ${escapeTruncate(report.headline, 600)}`;
  const facts = fitLines(
    report.facts.map((f) => `• ${escapeTruncate(f, 600)}`),
    2900,
    "facts",
  );
  const blocks: Block[] = [{ type: "section", text: mrkdwn(head) }];
  if (facts) blocks.push({ type: "context", elements: [mrkdwn(facts)] });
  return {
    text: `After SIG${request.signal} to PID ${request.process.pid}: ${truncate(report.headline, 500)}`,
    blocks,
  };
}

/** The thread reply of the automatic SIGCONT after a STOP: sent (and the process's state now), or why not. */
export function renderAutoContView(input: {
  request: SignalRequest;
  sent: boolean;
  /** What happened, already redacted. */
  message: string;
  /** Its janitor run stopped while sending it: it may or may not have been delivered. @default false */
  lost?: boolean;
}): MessageView {
  const r = input.request;
  const who = userMention(r.requester);
  const what = input.sent
    ? "SIGCONT sent automatically"
    : input.lost
      ? "The automatic SIGCONT may not have been sent"
      : "The automatic SIGCONT was not sent";
  const target = `to PID ${r.process.pid} ${codeSpan(r.process.command, 300)}`;
  const head = input.sent
    ? `:arrow_forward: ${who} *${what}* ${target}, ${delayText(r.autoCont?.afterMs ?? 0)} after the SIGSTOP.`
    : `:warning: ${who} *${what}* ${target}.`;
  return {
    text: `${what} to PID ${r.process.pid}: ${truncate(input.message, 500)}`,
    blocks: [{ type: "section", text: mrkdwn(`${head}\n${escapeTruncate(input.message, 2000)}`) }],
  };
}

/** The thread reply that tells the requester her request expired: nobody approved it in time. */
export function renderExpiryNote(request: SignalRequest): MessageView {
  const text = `${userMention(request.requester)} your request for SIG${request.signal} to PID ${request.process.pid} expired: nobody approved it in time, and nothing was sent. Run \`/pns ps\` again to ask anew.`;
  return {
    text: `Request for SIG${request.signal} to PID ${request.process.pid} expired; nothing was sent.`,
    blocks: [{ type: "context", elements: [mrkdwn(`:hourglass: ${text}`)] }],
  };
}
