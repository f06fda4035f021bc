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

/**
 * Cuts `text` to at most `max` UTF-16 units at the last whitespace that keeps at least half of it, ending in "…";
 * a single word longer than that is cut on a code point boundary.
 */
export function truncateWords(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = max - ELLIPSIS.length;
  let end = room;
  while (end > 0 && !/\s/.test(text[end] ?? "")) end--;
  if (end < room / 2) return truncate(text, max);
  return text.slice(0, end).trimEnd() + ELLIPSIS;
}

/** {@link truncateWords}, then escaped for mrkdwn, within `max` chars once escaped. */
export function escapeTruncateWords(text: string, max: number): string {
  let budget = max;
  let out = escapeMrkdwn(truncateWords(text, budget));
  while (out.length > max && budget > 1) {
    budget -= Math.max(1, out.length - max);
    out = escapeMrkdwn(truncateWords(text, budget));
  }
  return out.length > max ? escapeTruncate(text, max) : out;
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

/** Slack tokens pns itself builds: user and user-group mentions, channel links and dates (`slackDate`). */
const USER_TOKEN = /^<@[UW][A-Z0-9]{2,20}>$/;
const GROUP_TOKEN = /^<!subteam\^S[A-Z0-9]{2,20}(?:\|@[^<>&|]{1,80})?>$/;
const DATE_TOKEN = /^<!date\^\d{1,12}\^[^<>&|]{1,100}\|[^<>&|]{1,100}>$/;
const ENTITY = /^&(?:amp|lt|gt);/;

/**
 * Mrkdwn that pns built, made safe to show: pns's own tokens stay tokens (dates always; user and group mentions
 * when `mentions`), and every other `<`, `>` and bare `&` is escaped, so `<!channel>`, links and special mentions in
 * text that slipped in unescaped show as text (api.slack.com/reference/surfaces/formatting#escaping).
 */
export function safeMrkdwn(text: string, options: { mentions?: boolean } = {}): string {
  const mentions = options.mentions ?? true;
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "<") {
      const close = text.indexOf(">", i);
      const token = close < 0 ? "" : text.slice(i, close + 1);
      if (
        token.length > 0 &&
        (DATE_TOKEN.test(token) || (mentions && (USER_TOKEN.test(token) || GROUP_TOKEN.test(token))))
      ) {
        out += token;
        i = close + 1;
        continue;
      }
      out += "&lt;";
    } else if (c === ">") out += "&gt;";
    else if (c === "&") out += ENTITY.test(text.slice(i, i + 5)) ? "&" : "&amp;";
    else out += c;
    i++;
  }
  return out;
}

/** A process's age in a few characters: `45s`, `12m`, `3h5m`, `2d3h`; `-` when unknown. */
export function formatAge(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return "-";
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600)}h`;
}

/** A size in KiB as ps-like short text: `812K`, `5.2M`, `1.3G`; `-` when unknown. */
export function formatKib(kib: number | null): string {
  if (kib === null || !Number.isFinite(kib) || kib < 0) return "-";
  if (kib < 1024) return `${Math.round(kib)}K`;
  const units = ["M", "G", "T"];
  let v = kib / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)}${units[u]}`;
}

/** A percentage as top shows it: one decimal under 10 (`0.5`), whole above (`57`); `-` when unknown. */
export function formatPercent(p: number | null): string {
  if (p === null || !Number.isFinite(p) || p < 0) return "-";
  return p < 10 ? p.toFixed(1) : String(Math.round(p));
}

/** Cuts mrkdwn to `max` chars before a token or entity it would split, ending with "…". */
export function cutMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - ELLIPSIS.length;
  const open = text.lastIndexOf("<", end);
  if (open >= 0 && text.indexOf(">", open) >= end) end = open;
  const amp = text.lastIndexOf("&", end);
  if (amp >= 0 && amp > end - 5 && text.indexOf(";", amp) >= end) end = amp;
  return text.slice(0, end) + ELLIPSIS;
}
