/**
 * Secrets given as words of a command line: `--password X`, `KEY=X`, `password: X` split over two words,
 * `Bearer X`, `-u user:X`, and the per-program flags of {@link programRule}. Works on argv and on the words of a
 * line of text alike; decisions read the original words, so a word masked as a value still acts as the flag it was.
 */
import { type ProgramRule, programRule } from "./programs.js";
import { secretName } from "./rules.js";
import { HIT_PROGRAM, SUSPECT } from "./triggers.js";

/** Masks `[from, to)` of word `i`. */
export type MaskWord = (i: number, from: number, to: number) => void;

/**
 * What scanWords reports, as flat `(word, from, to)` triples in an array kept from scan to scan: its {@link mask}
 * is bound once, so that a scan allocates no closure and no per-word list.
 */
export class WordMasks {
  private readonly at: number[] = [];
  /** The triples reported since the last {@link clear}. */
  count = 0;
  readonly mask: MaskWord = (i, from, to) => {
    const k = 3 * this.count;
    this.at[k] = i;
    this.at[k + 1] = from;
    this.at[k + 2] = to;
    this.count++;
  };

  clear(): void {
    this.count = 0;
  }
  /** The word of triple `k`. */
  word(k: number): number {
    return this.at[3 * k] ?? -1;
  }
  from(k: number): number {
    return this.at[3 * k + 1] ?? 0;
  }
  to(k: number): number {
    return this.at[3 * k + 2] ?? 0;
  }
}

/** A bare config-style key with a separator in it, the value being the next word (`aws_secret_access_key X`). */
const BARE_KEY = /^[A-Za-z][A-Za-z0-9]*(?:[_.][A-Za-z0-9]+)+$/;
/** What a word after a secret flag looks like when it is another flag rather than the value. */
const LONG_FLAG = /^--[A-Za-z][A-Za-z0-9-]*(?:=|$)/;
const SCHEME = /^(?:bearer|basic)$/i;
/** A word after a key that is not its value: a YAML block scalar's indicator, or the scheme before a credential. */
const BLOCK_OR_SCHEME = /^(?:[|>][-+0-9]{0,2}|bearer|basic)$/i;
const USER_FLAG = /^(?:-u|-U|--user|--proxy-user)$/;
const USER_NAME = /^(?:user|proxy-user)$/;
const AUTHORIZATION = /^(?:proxy-)?authorization:?$/i;
/** Words that end one command and start another in a shell line. */
const SEPARATORS = new Set([";", "&&", "||", "|", "&", "(", ")", "{", "}", "do", "then", "else", "exec", "--"]);

/** A word of {@link SEPARATORS}; their length is tested first, as a set lookup hashes the whole word. */
function isSeparator(w: string): boolean {
  return w.length <= 4 && SEPARATORS.has(w);
}
/** `user/password@db`, not a path or a URL. */
const USER_SLASH = /^[A-Za-z0-9_$#.-]{1,128}\/([^/@\s][^@\s]*)/;
const BATCH_CLUSTER = /^-[A-Za-z]*b[A-Za-z]*$/;
/** A value that switches a setting on or off. */
export const BOOLEAN = /^(?:true|false)$/i;

/** `[A-Za-z0-9_.-]`: the characters of a key or flag name. */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
}

function isFlag(w: string): boolean {
  return w.length > 1 && w.charCodeAt(0) === 45;
}

/** Masks word `k` from `from` on: inside its quotes when it is quoted (`"s3cret"/>` keeps `""/>`); not a boolean. */
function maskValue(words: readonly string[], k: number, mask: MaskWord, from = 0): void {
  const v = words[k] ?? "";
  if (BOOLEAN.test(from === 0 ? v : v.slice(from))) return;
  const q = v.charCodeAt(from);
  if (q === 34 || q === 39) {
    const close = v.indexOf(v.charAt(from), from + 1);
    if (close > from + 1) {
      mask(k, from + 1, close);
      return;
    }
  }
  mask(k, from, v.length);
}

/** Masks what follows `sep` in word `i` from `offset` on. */
function maskAfter(word: string, i: number, offset: number, sep: string, mask: MaskWord): void {
  const at = word.indexOf(sep, offset);
  if (at >= 0 && at + 1 < word.length) mask(i, at + 1, word.length);
}

/** Applies a program's own flags to word `i` (those after its subcommand only when `active`); true when it was one. */
function programFlag(rule: ProgramRule, active: boolean, words: readonly string[], i: number, mask: MaskWord): boolean {
  const w = words[i] ?? "";
  const next = words[i + 1];
  if (active && rule.next?.includes(w)) {
    if (next !== undefined && !isFlag(next)) mask(i + 1, 0, next.length);
    return true;
  }
  if (active && rule.attached && !w.startsWith("--")) {
    for (const f of rule.attached) {
      if (w.length > f.length && w.startsWith(f)) {
        mask(i, f.length, w.length);
        return true;
      }
    }
  }
  if (rule.user) {
    for (const [f, sep] of rule.user) {
      if (w === f) {
        if (next !== undefined) maskAfter(next, i + 1, 0, sep, mask);
        return true;
      }
      if (w.startsWith(f) && (w.charCodeAt(f.length) === 61 || (f.length === 2 && w.length > 2))) {
        maskAfter(w, i, f.length, sep, mask);
        return true;
      }
    }
  }
  if (rule.words && !isFlag(w)) {
    const n = rule.words[w.toLowerCase()];
    if (n !== undefined) {
      const last = n === 0 ? words.length - 1 : Math.min(words.length - 1, i + n);
      for (let k = i + 1; k <= last; k++) {
        const v = words[k] ?? "";
        if (isSeparator(v)) break;
        if (n === 0 || k === i + n) mask(k, 0, v.length);
      }
      return true;
    }
  }
  if (rule.userSlashPassword && !isFlag(w) && !w.includes("://")) {
    const m = USER_SLASH.exec(w);
    if (m) {
      const start = w.indexOf("/") + 1;
      const at = w.indexOf("@", start);
      mask(i, start, at < 0 ? w.length : at);
      return true;
    }
  }
  return false;
}

