/** The modal an approver confirms Approve in, or gives Deny's optional reason in: opened only after pns's checks. */

import type { SignalRequest } from "../approval/types.js";
import { confirmText, copyName, isCopy, requestSeverity, severityLine } from "./approval-request-view.js";
import type { MessageView, ModalView } from "./block-kit.js";
import { ActionId, BlockId, CallbackId } from "./ids.js";
import { SlackLimits as L } from "./limits.js";
import { codeSpan, escapeTruncate, mrkdwn, plain, userMention } from "./text.js";

/** Longest denial reason pns accepts. */
export const DENIAL_REASON_MAX_LENGTH = 500;

/** The confirmation of Approve, or Deny with an optional reason; throws a RangeError on over-long metadata. */
export function renderDecisionModal(
  request: SignalRequest,
  action: "approve" | "deny",
  privateMetadata: string,
): ModalView {
  if (privateMetadata.length > L.privateMetadata)
    throw new RangeError(`private_metadata is ${privateMetadata.length} chars (max ${L.privateMetadata})`);
  const r = request;
  const signal = `SIG${r.signal}`;
  const target = [
    `*${signal}* to PID ${r.process.pid} ${codeSpan(r.process.command, 1000)}`,
    `in container ${escapeTruncate(r.process.container ?? "unknown", 200)} of ${escapeTruncate(isCopy(r) ? `${r.target.namespace}/${copyName(r)}` : `${r.target.namespace}/${r.target.pod}`, 600)}`,
    `requested by ${userMention(r.requester)}: ${escapeTruncate(r.reason, 1000)}`,
  ].join("\n");
  const blocks: ModalView["blocks"] = [
    { type: "section", text: mrkdwn(target) },
    { type: "section", text: mrkdwn(severityLine(requestSeverity(r))) },
  ];
  if (action === "approve") {
    blocks.push({ type: "context", elements: [mrkdwn(escapeTruncate(confirmText(r, requestSeverity(r)), 1000))] });
  } else {
    blocks.push({
      type: "input",
      block_id: BlockId.denyReason,
      optional: true,
      label: plain("Why not? (optional)", L.inputLabel),
      element: {
        type: "plain_text_input",
        action_id: ActionId.denyReasonInput,
        multiline: true,
        max_length: DENIAL_REASON_MAX_LENGTH,
        placeholder: plain("e.g. wait for the deploy to finish first", L.placeholder),
      },
      hint: plain("Shown to the requester and on the request.", L.inputLabel),
    });
  }
  return {
    type: "modal",
    callback_id: CallbackId.decisionModal,
    title: plain(action === "approve" ? `Approve ${signal}?` : `Deny ${signal}?`, L.modalTitle),
    submit: plain(action === "approve" ? `Approve ${signal}` : "Deny", L.modalButton),
    close: plain("Back", L.modalButton),
    private_metadata: privateMetadata,
    blocks,
  };
}

/** The note in a denied request's thread: the requester mentioned, who denied it and why. */
export function renderDenialNote(request: SignalRequest): MessageView {
  const who = request.decidedBy === null ? "someone" : userMention(request.decidedBy);
  const why = request.denialReason ? `: ${escapeTruncate(request.denialReason, 1000)}` : " (no reason given).";
  return {
    text: `SIG${request.signal} to PID ${request.process.pid} was denied; nothing was sent.`,
    blocks: [
      {
        type: "section",
        text: mrkdwn(
          `${userMention(request.requester)} your SIG${request.signal} to PID ${request.process.pid} was denied by ${who}${why}`,
        ),
      },
    ],
  };
}
