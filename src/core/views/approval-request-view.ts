/**
 * The approval message of a signal request and its later forms: pending (with Approve / Deny / Cancel), then
 * approved or executing, done or failed, denied, cancelled, expired — with the buttons gone and the decision shown.
 */

import { describeApprovers } from "../approval/approvers.js";
import { autoContLine } from "../approval/auto-cont.js";
import type { RequestState, SignalRequest } from "../approval/types.js";
import { RUNTIME_LABELS } from "../process/runtime.js";
import type { SignalSeverity } from "../process/severity.js";
import { runtimeSignalSeverity, signalHint } from "../signal-catalogue.js";
import type { Block, ContextBlock, MessageView, SectionBlock } from "./block-kit.js";
import { ActionId, encodeRequestBlockId, encodeRequestValue } from "./ids.js";
import { SlackLimits as L } from "./limits.js";
import {
  codeSpan,
  cutMrkdwn,
  escapeTruncate,
  mrkdwn,
  plain,
  safeMrkdwn,
  shortFingerprint,
  slackDate,
  truncate,
  userMention,
} from "./text.js";

/** Options of {@link renderApprovalRequestView}. */
export interface ApprovalViewOptions {
  /** Epoch milliseconds. */
  now: number;
}

const RISK_LABELS: Record<SignalSeverity["level"], string> = {
  high: ":rotating_light: *High risk*",
  medium: ":warning: *Medium risk*",
  low: ":information_source: *Low risk*",
};

/** The risk of a request's signal for its process, from what the request recorded about it. */
export function requestSeverity(r: SignalRequest): SignalSeverity {
  return runtimeSignalSeverity(r.signal, {
    pid: r.process.pid,
    main: r.process.main ?? null,
    container: r.process.container,
    restartPolicy: r.target.restartPolicy ?? null,
    runtime: r.process.runtime ?? null,
  });
}

/** "High risk: SIGKILL ends the process at once…", as mrkdwn (the consequence escaped). */
export function severityLine(s: SignalSeverity): string {
  return `${RISK_LABELS[s.level]}: ${escapeTruncate(s.consequence, 600)}`;
}

const STATE_TITLES: Record<RequestState, string> = {
  pending: "Signal request: waiting for approval",
  approved: "Signal request: approved",
  executing: "Signal request: approved, sending",
  done: "Signal request: sent",
  failed: "Signal request: failed",
  denied: "Signal request: denied",
  cancelled: "Signal request: cancelled",
  expired: "Signal request: expired",
  gone: "Signal request: target gone",
};

/** The approval message of `request` in its current state. */
export function renderApprovalRequestView(request: SignalRequest, options: ApprovalViewOptions): MessageView {
  const r = request;
  const t = r.target;
  const signal = `SIG${r.signal}`;
  const severity = requestSeverity(r);
  const title = STATE_TITLES[r.state];
  const blocks: Block[] = [{ type: "header", text: plain(title, L.header) }];
  const fields: SectionBlock["fields"] = [
    mrkdwn(`*Requested by*\n${userMention(r.requester)} ${slackDate(r.createdAt, "{time}")}`),
    mrkdwn(`*Signal*\n*${signal}*: ${escapeTruncate(signalHint(r.signal, r.process.runtime), 200)}`),
    mrkdwn(
      isCopy(r)
        ? `*Pod*\n${escapeTruncate(`${t.cluster} / ${t.namespace} / ${copyName(r)}`, 600)}`
        : `*Pod*\n${escapeTruncate(`${t.cluster} / ${t.namespace} / ${t.pod}`, 600)}`,
    ),
    mrkdwn(
      `*Container*\n${escapeTruncate(r.process.container ?? "unknown", 300)} (user ${escapeTruncate(r.process.user, 100)})`,
    ),
    mrkdwn(
      `*Process*\nPID ${r.process.pid} ${codeSpan(r.process.command, 1500)}${r.process.runtime ? ` (${RUNTIME_LABELS[r.process.runtime]})` : ""}`,
    ),
    mrkdwn(`*Fingerprint*\nPID ${r.fingerprint.pid} · ${escapeTruncate(shortFingerprint(r.fingerprint), 200)}`),
  ];
  blocks.push({ type: "section", fields });
  if (isCopy(r)) blocks.push({ type: "section", text: mrkdwn(copyLine(r)) });
  blocks.push({ type: "section", text: mrkdwn(severityLine(severity)) });
  blocks.push({
    type: "section",
    text: mrkdwn(`*Reason*\n${quote(escapeTruncate(r.reason.length > 0 ? r.reason : "(none given)", 2800))}`),
  });
  const supporters = r.supporters ?? [];
  if (supporters.length > 0) {
    // Merged duplicates: one card, everyone who asked named on it, each with their reason.
    const lines = supporters
      .slice(0, 10)
      .map((s) => `${userMention(s.user)} ${slackDate(s.at, "{time}")}: ${escapeTruncate(s.reason, 200)}`);
    const more = supporters.length > 10 ? `\n…and ${supporters.length - 10} more` : "";
    blocks.push({ type: "section", text: mrkdwn(`*Also asked for by*\n${lines.join("\n")}${more}`) });
  }

  const status = statusLine(r, options);
  blocks.push({ type: "section", text: mrkdwn(status) });
  const cont = autoContLine(r, options.now);
  if (cont) blocks.push({ type: "section", text: mrkdwn(cont) });

  if (r.state === "pending") {
    blocks.push({
      type: "actions",
      block_id: encodeRequestBlockId(r.id),
      elements: [
        {
          type: "button",
          action_id: ActionId.signalApprove,
          text: plain("Approve", L.buttonText),
          style: severity.style,
          // No Slack confirm here: pns checks the click first (the requester is told at once she can't approve),
          // then asks an approver to confirm in a modal (renderDecisionModal): one confirmation, after the checks.
          value: encodeRequestValue(r.id),
        },
        {
          type: "button",
          action_id: ActionId.signalDeny,
          text: plain("Deny", L.buttonText),
          style: "danger",
          value: encodeRequestValue(r.id),
        },
        {
          type: "button",
          action_id: ActionId.signalCancel,
          text: plain("Cancel", L.buttonText),
          value: encodeRequestValue(r.id),
        },
      ],
    });
  }
  const context: ContextBlock = {
    type: "context",
    elements: [mrkdwn(`Request \`${escapeTruncate(r.id, 80)}\``)],
  };
  blocks.push(context);

  const text = `${title}: ${signal} to PID ${r.process.pid} (${escapeTruncate(r.process.command, 200)}) in ${escapeTruncate(isCopy(r) ? `${t.namespace}/${t.debugPod} (debug copy of pod ${t.pod})` : `${t.namespace}/${t.pod}`, 300)}, requested by ${userMention(r.requester)}.`;
  return { text, blocks };
}

