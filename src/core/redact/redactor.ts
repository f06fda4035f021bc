import { PnsError } from "../errors.js";
import { scanWords } from "./command-line.js";
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

function unfolded(s: string): Folded {
  return { text: s, origin: null };
}

/** Per-argument working arrays of a redactor, kept between calls so that a clean command line allocates none. */
function newScratch(n: number) {
  const size = Math.max(64, 2 ** Math.ceil(Math.log2(n)));
  return { hits: new Uint16Array(size), rules: new Int32Array(size), done: new Uint8Array(size) };
}

/** The built-in rules on one text: the masked original, or the text itself when nothing is secret. */
function builtIn(s: string): string {
  const folded = fold(s);
  const hits = TRIGGERS.scan(folded.text);
  const spans = new Spans();
  scanText(folded.text, spans, hits, TRIGGERS.rules, true);
  return spans.apply(s, folded);
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
  const anyExtra = (s: string): boolean =>
    probes.some((re) => {
      re.lastIndex = 0;
      return re.test(s);
    });
  // A pattern without anchors, lookarounds or \B that matches inside an argument also matches the joined command
  // line, so one test of the line stands for one per argument; the others are tried argument by argument.
  const joinable = probes.filter((re) => !/[\^$]|\(\?<?[=!]|\\B/.test(re.source));
  const unjoinable = probes.filter((re) => !joinable.includes(re));
  const extraInCommand = (argv: readonly string[], joined: string): boolean =>
    joinable.some((re) => {
      re.lastIndex = 0;
      return re.test(joined);
    }) ||
    (unjoinable.length > 0 &&
      argv.some((arg) =>
        unjoinable.some((re) => {
          re.lastIndex = 0;
          return re.test(arg);
        }),
      ));
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

  let scratch = newScratch(64);

  /** The arguments redacted, given the full trigger scan of each (see triggers.ts) and the token rules it met. */
  function redactArgs(argv: readonly string[], hits: Uint16Array, rules: Int32Array, extraFound: boolean): string[] {
    const n = argv.length;
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
    const spans: (Spans | undefined)[] = new Array(n);
    // A word masked to its end holds nothing more to find: what comes before is a flag, a key or a user name.
    const done = scratch.done;
    done.fill(0, 0, n);
    scanWords(
      words,
      (i, from, to) => {
        let s = spans[i];
        if (s === undefined) {
          s = new Spans();
          spans[i] = s;
        }
        s.add(from, to);
        if (to >= words[i]!.length) done[i] = 1;
      },
      hits,
    );
    let out: string[] | undefined;
    for (let i = 0; i < n; i++) {
      const arg = argv[i]!;
      let s = spans[i];
      const h = hits[i]!;
      if (done[i] === 0 && (h & SUSPECT) !== 0 && needsTextScan(words[i]!, h)) {
        s ??= new Spans();
        scanText(words[i]!, s, h, rules[i]!, false);
      }
      let result = s === undefined ? arg : s.apply(arg, folded?.[i] ?? unfolded(arg));
      // No extra pattern matched any argument as it is: only one the built-in rules masked may match now.
      if (extras.length > 0 && done[i] === 0 && (extraFound || result !== arg)) result = withExtras(result);
      if (result !== arg) {
        out ??= argv.slice();
        out[i] = result;
      }
    }
    return out ?? (argv as string[]);
  }

  /**
   * The arguments redacted, or null when no trigger and no extra pattern is in any of them. `extraFound` is false only
   * when no extra pattern matches any argument (or, for the joinable ones, the command line holding them all).
   */
  function redactIfSuspect(argv: readonly string[], extraFound: boolean): string[] | null {
    const n = argv.length;
    // Scratch arrays reused from call to call: nothing below calls back into redactIfSuspect.
    if (scratch.hits.length < n) scratch = newScratch(n);
    const { hits, rules } = scratch;
    let any = extraFound;
    for (let i = 0; i < n; i++) {
      const h = TRIGGERS.scan(argv[i]!);
      hits[i] = h;
      rules[i] = TRIGGERS.rules;
      if ((h & SUSPECT) !== 0) any = true;
    }
    return any ? redactArgs(argv, hits, rules, extraFound) : null;
  }

  const args = (argv: readonly string[]): string[] =>
    redactIfSuspect(argv, extras.length > 0 && argv.some(anyExtra)) ?? (argv as string[]);

  function command(argv: readonly string[]): string {
    const joined = argv.join(" ");
    // Extra patterns may be anchored, so those are tried on each argument as args() does.
    const out = redactIfSuspect(argv, extras.length > 0 && extraInCommand(argv, joined));
    return out === null || out === argv ? joined : out.join(" ");
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
