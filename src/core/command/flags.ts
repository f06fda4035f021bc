/** The flags of `/pns` and the scan that separates them, and kill-style signals, from positional words. */
import { allowedSignalList, lookupSignal, SIGNAL_NAMES, type SignalName } from "../signals.js";
import { clip } from "./kube-names.js";
import { Refusal, type Words, withReplaced } from "./refusal.js";
import { closest } from "./suggest.js";
import type { Token } from "./tokenize.js";
import type { Subcommand } from "./types.js";

/** What a flag sets. */
export type FlagKey = "namespace" | "container" | "cluster" | "copy" | "selector" | "lines" | "signal" | "help";

interface FlagSpec {
  key: FlagKey;
  long: string;
  short: string | null;
  value: string | null;
}

const FLAGS: readonly FlagSpec[] = [
  { key: "namespace", long: "--namespace", short: "-n", value: "NAMESPACE" },
  { key: "container", long: "--container", short: "-c", value: "CONTAINER" },
  { key: "cluster", long: "--cluster", short: null, value: "NAME" },
  { key: "copy", long: "--copy", short: null, value: null },
  { key: "selector", long: "--selector", short: "-l", value: "SELECTOR" },
  { key: "lines", long: "--lines", short: null, value: "N" },
  // kill(1)'s `-s SIGNAL` / `--signal SIGNAL` (util-linux misc-utils/kill.c, parse_arguments).
  { key: "signal", long: "--signal", short: "-s", value: "SIGNAL" },
  { key: "help", long: "--help", short: "-h", value: null },
];

/** Flag names without their dashes, for reading dash look-alikes. */
export const FLAG_NAMES = {
  long: FLAGS.map((f) => f.long.slice(2)),
  short: FLAGS.flatMap((f) => (f.short ? [f.short.slice(1)] : [])),
};

const PLACEMENT: FlagKey[] = ["namespace", "container", "cluster", "copy", "help"];
const ALLOWED_FLAGS: Record<Subcommand, FlagKey[]> = {
  ps: [...PLACEMENT, "selector"],
  signal: [...PLACEMENT, "signal"],
  cat: [...PLACEMENT, "selector", "lines"],
  inspect: [...PLACEMENT, "selector"],
  ports: [...PLACEMENT, "selector"],
  doctor: [...PLACEMENT, "selector"],
  cleanup: ["namespace", "cluster", "help"],
  sessions: ["help"],
  audit: ["help"],
  help: ["help"],
};

function flagName(spec: FlagSpec): string {
  return spec.short ? `${spec.short}/${spec.long}` : spec.long;
}

/** A signal as written: kill-style (`-HUP`, `-9`), with `-s`/`--signal`, or as the word after the PID. */
export interface SignalWord {
  /** The signal without its dash, like `HUP` or `9`. */
  word: string;
  /** As the user wrote it, for messages: `-9`, `-s HUP`, `HUP`. */
  written: string;
  /** Index in all words of the word that holds the signal. */
  index: number;
  /** What precedes the signal within that word (`-`, `--signal=`), to retype it corrected. */
  prefix: string;
}

/** A command's words, sorted: flag values by key, positional words, signals, and the words after `--`. */
export interface Scanned {
  flags: Partial<Record<FlagKey, string>>;
  positionals: Token[];
  signals: SignalWord[];
  literal: Set<Token>;
}

/** `-HUP`, `-SIGHUP`, `-9`, `-11`: a dash, then a number or the name of a Linux signal. */
export function isKillStyleSignal(v: string): boolean {
  return /^-[^-]/.test(v) && (/^-\d+$/.test(v) || lookupSignal(v.slice(1)).kind !== "unknown");
}

function bareSignal(word: string): string {
  return word.toUpperCase().replace(/^SIG/, "");
}

/** The allowed signal a misspelt signal word is closest to, or null. */
export function nearSignal(word: string): SignalName | null {
  const bare = bareSignal(word);
  return closest(bare, SIGNAL_NAMES, bare.length <= 3 ? 1 : 2) as SignalName | null;
}

