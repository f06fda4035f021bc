/** The help of pns (`/pns help [topic]`). */

import type { Block, MessageView } from "./block-kit.js";
import { SlackLimits as L } from "./limits.js";
import { packedBlocks } from "./sections.js";
import { escapeMrkdwn, escapeTruncate, plain } from "./text.js";

/**
 * The help text as a message. `helpText` is mrkdwn written by pns; `&`, `<` and `>` are escaped anyway so usage
 * like `/pns ps <pod>` shows as written instead of becoming a broken link.
 */
export function renderHelpView(helpText: string, topic?: string): MessageView {
  const title = topic === undefined || topic.length === 0 ? "pns help" : `pns help: ${topic}`;
  const head: Block[] = [{ type: "header", text: plain(title, L.header) }];
  const lines = escapeMrkdwn(helpText.length === 0 ? "No help is written for this topic yet." : helpText).split("\n");
  const all = packedBlocks(
    head,
    lines,
    () => "The help is longer than a message; ask for one topic: `/pns help &lt;topic&gt;`.",
  );
  const firstLine = helpText.split("\n").find((l) => l.trim().length > 0) ?? "";
  return { text: escapeTruncate(`${title}: ${firstLine}`, 500), blocks: all };
}
