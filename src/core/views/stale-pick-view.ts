/**
 * What pns says when a pick or a request names a process that a newer listing no longer shows: where the same
 * command runs now, with a button to request for it ("the nginx worker you picked is now PID 20…").
 */

import type { PodRef } from "../model.js";
import type { SignalName } from "../signals.js";
import { copyOnlyLine } from "./approval-request-view.js";
import type { Block, ButtonElement, MessageView } from "./block-kit.js";
import { ActionId, encodeFreshPickValue } from "./ids.js";
import { SlackLimits as L } from "./limits.js";
import { codeSpan, mrkdwn, plain, slackDate, userMention } from "./text.js";

/** A process of the newer listing that runs the same command line in the same container. */
export interface CurrentProcess {
  pid: number;
  command: string;
  container: string | null;
  /** ISO 8601; null when unknown. */
  startedAt: string | null;
}

/** Input of {@link renderStalePickView}. */
export interface StalePickInput {
  was: { pid: number; command: string; container: string | null };
  signal: SignalName;
  /** When the clicked table was taken, and when the newer listing was (epoch ms). */
  takenAt: number;
  latestAt: number;
  /** The newer listing's id: the buttons request from it. */
  listingId: string;
  current: CurrentProcess[];
}

/** At most this many "Request for PID …" buttons. */
const MAX_BUTTONS = 5;

function startedLine(p: CurrentProcess): string {
  const at = p.startedAt === null ? Number.NaN : Date.parse(p.startedAt);
  return Number.isFinite(at) ? `PID ${p.pid}, started ${slackDate(at, "{time}")}` : `PID ${p.pid}`;
}

/** Where the same command runs now, as mrkdwn: "the same command runs as PID 20, started 08:13". */
export function whereNow(current: CurrentProcess[], container: string | null): string {
  if (current.length === 0) {
    return `no process runs the same command in container ${codeSpan(container ?? "unknown", 100)} now.`;
  }
  const list = current.slice(0, MAX_BUTTONS).map(startedLine).join("; ");
  const more = current.length > MAX_BUTTONS ? ` and ${current.length - MAX_BUTTONS} more` : "";
  return `${current.length === 1 ? "it is now" : "the same command now runs as"} ${list}${more} (same command, same container).`;
}

/** The "Request SIGHUP for PID 20" buttons; none when nothing runs the command any more. */
function requestButtons(signal: SignalName, listingId: string, current: CurrentProcess[]): Block[] {
  if (current.length === 0) return [];
  const elements: ButtonElement[] = current.slice(0, MAX_BUTTONS).map((p) => ({
    type: "button",
    action_id: `${ActionId.requestFresh}.${p.pid}`,
    text: plain(`Request SIG${signal} for PID ${p.pid}`, L.buttonText),
    value: encodeFreshPickValue(listingId, p.pid, signal),
  }));
  return [{ type: "actions", elements }];
}

/** The private answer to a pick from a table older than pns's latest listing of the pod, when the process changed. */
export function renderStalePickView(input: StalePickInput): MessageView {
  const { was } = input;
  const head =
    `:hourglass: The process you picked, PID ${was.pid} ${codeSpan(was.command, 300)}, is gone: ` +
    `this table is from ${slackDate(input.takenAt, "{time}")}, and pns listed the pod again at ${slackDate(input.latestAt, "{time}")}: ` +
    whereNow(input.current, was.container);
  const hint =
    input.current.length === 0 ? "\nRun `/pns ps` again and pick from the new table." : "\nNothing was requested yet.";
  return {
    text: `PID ${was.pid} is gone since this table was taken.`,
    blocks: [
      { type: "section", text: mrkdwn(head + hint) },
      ...requestButtons(input.signal, input.listingId, input.current),
    ],
  };
}

/** The outcome recorded on a request marked gone: when pns looked, and where the same command runs now. */
export function goneOutcome(
  pid: number,
  listedAt: number,
  current: CurrentProcess[],
  container: string | null,
): string {
  return `pns listed the pod at ${slackDate(listedAt, "{time}")}: PID ${pid} had exited; ${whereNow(current, container)}`;
}

/** Input of {@link renderTargetGoneNote}. */
export interface TargetGoneInput {
  requester: string;
  was: { pid: number; command: string; container: string | null };
  signal: SignalName;
  listingId: string;
  current: CurrentProcess[];
}

/** The note in a request's thread when its process exited while it waited: the requester mentioned, a way on. */
export function renderTargetGoneNote(input: TargetGoneInput): MessageView {
  const text =
    `${userMention(input.requester)} PID ${input.was.pid} ${codeSpan(input.was.command, 300)} exited before anyone approved ` +
    `SIG${input.signal}, so nothing was sent; ${whereNow(input.current, input.was.container)}`;
  return {
    text: `PID ${input.was.pid} exited before the request was approved; nothing was sent.`,
    blocks: [{ type: "section", text: mrkdwn(text) }, ...requestButtons(input.signal, input.listingId, input.current)],
  };
}

/** Input of {@link renderGiveReasonView}. */
export interface GiveReasonInput {
  pid: number;
  command: string;
  container: string | null;
  signal: SignalName;
  pod: PodRef;
  listingId: string;
  /** The debug copy the process runs in (`--copy`), not the pod itself; absent or null for the pod's own. */
  copyPod?: string | null;
}

/** A typed `/pns signal` without a reason, checked against a fresh listing: what it targets, and a button for the reason. */
export function renderGiveReasonView(input: GiveReasonInput): MessageView {
  const copy = input.copyPod ?? null;
  const where = `${input.pod.namespace}/${copy ?? input.pod.pod}`;
  const text =
    `SIG${input.signal} to PID ${input.pid} ${codeSpan(input.command, 300)} in container ` +
    `${codeSpan(input.container ?? "unknown", 100)} of ${codeSpan(where, 300)}: say why, and the request is posted for approval.` +
    (copy ? `\n${copyOnlyLine(copy, input.pod.pod)}` : "");
  return {
    text: `SIG${input.signal} to PID ${input.pid}: give a reason to request it.`,
    blocks: [
      { type: "section", text: mrkdwn(text) },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            action_id: `${ActionId.requestFresh}.${input.pid}`,
            text: plain("Give a reason…", L.buttonText),
            style: "primary",
            value: encodeFreshPickValue(input.listingId, input.pid, input.signal),
          },
        ],
      },
    ],
  };
}
