/** The one way pns shows an error: what happened, what to do next, and a reference id for internal errors. */

import type { Block, MessageView } from "./block-kit.js";
import { codeSpan, escapeTruncate, mrkdwn } from "./text.js";

/** Input of {@link renderErrorView}. */
export interface ErrorViewInput {
  /** What happened (a PnsError's userMessage). */
  message: string;
  /** What to do next. */
  hint?: string;
  /** The command's usage, shown as code. */
  usage?: string;
  /** Reference id of an internal error, as logged with its cause. */
  reference?: string;
}

/** The error message. */
export function renderErrorView(input: ErrorViewInput): MessageView {
  const blocks: Block[] = [{ type: "section", text: mrkdwn(`:warning: ${escapeTruncate(input.message, 2900)}`) }];
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
  const text = `pns: ${escapeTruncate(input.message, 1000)}${input.hint === undefined ? "" : ` ${escapeTruncate(input.hint, 500)}`}`;
  return { text, blocks };
}
