import { PnsError } from "../errors.js";
import { isSecretName, MASK, MYSQL_CLIENT, PREFILTER, TEXT_RULES } from "./rules.js";

/** Hides secrets in command lines and text before anything is shown or logged. */
export interface Redactor {
  /** The arguments with secret values replaced by {@link MASK}; the same array when nothing was found. */
  args(args: readonly string[]): string[];
  /** The text with secret values replaced by {@link MASK}. */
  text(s: string): string;
  /** The arguments redacted and joined with spaces: the command line as shown (one test when nothing is secret). */
  command(args: readonly string[]): string;
}

/** A `key=value` argument: optional dashes, a name, `=`. */
const ASSIGNMENT = /^(-{0,2})([A-Za-z0-9_.-]{1,200})=/;
/** A flag alone (`--password`, `-pass`), whose value is the next argument. */
const FLAG = /^-{1,2}([A-Za-z0-9_.-]{1,200})$/;
/** What an argument after a secret flag looks like when it is another flag rather than the value. */
const LONG_FLAG = /^--[A-Za-z][A-Za-z0-9-]*(?:=|$)/;
const SCHEME = /^(?:bearer|basic)$/i;
const USER_FLAG = /^(?:-u|-U|--user|--proxy-user)$/;
const AUTHORIZATION = /^(?:proxy-)?authorization:?$/i;

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
    if (span) {
      out += `${s.slice(last, span[0])}${MASK}`;
      last = span[1];
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

function applyRules(s: string): string {
  let out = s;
  let lower = s.toLowerCase();
  for (const rule of TEXT_RULES) {
    if (!rule.needles.some((n) => lower.includes(n))) continue;
    rule.re.lastIndex = 0;
    if (rule.re.test(out)) {
      rule.re.lastIndex = 0;
      out = out.replace(rule.re, (_m, keep: string) => `${keep}${MASK}`);
      lower = out.toLowerCase();
    }
  }
  return out;
}

/** The part of `user:password` kept: `user:`. */
function maskAfterColon(s: string): string {
  const colon = s.indexOf(":");
  return colon < 0 ? s : `${s.slice(0, colon + 1)}${MASK}`;
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

  const anyExtra = (s: string): boolean =>
    extras.some((re) => {
      re.lastIndex = 0;
      return re.test(s);
    });
  // A pattern without anchors, lookarounds or \B that matches inside an argument also matches the joined command
  // line, so one test of the line stands for one per argument; the others are tried argument by argument.
  const joinable = extras.filter((re) => !/[\^$]|\(\?<?[=!]|\\B/.test(re.source));
  const unjoinable = extras.filter((re) => !joinable.includes(re));
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

  const text = (s: string): string => {
    let out = PREFILTER.test(s) ? applyRules(s) : s;
    for (const re of extras) out = applyExtra(re, out);
    return out;
  };

  const args = (argv: readonly string[]): string[] => {
    const first = argv[0] ?? "";
    const mysql =
      (first.includes("mysql") || first.includes("mariadb")) &&
      MYSQL_CLIENT.test(first.slice(first.lastIndexOf("/") + 1));
    // Every rule's trigger lies within one argument, so testing each spares joining them.
    let hit = mysql;
    for (let i = 0; i < argv.length && !hit; i++) {
      const arg = argv[i] ?? "";
      hit = PREFILTER.test(arg) || (extras.length > 0 && anyExtra(arg));
    }
    if (!hit) return argv as string[];
    const out = argv.slice();
    // Decisions read the original arguments: an argument masked as a value still acts as the flag it was.
    const masked = new Array<boolean>(argv.length).fill(false);
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] ?? "";
      const assignment = ASSIGNMENT.exec(arg);
      if (assignment && arg.length > assignment[0].length && isSecretName(assignment[2] ?? "")) {
        out[i] = `${assignment[0]}${MASK}`;
        continue;
      }
      if (mysql && arg.startsWith("-p") && arg.length > 2 && !arg.startsWith("--")) {
        out[i] = `-p${MASK}`;
        continue;
      }
      if (!masked[i]) out[i] = text(arg);
      const next = argv[i + 1];
      if (next === undefined) continue;
      const flag = FLAG.exec(arg);
      let maskNext = false;
      if (flag && isSecretName(flag[1] ?? "") && !LONG_FLAG.test(next)) maskNext = true;
      else if (mysql && arg === "-p" && !next.startsWith("-")) maskNext = true;
      else if (SCHEME.test(arg) || AUTHORIZATION.test(arg)) maskNext = !SCHEME.test(next);
      else if (USER_FLAG.test(arg) && next.includes(":") && !masked[i + 1]) {
        out[i + 1] = maskAfterColon(text(next));
        masked[i + 1] = true;
      }
      if (maskNext) {
        out[i + 1] = MASK;
        masked[i + 1] = true;
      }
    }
    return out;
  };

  const command = (argv: readonly string[]): string => {
    const joined = argv.join(" ");
    // No trigger in the joined line means none in any argument (no trigger holds a space). Extra patterns may be
    // anchored, so they are tried on each argument as args() does.
    const first = argv[0] ?? "";
    const clean =
      !PREFILTER.test(joined) &&
      !first.includes("mysql") &&
      !first.includes("mariadb") &&
      !(extras.length > 0 && extraInCommand(argv, joined));
    return clean ? joined : args(argv).join(" ");
  };

  return { args, text, command };
}
