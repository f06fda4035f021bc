/** The audit trail (`/pns audit`): who did what to which pod, newest first. */

import type { AuditEntry } from "../approval/types.js";
import type { Block, MessageView } from "./block-kit.js";
import { SlackLimits as L } from "./limits.js";
import { packedBlocks } from "./sections.js";
import { escapeTruncate, escapeTruncateWords, mrkdwn, plain, plural, slackDate, userMention } from "./text.js";

const OUTCOME_MARKS: Record<AuditEntry["outcome"], string> = {
  ok: ":white_check_mark:",
  refused: ":no_entry:",
  failed: ":x:",
  pending: ":hourglass_flowing_sand:",
};

/** The audit entries as a list, newest first, cut to what a message holds. */
export function renderAuditView(entries: AuditEntry[]): MessageView {
  const head: Block[] = [{ type: "header", text: plain("pns audit trail", L.header) }];
  if (entries.length === 0) {
    head.push({ type: "section", text: mrkdwn("No audit entries match.") });
    return { text: "No pns audit entries match.", blocks: head };
  }
  const lines = [...entries]
    .sort((a, b) => b.at - a.at)
    .map((e) => {
      const actor = e.actor === "pns" ? "pns" : userMention(e.actor);
      const where = [e.cluster, e.namespace, e.pod].filter((x): x is string => x !== null).join(" / ");
      return `${OUTCOME_MARKS[e.outcome]} ${slackDate(e.at, "{date_num} {time_secs}")} ${actor} *${e.action}*${where.length > 0 ? ` on ${escapeTruncate(where, 300)}` : ""}: ${escapeTruncateWords(e.detail, 600)} (${e.outcome})`;
    });
  const all = packedBlocks(
    head,
    lines,
    (placed, total) =>
      `Showing the newest ${placed} of ${plural(total, "entry", "entries")}; narrow the query to see older ones.`,
  );
  return { text: `pns audit trail: ${plural(entries.length, "entry", "entries")}.`, blocks: all };
}