/** The index of the last word of the command starting at `from` (before a separator). */
function commandEnd(words: readonly string[], from: number): number {
  let k = from;
  while (k + 1 < words.length && !isSeparator(words[k + 1] ?? "")) k++;
  return k;
}

/**
 * Finds the secrets among `words` and reports each through `mask`. With `hits` (each word's trigger scan), a
 * word without any trigger is passed over unless a program's table is in force: it is a value, never a key.
 */
export function scanWords(words: readonly string[], mask: MaskWord, hits?: Uint16Array): void {
  let rule: ProgramRule | undefined;
  let active = false;
  let positionalDone = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? "";
    if (w.length === 0) continue;
    // Before the separator test (a lookup that hashes the word): with no rule in force, a separator would only
    // clear the rule again, so a word without a trigger is passed over either way.
    if (rule === undefined && hits !== undefined && ((hits[i] ?? 0) & SUSPECT) === 0) continue;
    const next = words[i + 1];
    if (isSeparator(w)) {
      rule = undefined;
      continue;
    }
    const dash = w.charCodeAt(0) === 45;
    // Every program name holds a HIT_PROGRAM literal (PROGRAM_NAMES), so a scanned word without one names none.
    if (!dash && (hits === undefined || ((hits[i] ?? 0) & HIT_PROGRAM) !== 0) && !w.includes("=")) {
      const found = programRule(w);
      if (found !== undefined) {
        rule = found;
        active = found.after === undefined;
        positionalDone = false;
        if (found.batchLast) {
          const end = commandEnd(words, i);
          for (let k = i + 1; k < end; k++) {
            if (BATCH_CLUSTER.test(words[k] ?? "")) {
              mask(end, 0, (words[end] ?? "").length);
              break;
            }
          }
        }
        continue;
      }
    }
    if (rule !== undefined) {
      if (!active && w === rule.after) {
        active = true;
        continue;
      }
      if (programFlag(rule, active, words, i, mask)) {
        continue;
      }
      if (active && rule.positional && !positionalDone && !dash && !w.includes("=")) {
        positionalDone = true;
        mask(i, 0, w.length);
        continue;
      }
    }
    // One pass over the word's shape instead of a regex per form: dashes, a name, then what ends the name.
    let d = 0;
    while (d < 2 && w.charCodeAt(d) === 45) d++;
    let ne = d;
    while (ne < w.length && ne - d < 200 && isNameChar(w.charCodeAt(ne))) ne++;
    const after = w.charCodeAt(ne);
    if (ne > d && after === 61 /* = */) {
      const name = w.slice(d, ne);
      const valueAt = ne + 1;
      if (secretName(name)) {
        // `--client-cert-auth=true` switches something on: a boolean is no secret (maskValue leaves it)
        if (w.length > valueAt) maskValue(words, i, mask, valueAt);
        else if (next !== undefined && !LONG_FLAG.test(next)) maskValue(words, i + 1, mask); // `--token= X`
        continue;
      }
      if (USER_NAME.test(name)) {
        maskAfter(w, i, valueAt, ":", mask);
        continue;
      }
      // A key=value inside a value: `--from-literal=DBPASS=x`, `--env=API_KEY=x`.
      let ie = valueAt;
      while (ie < w.length && ie - valueAt < 200 && isNameChar(w.charCodeAt(ie))) ie++;
      if (ie > valueAt && w.charCodeAt(ie) === 61 && ie + 1 < w.length && secretName(w.slice(valueAt, ie))) {
        mask(i, ie + 1, w.length);
      }
      continue;
    }
    // curl's `-ubob:secret`
    if (d === 1 && w.charCodeAt(1) === 117 /* u */ && w.includes(":")) {
      maskAfter(w, i, 2, ":", mask);
      continue;
    }
    if (next === undefined) continue;
    if (ne > d && after === 58 /* : */ && ne === w.length - 1) {
      // `password:` then the value; not a YAML block scalar's indicator (`password: |`), masked as the file's lines
      if (secretName(w.slice(d, ne)) && !BLOCK_OR_SCHEME.test(next)) maskValue(words, i + 1, mask);
      continue;
    }
    // `password : X`, `password = X`
    const value = words[i + 2];
    if ((next === ":" || next === "=") && ne === w.length && ne > d && value !== undefined) {
      if (secretName(w.slice(d)) && !BLOCK_OR_SCHEME.test(value)) maskValue(words, i + 2, mask);
      continue;
    }
    if (d > 0 && ne === w.length && ne > d) {
      if (secretName(w.slice(d)) && !LONG_FLAG.test(next) && !SCHEME.test(next)) maskValue(words, i + 1, mask);
      else if (USER_FLAG.test(w)) maskAfter(next, i + 1, 0, ":", mask);
      continue;
    }
    const c0 = w.charCodeAt(0) | 0x20;
    if ((c0 === 98 || c0 === 97 || c0 === 112) && (SCHEME.test(w) || AUTHORIZATION.test(w))) {
      if (!SCHEME.test(next)) maskValue(words, i + 1, mask);
      continue;
    }
    // `SECRET_KEY = 'x'` leaves the value to the `=` above
    if (d === 0 && ne === w.length && BARE_KEY.test(w) && !isFlag(next) && next !== "=" && next !== ":") {
      if (secretName(w)) maskValue(words, i + 1, mask);
    }
  }
}
