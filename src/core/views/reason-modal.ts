/** The modal asking why a signal is needed; its submission creates the signal request. */

import { AUTO_CONT_CHOICES, AUTO_CONT_DEFAULT_MS } from "../approval/auto-cont.js";
import type { PodRef } from "../model.js";
import type { RestartPolicy } from "../process/pod-summary.js";
import type { RuntimeKind } from "../process/runtime.js";
import { runtimeSignalSeverity, signalHint } from "../signal-catalogue.js";
import type { SignalName } from "../signals.js";
import { copyOnlyLine, severityLine } from "./approval-request-view.js";
import type { Block, ModalView } from "./block-kit.js";
import { ActionId, BlockId, CallbackId } from "./ids.js";
import { SlackLimits as L } from "./limits.js";
import { codeSpan, escapeTruncate, mrkdwn, plain } from "./text.js";

/** Shortest reason pns accepts (the modal's `min_length`, checked on submission too). */
export const REASON_MIN_LENGTH = 3;

/** Longest reason pns accepts. */
export const REASON_MAX_LENGTH = 500;

/** Input of {@link renderReasonModal}. */
export interface ReasonModalInput {
  listingId?: string;
  requestDraft: {
    pid: number;
    command: string;
    container: string | null;
    signal: SignalName;
    pod: PodRef;
    /** True for its container's main process; absent when unknown. */
    main?: boolean;
    /** The pod's restart policy; absent when unknown. */
    restartPolicy?: RestartPolicy | null;
    /** The runtime the process runs on; absent when unknown. */
    runtime?: RuntimeKind | null;
    /** The debug copy the process runs in (`--copy`), not the pod itself; absent or null for the pod's own. */
    copyPod?: string | null;
  };
  /** What the submission handler needs back (listing id, pid, signal, channel…), ≤ 3000 chars. */
  privateMetadata: string;
}

/** The reason modal; throws a RangeError when `privateMetadata` is over Slack's 3000 chars (a bug in the caller). */
export function renderReasonModal(input: ReasonModalInput): ModalView {
  if (input.privateMetadata.length > L.privateMetadata)
    throw new RangeError(`private_metadata is ${input.privateMetadata.length} chars (max ${L.privateMetadata})`);
  const d = input.requestDraft;
  const severity = runtimeSignalSeverity(d.signal, {
    pid: d.pid,
    main: d.main ?? null,
    container: d.container,
    restartPolicy: d.restartPolicy ?? null,
    runtime: d.runtime ?? null,
  });
  const copy = d.copyPod ?? null;
  const summary = [
    `*SIG${d.signal}* (${escapeTruncate(signalHint(d.signal, d.runtime), 200)})`,
    `to PID ${d.pid} ${codeSpan(d.command, 1000)}`,
    `in container ${escapeTruncate(d.container ?? "unknown", 200)} of ${escapeTruncate(`${d.pod.cluster} / ${d.pod.namespace} / ${copy ?? d.pod.pod}`, 600)}`,
    ...(copy ? [copyOnlyLine(copy, d.pod.pod)] : []),
  ].join("\n");
  return {
    type: "modal",
    callback_id: CallbackId.reasonModal,
    title: plain(`Request SIG${d.signal}`, L.modalTitle),
    submit: plain("Request approval", L.modalButton),
    close: plain("Cancel", L.modalButton),
    private_metadata: input.privateMetadata,
    blocks: [
      { type: "section", text: mrkdwn(summary) },
      { type: "section", text: mrkdwn(severityLine(severity)) },
      {
        type: "input",
        block_id: BlockId.reason,
        label: plain("Why is this signal needed?", L.inputLabel),
        element: {
          type: "plain_text_input",
          action_id: ActionId.reasonInput,
          multiline: true,
          min_length: REASON_MIN_LENGTH,
          max_length: REASON_MAX_LENGTH,
          placeholder: plain("e.g. reload nginx after the config change in INC-123", L.placeholder),
        },
        hint: plain("Shown to the approvers and kept in the audit trail.", L.inputLabel),
      },
      ...(d.signal === "STOP" ? [autoContInput()] : []),
      {
        type: "context",
        elements: [
          mrkdwn(
            "Nothing is sent yet: the request goes to the channel for approval, and the signal is sent only if the process is still the one listed.",
          ),
        ],
      },
    ],
  };
}

/** STOP only: the optional "Send CONT automatically after" select (default 5 min); its values are milliseconds. */
function autoContInput(): Block {
  const option = (c: { label: string; ms: number }) => ({ text: plain(c.label, 75), value: String(c.ms) });
  const initial = AUTO_CONT_CHOICES.find((c) => c.ms === AUTO_CONT_DEFAULT_MS) ?? AUTO_CONT_CHOICES[0]!;
  return {
    type: "input",
    block_id: BlockId.autoCont,
    optional: true,
    label: plain("Send CONT automatically after", L.inputLabel),
    element: {
      type: "static_select",
      action_id: ActionId.autoContSelect,
      options: AUTO_CONT_CHOICES.map(option),
      initial_option: option(initial),
    },
    hint: plain(
      "A stopped process does nothing until it gets SIGCONT; pns sends it once, if the process is still the one listed.",
      L.inputLabel,
    ),
  };
}