/** Separates flags and signals from positional words; `tokens` excludes the subcommand, `offset` is its index. */
export function scan(sub: Subcommand, tokens: Token[], words: Words, offset: number): Scanned | Refusal {
  const allowed = ALLOWED_FLAGS[sub];
  const flags: Partial<Record<FlagKey, string>> = {};
  const positionals: Token[] = [];
  const signals: SignalWord[] = [];
  const literal = new Set<Token>();
  let endOfFlags = false;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const v = tok.value;
    const at = offset + i;
    const flagLike = !endOfFlags && !tok.quoted && tok.mention === null && v.startsWith("-") && v.length > 1;
    if (!endOfFlags && !tok.quoted && v === "--") {
      endOfFlags = true;
      continue;
    }
    if (endOfFlags) literal.add(tok);
    // A dash and a signal is kill's way of naming the signal; `-h` and `-s` are no signal names, `-HUP` is no `-H`.
    if (flagLike && sub === "signal" && isKillStyleSignal(v)) {
      signals.push({ word: v.slice(1), written: v, index: at, prefix: "-" });
      continue;
    }
    // Elsewhere `-9` stays a word, for the check of that word to explain.
    if (!flagLike || /^-\d/.test(v)) {
      positionals.push(tok);
      continue;
    }
    let name: string;
    let inline: string | null = null;
    if (v.startsWith("--")) {
      const eq = v.indexOf("=");
      name = eq >= 0 ? v.slice(0, eq) : v;
      inline = eq >= 0 ? v.slice(eq + 1) : null;
    } else if (v.length > 2 && FLAGS.some((f) => f.long === `-${v}` && allowed.includes(f.key))) {
      return new Refusal(
        `${clip(v)} looks like a long flag with one dash: did you mean -${v}?`,
        withReplaced(words, at, `-${v}`),
      );
    } else {
      name = v.slice(0, 2);
      const rest = v.slice(2);
      inline = rest === "" ? null : rest.startsWith("=") ? rest.slice(1) : rest;
    }
    const spec = FLAGS.find((f) => f.long === name || f.short === name);
    if (!spec || !allowed.includes(spec.key)) {
      const refusal = unknownFlag(sub, v, name, inline, spec, words, at);
      if (refusal) return refusal;
      const candidates = FLAGS.filter((f) => allowed.includes(f.key)).flatMap((f) => [
        f.long,
        ...(f.short ? [f.short] : []),
      ]);
      const near = name.startsWith("--")
        ? closest(
            name,
            candidates.filter((c) => c.startsWith("--")),
          )
        : null;
      const where = spec ? `${flagName(spec)} does not apply to ${sub}` : `unknown flag ${clip(name)} for ${sub}`;
      if (near) {
        return new Refusal(
          `${where}: did you mean ${near}?`,
          withReplaced(words, at, inline === null ? near : `${near}=${inline}`),
        );
      }
      const list = FLAGS.filter((f) => allowed.includes(f.key) && f.key !== "help").map(flagName);
      const known = list.length > 0 ? `; ${sub} takes ${list.join(", ")}` : `; ${sub} takes no flags`;
      return new Refusal(`${where}${known}. To pass a word that starts with "-", put it after -- or in quotes.`);
    }
    if (flags[spec.key] !== undefined) {
      return new Refusal(`${flagName(spec)} is given twice: give it once`);
    }
    let value: string;
    let valueAt = at;
    let prefix = inline === null ? "" : v.slice(0, v.length - inline.length);
    if (spec.value === null) {
      if (inline === null || inline === "true") value = "true";
      else if (inline === "false") value = "false";
      else return new Refusal(`${spec.long} takes no value (got "${clip(inline)}"): write just ${spec.long}`);
    } else if (inline !== null) {
      value = inline;
    } else {
      const next = tokens[i + 1];
      if (next === undefined || (!next.quoted && next.value.startsWith("-") && next.value.length > 1)) {
        const hint = spec.key === "signal" && next && isKillStyleSignal(next.value) ? `, or just ${next.value}` : "";
        return new Refusal(`${flagName(spec)} needs a value: ${spec.short ?? spec.long} ${spec.value}${hint}`);
      }
      if (next.mention !== null) {
        return new Refusal(
          `${spec.long} got the Slack mention ${clip(next.value)}: type the ${spec.value.toLowerCase()} as plain text`,
        );
      }
      value = next.value;
      valueAt = at + 1;
      prefix = "";
      i++;
    }
    if (spec.key === "signal") {
      const written = valueAt === at ? v : `${v} ${value}`;
      signals.push({ word: value, written, index: valueAt, prefix });
      continue;
    }
    flags[spec.key] = value;
  }
  return { flags, positionals, signals, literal };
}

/** A clearer refusal than "unknown flag" for flags that are something else: a signal, a doubled dash. */
function unknownFlag(
  sub: Subcommand,
  v: string,
  name: string,
  inline: string | null,
  spec: FlagSpec | undefined,
  words: Words,
  at: number,
): Refusal | null {
  const body = v.replace(/^--?/, "");
  if (sub !== "signal" && isKillStyleSignal(v)) {
    return new Refusal(
      `${clip(v)} is a signal, and ${sub} sends none: send it with /pns kill ${clip(v)} <target> <pid>`,
    );
  }
  if (sub === "signal" && v.startsWith("--") && isKillStyleSignal(`-${body}`)) {
    return new Refusal(`write a signal with one dash: -${clip(body)}`, withReplaced(words, at, `-${body}`));
  }
  if (sub === "signal" && !v.startsWith("--")) {
    const near = nearSignal(body);
    if (near) {
      return new Refusal(
        `"${clip(v)}" is not a signal pns sends: did you mean -${near}? Signals: ${allowedSignalList()}`,
        withReplaced(words, at, `-${near}`),
      );
    }
  }
  if (sub === "signal" && spec?.key === "selector") {
    return new Refusal(
      `-l/--selector does not apply to signal: a signal goes to one process of one pod. The signals pns sends: ${allowedSignalList()}`,
    );
  }
  const short = FLAGS.find((f) => f.short === `-${name.slice(2)}` && ALLOWED_FLAGS[sub].includes(f.key));
  if (name.length === 3 && short?.short) {
    const fixed = inline === null ? short.short : `${short.short}=${inline}`;
    return new Refusal(
      `${clip(name)} has one dash too many: did you mean ${short.short}?`,
      withReplaced(words, at, fixed),
    );
  }
  return null;
}
