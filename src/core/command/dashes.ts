/**
 * Undoes what autocorrect does to flags. macOS and iOS "smart dashes" turn a typed `--` (and `---`) into an em dash
 * `—`, some versions and word processors into an en dash `–`, and copy and paste from documents brings minus signs
 * and non-breaking hyphens; so a dash look-alike at the start of a word stands for `-` or `--`, whichever the rest of
 * the word makes a flag or a signal: `–n` → `-n`, `—copy` → `--copy`, `—HUP` → `-HUP`, `–9` → `-9`.
 */
import { lookupSignal } from "../signals.js";
import { DASHES } from "./format-command.js";
import { closest } from "./suggest.js";
import type { Token } from "./tokenize.js";

const LEADING_DASHES = new RegExp(`^([${DASHES}]+)([^]*)$`);
const LOOKALIKE = new RegExp(`[${DASHES.slice(1)}]`);

/** The flags a dash may introduce: long names with `--`, short letters without `-`. */
export interface FlagNames {
  long: readonly string[];
  short: readonly string[];
}

/** True for an unquoted word that starts with a dash of any kind and has more after it. */
export function looksLikeFlag(tok: Token | undefined): boolean {
  return (
    tok !== undefined && !tok.quoted && tok.mention === null && tok.value.length > 1 && LEADING_DASHES.test(tok.value)
  );
}

function dashesFor(body: string, names: FlagNames): "-" | "--" {
  const name = (body.split("=")[0] ?? "").toLowerCase();
  if (names.long.includes(name)) return "--";
  if (/^\d/.test(body) || lookupSignal(body).kind !== "unknown" || name.length === 1) return "-";
  if (closest(name, names.long)) return "--";
  // `–nshop` is `-n shop` written together, as kubectl allows.
  return names.short.includes(body[0]!.toLowerCase()) ? "-" : "--";
}

/**
 * Rewrites dash look-alikes at the start of unquoted words, up to the end of flags (`--`). A lone look-alike is `--`
 * (end of flags) when a flag-like word follows it, as in `HUP — -n is not a flag`, else a word of prose.
 */
export function normalizeDashes(tokens: readonly Token[], names: FlagNames): Token[] {
  const out: Token[] = [];
  let endOfFlags = false;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const m = LEADING_DASHES.exec(tok.value);
    if (endOfFlags || tok.quoted || tok.mention !== null || !m || !LOOKALIKE.test(m[1]!)) {
      if (!endOfFlags && !tok.quoted && tok.value === "--") endOfFlags = true;
      out.push(tok);
      continue;
    }
    const body = m[2]!;
    if (body === "") {
      if (looksLikeFlag(tokens[i + 1])) {
        endOfFlags = true;
        out.push({ ...tok, value: "--" });
      } else {
        out.push(tok);
      }
      continue;
    }
    out.push({ ...tok, value: dashesFor(body, names) + body });
  }
  return out;
}
