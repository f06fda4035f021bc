import { PnsError } from "../errors.js";
import { scanWords, WordMasks } from "./command-line.js";
import { type Folded, fold } from "./fold.js";
import { isSecretName, MASK, TRIGGERS } from "./rules.js";
import { Spans } from "./spans.js";
import { scanText } from "./text-scan.js";
import { HIT_NON_ASCII, HIT_PROGRAM, HIT_SPACE, SUSPECT } from "./triggers.js";

/** Hides secrets in command lines and text before anything is shown or logged. */
export interface Redactor {
  /** The arguments with secret values replaced by {@link MASK}; the same array when nothing was found. */
  args(args: readonly string[]): string[];
  /** The text (a log message, a reason, a file's content) with secret values replaced by {@link MASK}. */
  text(s: string): string;
  /** The arguments redacted and joined with spaces: the command line as shown (one test when nothing is secret). */
  command(args: readonly string[]): string;
}

/** Compiles an extra pattern from the config: a JS regex source, `(?i)` prefix for case-insensitive. */
function compileExtra(source: string): RegExp {
  const insensitive = source.startsWith("(?i)");
  return new RegExp(insensitive ? source.slice(4) : source, insensitive ? "gdi" : "gd");
}

/** Null when an extra redaction pattern compiles, else why not (for config validation). */
export function checkRedactPattern(source: string): string | null {
  try {
    const re = compileExtra(source);
    if (re.test("")) return "it matches the empty string";
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : "it is not a valid regular expression";
  }
}

