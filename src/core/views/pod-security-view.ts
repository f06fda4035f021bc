/**
 * What pns says when Pod Security refuses its debug container: one sentence (the level, the fields, the profile
 * tried), a button to retry this one command with a profile the namespace admits when one serves it, and the
 * configuration key a pns admin changes.
 */

import {
  adminFix,
  type DebugAction,
  type PodSecurityAdvice,
  podSecuritySentence,
  retryNote,
} from "../pod-security/refusal.js";
import type { Block, MessageView } from "./block-kit.js";
import { ActionId, BlockId } from "./ids.js";
import { cutMrkdwn, mrkdwn, plain, safeMrkdwn } from "./text.js";

/** Input of {@link renderPodSecurityView}. */
export interface PodSecurityViewInput {
  advice: PodSecurityAdvice;
  namespace: string;
  action: DebugAction;
  /** The retry button's value (`encodeRetryValue`); null: no button (none serves, or the command is too long). */
  retryValue: string | null;
}

/** The refusal as a message for the asker. */
export function renderPodSecurityView(input: PodSecurityViewInput): MessageView {
  const { advice, namespace, action } = input;
  const sentence = podSecuritySentence(advice, namespace);
  const blocks: Block[] = [{ type: "section", text: mrkdwn(`:no_entry: ${cutMrkdwn(safeMrkdwn(sentence), 2800)}`) }];
  const retry = advice.retry !== null && input.retryValue !== null ? advice.retry : null;
  if (retry !== null && input.retryValue !== null) {
    const note = retryNote(retry, action);
    blocks.push({
      type: "section",
      text: mrkdwn(
        `The \`${retry}\` profile passes \`${advice.level}\`${note ? `: it ${note}` : ""}. The retry is for this command only.`,
      ),
    });
    blocks.push({
      type: "actions",
      block_id: BlockId.retryProfile,
      elements: [
        {
          type: "button",
          action_id: ActionId.retryProfile,
          text: plain(`Retry with the ${retry} profile`, 75),
          value: input.retryValue,
          style: "primary",
        },
      ],
    });
  } else if (advice.podContainers.length === 0) {
    const why =
      action === "read"
        ? `No debug profile that \`${advice.level}\` admits may read another uid's files (that needs SYS_PTRACE, which only \`general\` adds).`
        : `No other debug profile pns has passes \`${advice.level}\`.`;
    blocks.push({ type: "section", text: mrkdwn(safeMrkdwn(why)) });
  }
  const fix = adminFix(advice, namespace);
  blocks.push({ type: "context", elements: [mrkdwn(safeMrkdwn(fix))] });
  const text = `pns: ${cutMrkdwn(safeMrkdwn(sentence), 1000)}`;
  return { text, blocks };
}