/** True when the request's process lives in a debug copy, not in the pod it was copied from. */
export function isCopy(r: SignalRequest): boolean {
  return r.target.debugPod !== r.target.pod;
}

/** "debug copy nginx-pns-ab12 of pod nginx": what a request to a copy's process targets, in every view. */
export function copyName(r: SignalRequest): string {
  return debugCopyName(r.target.debugPod, r.target.pod);
}

/** "debug copy nginx-pns-ab12 of pod nginx". */
function debugCopyName(copy: string, pod: string): string {
  return `debug copy ${copy} of pod ${pod}`;
}

/** The line every view of a copy's request carries: the signal reaches the copy, never the live pod. */
export function copyLine(r: SignalRequest): string {
  return copyOnlyLine(r.target.debugPod, r.target.pod);
}

/**
 * The line every view of a signal to a copy's process carries, from the pick on (the reason modal, the request, the
 * result): the signal reaches the copy, never the live pod.
 */
export function copyOnlyLine(copy: string, pod: string): string {
  return `:busts_in_silhouette: *This process runs in ${escapeTruncate(debugCopyName(copy, pod), 400)}*: the signal reaches the copy only, never the live pod ${escapeTruncate(pod, 300)}.`;
}

/** The confirmation's text: the consequence first (it is what the approver decides on), then the target. */
export function confirmText(r: SignalRequest, severity: SignalSeverity): string {
  const where = isCopy(r)
    ? `${r.target.namespace}/${r.target.debugPod} (a debug copy; not the live pod ${r.target.pod})`
    : `${r.target.namespace}/${r.target.pod}`;
  const target = `PID ${r.process.pid} (${truncate(r.process.command, 80)}) in ${where}`;
  const rest = ` To ${target}, only if it is still the same process.`;
  return truncate(severity.consequence, L.confirmText - Math.min(rest.length, 150)) + truncate(rest, 150);
}

function quote(text: string): string {
  return text
    .split("\n")
    .map((l) => `>${l}`)
    .join("\n");
}

function decision(r: SignalRequest): string {
  const who = r.decidedBy === null ? "someone" : userMention(r.decidedBy);
  const when = r.decidedAt === null ? "" : ` at ${slackDate(r.decidedAt)}`;
  return `${who}${when}`;
}

function statusLine(r: SignalRequest, o: ApprovalViewOptions): string {
  const signal = `SIG${r.signal}`;
  // The outcome is pns's text, holding dates and, quoted, what the kernel or cluster said: dates stay tokens, no
  // mention survives.
  const outcome = r.outcome === null ? "" : `\n${cutMrkdwn(safeMrkdwn(r.outcome, { mentions: false }), 1500)}`;
  switch (r.state) {
    case "pending": {
      const left = Math.max(0, r.expiresAt - o.now);
      const mins = Math.ceil(left / 60_000);
      const who = describeApprovers(r);
      const named = who.length <= 1000 ? who : "the approvers the pns policy names";
      return `:hourglass_flowing_sand: *Waiting for approval* by ${named}. Expires ${slackDate(r.expiresAt)} (in ${mins} min) if nobody decides.`;
    }
    case "approved":
    case "executing":
      return `:white_check_mark: *Approved* by ${decision(r)}, sending ${signal}…`;
    case "done":
      return `:white_check_mark: *Sent* ${signal} to PID ${r.process.pid}. Approved by ${decision(r)}.${outcome}`;
    case "failed":
      return `:x: *Failed* to send ${signal} to PID ${r.process.pid}. Approved by ${decision(r)}.${outcome}`;
    case "denied": {
      const why = r.denialReason ? `\n*Why:* ${escapeTruncate(r.denialReason, 1000)}` : "";
      return `:no_entry: *Denied* by ${decision(r)}. Nothing was sent.${why}`;
    }
    case "gone":
      return `:ghost: *Target gone*: PID ${r.process.pid} is no longer the process that was requested, so nothing was sent.${outcome}`;
    case "cancelled":
      return `:heavy_minus_sign: *Cancelled* by ${decision(r)}. Nothing was sent.`;
    case "expired":
      return `:alarm_clock: *Expired* ${slackDate(r.expiresAt)} without a decision. Nothing was sent.`;
  }
}
