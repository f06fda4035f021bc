/** A file read from another container through /proc/PID/root, shown as preformatted text. */

import type { PodRef } from "../model.js";
import type { Block, MessageView } from "./block-kit.js";
import { BLOCKS_JSON_RESERVE, SlackLimits as L } from "./limits.js";
import { codeSpan, ELLIPSIS, escapeTruncate, jsonSize, mrkdwn, plain, plural } from "./text.js";

/** Input of {@link renderFileView}. */
export interface FileViewInput {
  pod: PodRef;
  pid: number;
  container: string | null;
  path: string;
  /** The file read once symbolic links are resolved, when it is not `path`. */
  resolvedPath?: string;
  /** The file's text, already redacted. */
  content: string;
  /** Bytes read. */
  bytes: number;
  /** True when the file is longer than what was read. */
  truncated: boolean;
  /** True when the content is not text; it is then not shown. */
  binary: boolean;
  /** Lines in `content`. */
  lines: number;
}

/** The message showing a file of a container. */
export function renderFileView(input: FileViewInput): MessageView {
  const { pod, path } = input;
  const container = input.container ?? "unknown container";
  const linked =
    input.resolvedPath !== undefined && input.resolvedPath !== path
      ? ` · a link to ${escapeTruncate(input.resolvedPath, 300)}`
      : "";
  const blocks: Block[] = [
    { type: "header", text: plain(path, L.header) },
    {
      type: "context",
      elements: [
        mrkdwn(
          `${escapeTruncate(`${pod.cluster} / ${pod.namespace} / ${pod.pod}`, 600)} · container ${escapeTruncate(container, 200)} · read as PID ${input.pid} sees it${linked} · ${plural(input.bytes, "byte", "bytes")}, ${plural(input.lines, "line", "lines")}${input.truncated ? " (the file is longer: only its start was read)" : ""}`,
        ),
      ],
    },
  ];
  const notes: string[] = [];
  if (input.binary) {
    notes.push("This file is not text, so it is not shown.");
  } else if (input.content.length === 0) {
    notes.push("The file is empty.");
  } else {
    const budget = L.blocksJson - BLOCKS_JSON_RESERVE - jsonSize(blocks);
    const { text, shownLines } = fitContent(input.content, budget);
    blocks.push({
      type: "rich_text",
      elements: [{ type: "rich_text_preformatted", elements: [{ type: "text", text }] }],
    });
    if (shownLines < input.lines || text.endsWith(ELLIPSIS))
      notes.push(`Showing the first ${plural(shownLines, "line", "lines")} of ${input.lines.toLocaleString("en-US")}.`);
  }
  if (notes.length > 0) blocks.push({ type: "context", elements: [mrkdwn(notes.join(" "))] });
  const text = `${codeSpan(path, 500)} from container ${escapeTruncate(container, 200)} of pod ${escapeTruncate(`${pod.namespace}/${pod.pod}`, 300)}: ${input.binary ? "binary, not shown" : plural(input.lines, "line", "lines")}.`;
  return { text, blocks };
}

/** The longest prefix of whole lines whose JSON fits `budget`; a single over-long first line is cut with "…". */
function fitContent(content: string, budget: number): { text: string; shownLines: number } {
  const lines = content.split("\n");
  let size = 2;
  let taken = 0;
  for (const line of lines) {
    const cost = JSON.stringify(line).length; // the escaped line plus its newline
    if (size + cost > budget) break;
    size += cost;
    taken += 1;
  }
  if (taken === 0) {
    let text = "";
    let used = 2 + ELLIPSIS.length;
    for (const ch of lines[0] ?? "") {
      used += JSON.stringify(ch).length - 2;
      if (used > budget) break;
      text += ch;
    }
    return { text: text + ELLIPSIS, shownLines: 0 };
  }
  const text = lines.slice(0, taken).join("\n");
  return { text: text.length === 0 ? " " : text, shownLines: taken };
}
