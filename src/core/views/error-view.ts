/** The one way pns shows an error: what happened, what to do next, and a reference id for internal errors. */

import type { Block, MessageView } from "./block-kit.js";
import { codeSpan, cutMrkdwn, escapeTruncate, mrkdwn, safeMrkdwn } from "./text.js";

/**
 * Input of {@link renderErrorView}: what happened, either as text (`message`) or as mrkdwn pns built (`mrkdwn`),
 * or both (the mrkdwn first).
 */
export interface ErrorViewInput {
  /** What happened, as plain text that may hold user- or pod-controlled parts: escaped, shown as typed. */
  message?: string;
  /**
   * What happened, as mrkdwn pns built (a refusal naming approvers and times): its mentions, user groups and dates
   * stay tokens; any other `<…>` (`<!channel>`, a link) and bare `&` are escaped all the same.
   */
  mrkdwn?: string;
  /** What to do next, as plain text (escaped). */
  hint?: string;
  /** The command's usage, shown as code. */
  usage?: string;
  /** Reference id of an internal error, as logged with its cause. */
  reference?: string;
}

/** The error message. */
export function renderErrorView(input: ErrorViewInput): MessageView {
  const parts: string[] = [];
  if (input.mrkdwn !== undefined && input.mrkdwn.length > 0) parts.push(cutMrkdwn(safeMrkdwn(input.mrkdwn), 1800));
  if (input.message !== undefined && input.message.length > 0)
    parts.push(escapeTruncate(input.message, parts.length > 0 ? 1000 : 2900));
  if (parts.length === 0) parts.push("Something went wrong.");
  const blocks: Block[] = [{ type: "section", text: mrkdwn(`:warning: ${parts.join(" ")}`) }];
  if (input.hint !== undefined && input.hint.length > 0)
    blocks.push({ type: "section", text: mrkdwn(`*What to do:* ${escapeTruncate(input.hint, 2800)}`) });
  if (input.usage !== undefined && input.usage.length > 0)
    blocks.push({
      type: "rich_text",
      elements: [
        { type: "rich_text_section", elements: [{ type: "text", text: "Usage", style: { bold: true } }] },
        { type: "rich_text_preformatted", elements: [{ type: "text", text: input.usage.slice(0, 2900) }] },
      ],
    });
  if (input.reference !== undefined && input.reference.length > 0)
    blocks.push({
      type: "context",
      elements: [
        mrkdwn(`Reference ${codeSpan(input.reference, 100)}: give it to whoever runs pns so they can find the log.`),
      ],
    });
  // The notification text is read as mrkdwn too: the same parts, cut shorter.
  const head = cutMrkdwn(parts.join(" "), 1000);
  const text = `pns: ${head}${input.hint === undefined ? "" : ` ${escapeTruncate(input.hint, 500)}`}`;
  return { text, blocks };
}
