/** Text helpers shared by the views: escaping for mrkdwn, truncation that says so, Slack dates. */

import type { Fingerprint } from "../process/types.js";
import type { Mrkdwn, PlainText } from "./block-kit.js";

/** The ellipsis appended to anything pns cut short. */
export const ELLIPSIS = "…";

/** Escapes the three characters Slack's mrkdwn treats as control characters, so `<!channel>` stays text. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Cuts `text` to at most `max` UTF-16 units, on a code point boundary, ending in "…" when it was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > max - ELLIPSIS.length) break;
    out += ch;
  }
  return out + ELLIPSIS;
}

/** Escapes for mrkdwn and cuts to `max` chars without splitting an entity (`&amp;`) or a code point. */
export function escapeTruncate(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let out = "";
  for (const ch of text) {
    const piece = escapeMrkdwn(ch);
    if (out.length + piece.length > max - ELLIPSIS.length) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

/** Puts user text in an inline code span it cannot leave: backticks become ˋ, line breaks become spaces. */
export function codeSpan(text: string, max = 200): string {
  const inner = escapeTruncate(text.replace(/`/g, "ˋ").replace(/[\r\n]+/g, " "), Math.max(2, max - 2));
  return `\`${inner.length === 0 ? " " : inner}\``;
}

/** A plain_text object, cut to `max`. */
export function plain(text: string, max: number): PlainText {
  return { type: "plain_text", text: truncate(text.length === 0 ? " " : text, max), emoji: true };
}

/** A mrkdwn object; `text` must already be escaped where user-controlled. */
export function mrkdwn(text: string): Mrkdwn {
  return { type: "mrkdwn", text };
}

/** A Slack date token shown in each reader's time zone, with a UTC fallback. */
export function slackDate(epochMs: number, format = "{date_short_pretty} {time}"): string {
  const seconds = Math.floor(epochMs / 1000);
  const fallback = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return `<!date^${seconds}^${format}|${fallback}>`;
}

/** A Slack user mention for a well-formed user ID, else the escaped text (cut to 80 chars). */
export function userMention(userId: string): string {
  return /^[UW][A-Z0-9]{2,20}$/.test(userId) ? `<@${userId}>` : escapeTruncate(userId, 80);
}

/** A fingerprint in a few characters: start ticks and the first 8 hex of the command line's hash. */
export function shortFingerprint(fp: Fingerprint): string {
  return `start ${fp.startTicks} · sha ${fp.cmdSha256.slice(0, 8)}`;
}

/** "1 process", "2 processes". */
export function plural(n: number, one: string, many = `${one}es`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** Size of blocks as Slack measures them for `msg_blocks_too_long` (JSON characters). */
export function jsonSize(value: unknown): number {
  return JSON.stringify(value).length;
}

/** Joins whole lines up to `max` chars, ending with "… and N more <what>" when some are left out. */
export function fitLines(lines: string[], max: number, what = "changes"): string {
  const out: string[] = [];
  let size = 0;
  for (const [i, line] of lines.entries()) {
    const more = `… and ${lines.length - i} more ${what}`;
    const fits = size + line.length + 1 <= max - (i === lines.length - 1 ? 0 : more.length + 1);
    if (!fits) {
      out.push(more);
      break;
    }
    out.push(line);
    size += line.length + 1;
  }
  return out.join("\n");
}