/** Masks each match of an extra pattern: its first capture group when it has one, else the whole match. */
function applyExtra(re: RegExp, s: string): string {
  re.lastIndex = 0;
  let out = "";
  let last = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const span = m.indices?.[1] ?? m.indices?.[0];
    if (span && span[0] >= last) {
      out += `${s.slice(last, span[0])}${MASK}`;
      last = span[1];
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

/** A flag alone, short enough not to be a random token: nothing in it is a secret by itself. */
const BARE_FLAG = /^-{1,2}[A-Za-z0-9_.-]{1,18}$/;
const TEXT_OR_MORE = SUSPECT & ~HIT_PROGRAM;

/** True when one word (scanned as `hits`) may hold a secret of its own, beyond what scanWords finds. */
function needsTextScan(word: string, hits: number): boolean {
  // A program name matters to scanWords only, unless the word is a script of several words (`sh -c "…"`).
  if ((hits & TEXT_OR_MORE) === 0) return (hits & HIT_PROGRAM) !== 0 && (hits & HIT_SPACE) !== 0;
  return !BARE_FLAG.test(word);
}

/** Per-argument working arrays of a redactor, kept between calls so that a clean command line allocates none. */
function newScratch(n: number) {
  const size = Math.max(64, 2 ** Math.ceil(Math.log2(n)));
  return { hits: new Uint16Array(size), rules: new Int32Array(size) };
}

/** True when some pattern of `res` matches `s`. */
function anyMatch(res: readonly RegExp[], s: string): boolean {
  for (let i = 0; i < res.length; i++) {
    const re = res[i]!;
    re.lastIndex = 0;
    if (re.test(s)) return true;
  }
  return false;
}

/** True when some pattern of `res` matches some argument. */
function anyMatchIn(res: readonly RegExp[], argv: readonly string[]): boolean {
  if (res.length === 0) return false;
  for (let i = 0; i < argv.length; i++) if (anyMatch(res, argv[i]!)) return true;
  return false;
}

// builtIn() calls nothing that calls it back: one Spans serves every call.
const textSpans = new Spans();

/** The built-in rules on one text: the masked original, or the text itself when nothing is secret. */
function builtIn(s: string): string {
  const folded = fold(s);
  const hits = TRIGGERS.scan(folded.text);
  const spans = textSpans;
  spans.clear();
  scanText(folded.text, spans, hits, TRIGGERS.rules, true);
  return spans.apply(s, folded.origin);
}

/**
 * Builds a redactor from the built-in secret shapes plus the config's extra patterns (compiled once).
 * @throws PnsError `invalid_config` when an extra pattern is not a valid regular expression.
 */
export function createRedactor(extraPatterns: readonly string[] = []): Redactor {
  const extras = extraPatterns.map((source, i) => {
    const problem = checkRedactPattern(source);
    if (problem !== null) {
      throw new PnsError("invalid_config", `Redaction pattern #${i + 1} cannot be used: ${problem}.`, {
        hint: "Fix or remove it under redact.patterns in the pns config.",
      });
    }
    return compileExtra(source);
  });

  // Match indices (the `d` flag) slow every search down: a plain copy tells first whether there is a match at all.
  const probes = extras.map((re) => new RegExp(re.source, re.flags.replace("d", "")));
  // A pattern without anchors, lookarounds or \B that matches inside an argument also matches the joined command
  // line, so one test of the line stands for one per argument; the others are tried argument by argument.
  const joinable = probes.filter((re) => !/[\^$]|\(\?<?[=!]|\\B/.test(re.source));
  const unjoinable = probes.filter((re) => !joinable.includes(re));
  function withExtras(s: string): string {
    let out = s;
    for (let i = 0; i < extras.length; i++) {
      const probe = probes[i]!;
      probe.lastIndex = 0;
      if (probe.test(out)) out = applyExtra(extras[i]!, out);
    }
    return out;
  }
  function text(s: string): string {
    const out = builtIn(s);
    return extras.length > 0 ? withExtras(out) : out;
  }

  // Working state reused from call to call: nothing below calls back into args() or command(), and each call
  // starts by clearing what it uses.
  let scratch = newScratch(64);
  const masks = new WordMasks();
  const spans = new Spans();
  /** The redacted arguments of the last redactArgs call. */
  const parts: string[] = [];

  /**
   * The full trigger scan of each argument (see triggers.ts) and the token rules it met, into `scratch`; true when
   * some argument is suspect.
   */
  function scanArgs(argv: readonly string[]): boolean {
    const n = argv.length;
    if (scratch.hits.length < n) scratch = newScratch(n);
    const { hits, rules } = scratch;
    let any = false;
    for (let i = 0; i < n; i++) {
      const h = TRIGGERS.scan(argv[i]!);
      hits[i] = h;
      rules[i] = TRIGGERS.rules;
      if ((h & SUSPECT) !== 0) any = true;
    }
    return any;
  }

  /**
   * The arguments redacted into `parts`, given scanArgs' scan of them; true when one changed. `extraFound` is false
   * only when no extra pattern matches any argument.
   */
  function redactArgs(argv: readonly string[], extraFound: boolean): boolean {
    const n = argv.length;
    const { hits, rules } = scratch;
    // Look-alikes are folded for the decisions; the output keeps every original character but the masked ones.
    let folded: Folded[] | undefined;
    let words = argv;
    for (let i = 0; i < n; i++) {
      if ((hits[i]! & HIT_NON_ASCII) === 0) continue;
      folded = argv.map((arg) => fold(arg));
      words = folded.map((f) => f.text);
      for (let k = 0; k < n; k++) {
        if ((hits[k]! & HIT_NON_ASCII) === 0) continue;
        hits[k] = TRIGGERS.scan(words[k]!) | HIT_NON_ASCII;
        rules[k] = TRIGGERS.rules;
      }
      break;
    }
    masks.clear();
    scanWords(words, masks.mask, hits);
    // Grown by push and cut by length only: an array with holes would take join's slow path.
    while (parts.length < n) parts.push("");
    if (parts.length > n) parts.length = n;
    let changed = false;
    for (let i = 0; i < n; i++) {
      const arg = argv[i]!;
      const word = words[i]!;
      spans.clear();
      // A word masked to its end holds nothing more to find: what comes before is a flag, a key or a user name.
      let done = false;
      for (let k = 0; k < masks.count; k++) {
        if (masks.word(k) !== i) continue;
        spans.add(masks.from(k), masks.to(k));
        if (masks.to(k) >= word.length) done = true;
      }
      const h = hits[i]!;
      if (!done && (h & SUSPECT) !== 0 && needsTextScan(word, h)) scanText(word, spans, h, rules[i]!, false);
      let result = spans.apply(arg, folded?.[i]?.origin ?? null);
      // No extra pattern matched any argument as it is: only one the built-in rules masked may match now.
      if (extras.length > 0 && !done && (extraFound || result !== arg)) result = withExtras(result);
      if (result !== arg) changed = true;
      parts[i] = result;
    }
    return changed;
  }

  /** Drops the strings `parts` holds, once the caller has copied or joined them. */
  function releaseParts(): void {
    for (let i = 0; i < parts.length; i++) parts[i] = "";
  }

  function args(argv: readonly string[]): string[] {
    const extraFound = extras.length > 0 && anyMatchIn(probes, argv);
    if (!scanArgs(argv) && !extraFound) return argv as string[];
    if (!redactArgs(argv, extraFound)) {
      releaseParts();
      return argv as string[];
    }
    const out = parts.slice();
    releaseParts();
    return out;
  }

  function command(argv: readonly string[]): string {
    if (!scanArgs(argv)) {
      // The line as it is is the answer unless an extra pattern matches: one test of the joined line for those
      // that allow it (see joinable), one per argument for the others (they may be anchored).
      const joined = argv.join(" ");
      if (extras.length === 0 || !(anyMatch(joinable, joined) || anyMatchIn(unjoinable, argv))) return joined;
      const changed = redactArgs(argv, true);
      const out = changed ? parts.join(" ") : joined;
      releaseParts();
      return out;
    }
    // A suspect line is joined once, redacted: the extra patterns are tried on each argument, as args() does.
    const changed = redactArgs(argv, extras.length > 0 && anyMatchIn(probes, argv));
    const out = changed ? parts.join(" ") : argv.join(" ");
    releaseParts();
    return out;
  }

  return { args, text, command };
}

const builtInRedactor = createRedactor();

/** Redacts free text (log messages, audit details, reasons, command text) with the built-in rules only. */
export function redactText(s: string): string {
  return builtInRedactor.text(s);
}

/** Copies a structured value (log fields, audit details) with values under secret keys and secrets in strings masked. */
export function redactFields(value: unknown, redactor: Redactor = builtInRedactor, depth = 0): unknown {
  if (typeof value === "string") return redactor.text(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return { name: value.name, message: redactor.text(value.message) };
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactFields(v, redactor, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretName(k) && v !== null && v !== undefined && v !== "" ? MASK : redactFields(v, redactor, depth + 1);
  }
  return out;
}
