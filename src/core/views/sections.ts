/** Packs mrkdwn lines into section blocks within the section and blocks-JSON limits. */

import type { Block } from "./block-kit.js";
import { BLOCKS_JSON_RESERVE, SlackLimits as L } from "./limits.js";
import { jsonSize, mrkdwn, truncate } from "./text.js";

/**
 * Sections holding as many whole `lines` as fit after `head` (blocks already in the message); returns them and the
 * number of lines placed. A single line longer than a section is cut, which is safe only for lines without markup
 * that a cut could break, so callers keep each line well under 3000 chars.
 */
export function packLines(
  head: Block[],
  lines: string[],
  maxBlocks = L.messageBlocks - 2,
): { blocks: Block[]; placed: number } {
  const sectionMax = L.sectionText - 100;
  const out: Block[] = [];
  let budget = L.blocksJson - BLOCKS_JSON_RESERVE - jsonSize(head);
  let current: string[] = [];
  let currentLen = 0;
  let placed = 0;
  const flush = () => {
    if (current.length === 0) return;
    out.push({ type: "section", text: mrkdwn(current.join("\n")) });
    current = [];
    currentLen = 0;
  };
  for (const raw of lines) {
    const line = truncate(raw, sectionMax);
    const cost = JSON.stringify(line).length + 1;
    if (budget - cost < 60) break;
    if (currentLen + line.length + 1 > sectionMax) {
      if (head.length + out.length + 1 >= maxBlocks) break;
      flush();
      budget -= 60; // the next section's own JSON
    }
    current.push(line);
    currentLen += line.length + 1;
    budget -= cost;
    placed += 1;
  }
  flush();
  return { blocks: out, placed };
}

/**
 * `head` followed by as many whole `lines` as fit, and, when some did not fit, a context line saying so
 * (`overflow(placed, total)`).
 */
export function packedBlocks(
  head: Block[],
  lines: string[],
  overflow: (placed: number, total: number) => string,
): Block[] {
  const { blocks, placed } = packLines(head, lines);
  const all: Block[] = [...head, ...blocks];
  if (placed < lines.length) all.push({ type: "context", elements: [mrkdwn(overflow(placed, lines.length))] });
  return all;
}
