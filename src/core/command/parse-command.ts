import { normalizeSignal, SIGNAL_NAMES } from "../signals.js";
import { clip, MAX_PID, nameProblem } from "./kube-names.js";
import { labelSelectorProblem } from "./label-selector.js";
import { closest } from "./suggest.js";
import { parseTarget } from "./target.js";
import { type Token, tokenize } from "./tokenize.js";
import type { Command, ParseCommandResult, Placement, Subcommand, Target } from "./types.js";
import { SUBCOMMANDS, usageOf } from "./usage.js";

/** Longest command text accepted. */
export const MAX_COMMAND_LENGTH = 4000;
/** Longest signal reason accepted. */
export const MAX_REASON_LENGTH = 500;
/** Longest file path accepted by `cat`, in UTF-8 bytes (Linux PATH_MAX). */
export const MAX_PATH_BYTES = 4096;
/** Most lines `cat --lines` may ask for. */
export const MAX_CAT_LINES = 10_000;
/** Most audit entries `audit N` may ask for. */
export const MAX_AUDIT_COUNT = 200;
/** Audit entries shown by `audit` without N. */
export const DEFAULT_AUDIT_COUNT = 20;

type FlagKey = "namespace" | "container" | "cluster" | "copy" | "selector" | "lines" | "help";

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
  { key: "help", long: "--help", short: "-h", value: null },
];

const PLACEMENT: FlagKey[] = ["namespace", "container", "cluster", "copy", "help"];
const ALLOWED_FLAGS: Record<Subcommand, FlagKey[]> = {
  ps: [...PLACEMENT, "selector"],
  signal: PLACEMENT,
  cat: [...PLACEMENT, "lines"],
  cleanup: ["namespace", "cluster", "help"],
  sessions: ["help"],
  audit: ["help"],
  help: ["help"],
};

// C0 controls other than tab and line breaks, DEL, and bidi overrides that make text read differently than it parses.
function hasForbiddenChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return true;
  }
  return false;
}

class Refusal {
  constructor(
    readonly message: string,
    readonly suggestion?: string,
  ) {}
}

function fail(sub: Subcommand | null, message: string, suggestion?: string): ParseCommandResult {
  const error = { message, usage: usageOf(sub ?? undefined) };
  return { ok: false, error: suggestion === undefined ? error : { ...error, suggestion } };
}

function quoteWord(word: string): string {
  return word === "" || /[\s"']/.test(word) ? `"${word.replace(/"/g, "'")}"` : word;
}

/** `/pns …` with the word at `index` replaced, for "did you mean" suggestions. */
function withReplaced(tokens: Token[], index: number, replacement: string): string {
  const words = tokens.map((t, i) => (i === index ? replacement : quoteWord(t.value)));
  return `/pns ${words.join(" ")}`;
}

function flagName(spec: FlagSpec): string {
  return spec.short ? `${spec.short}/${spec.long}` : spec.long;
}

interface Scanned {
  flags: Partial<Record<FlagKey, string>>;
  positionals: Token[];
}

/** Separates flags from positional words; `tokens` excludes the subcommand, `offset` is its index in `all`. */
function scan(sub: Subcommand, tokens: Token[], all: Token[], offset: number): Scanned | Refusal {
  const allowed = ALLOWED_FLAGS[sub];
  const flags: Partial<Record<FlagKey, string>> = {};
  const positionals: Token[] = [];
  let endOfFlags = false;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    // Slack and phones turn "--" into an en or em dash.
    const v = !tok.quoted && /^[\u2013\u2014]./.test(tok.value) ? `--${tok.value.slice(1)}` : tok.value;
    const flagLike = !endOfFlags && !tok.quoted && tok.mention === null && v.startsWith("-") && v.length > 1;
    if (!endOfFlags && !tok.quoted && v === "--") {
      endOfFlags = true;
      continue;
    }
    // `-9` stays a word, so that a signal written kill-style gets a clear message from the signal check.
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
        withReplaced(all, offset + i, `-${v}`),
      );
    } else {
      name = v.slice(0, 2);
      const rest = v.slice(2);
      inline = rest === "" ? null : rest.startsWith("=") ? rest.slice(1) : rest;
    }
    const spec = FLAGS.find((f) => f.long === name || f.short === name);
    if (!spec || !allowed.includes(spec.key)) {
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
          withReplaced(all, offset + i, inline === null ? near : `${near}=${inline}`),
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
    if (spec.value === null) {
      if (inline === null || inline === "true") value = "true";
      else if (inline === "false") value = "false";
      else return new Refusal(`${spec.long} takes no value (got "${clip(inline)}"): write just ${spec.long}`);
    } else if (inline !== null) {
      value = inline;
    } else {
      const next = tokens[i + 1];
      if (next === undefined || (!next.quoted && next.value.startsWith("-") && next.value.length > 1)) {
        return new Refusal(`${flagName(spec)} needs a value: ${spec.short ?? spec.long} ${spec.value}`);
      }
      if (next.mention !== null) {
        return new Refusal(
          `${spec.long} got the Slack mention ${clip(next.value)}: type the ${spec.value.toLowerCase()} as plain text`,
        );
      }
      value = next.value;
      i++;
    }
    flags[spec.key] = value;
  }
  return { flags, positionals };
}

function mentionRefusal(tok: Token, what: string, noun: string): Refusal | null {
  if (tok.mention === null) return null;
  return new Refusal(
    `${clip(tok.value)} is a Slack mention, not ${what}: type the ${noun} as plain text (Slack turned it into a mention)`,
  );
}

function placementOf(flags: Partial<Record<FlagKey, string>>, targetNs: string | null): Placement | Refusal {
  const ns = flags.namespace ?? null;
  if (ns !== null) {
    const problem = nameProblem(ns, "namespace");
    if (problem) return new Refusal(`-n: ${problem}`);
  }
  if (ns !== null && targetNs !== null && ns !== targetNs) {
    return new Refusal(`the target says namespace ${targetNs} but -n says ${ns}: give the namespace once`);
  }
  const container = flags.container ?? null;
  if (container !== null) {
    const problem = nameProblem(container, "container");
    if (problem) return new Refusal(`-c: ${problem}`);
  }
  const cluster = flags.cluster ?? null;
  if (cluster !== null) {
    const problem = nameProblem(cluster, "cluster");
    if (problem) return new Refusal(`--cluster: ${problem}`);
  }
  return { namespace: ns ?? targetNs, container, cluster, copy: flags.copy === "true" };
}

function targetOf(tok: Token): { target: Target; namespace: string | null } | Refusal {
  const mention = mentionRefusal(tok, "a pod", "pod name");
  if (mention) return mention;
  const parsed = parseTarget(tok.value);
  return parsed.ok ? parsed : new Refusal(parsed.message);
}

function pidOf(tok: Token | undefined): number | Refusal {
  if (tok === undefined) return new Refusal("missing <pid>: give the process ID from /pns ps");
  const mention = mentionRefusal(tok, "a PID", "process ID");
  if (mention) return mention;
  if (!/^\d{1,8}$/.test(tok.value)) {
    return new Refusal(`"${clip(tok.value)}" is not a PID: give the process number from /pns ps, like 8`);
  }
  const pid = Number(tok.value);
  if (pid < 1 || pid > MAX_PID)
    return new Refusal(`PID ${clip(tok.value)} is out of range: PIDs run from 1 to ${MAX_PID}`);
  return pid;
}

function countOf(word: string, what: string, max: number): number | Refusal {
  if (!/^\d{1,6}$/.test(word) || Number(word) < 1 || Number(word) > max) {
    return new Refusal(`${what} must be a whole number from 1 to ${max} (got "${clip(word)}")`);
  }
  return Number(word);
}

function pathOf(tok: Token | undefined): string | Refusal {
  if (tok === undefined) return new Refusal("missing <path>: give an absolute path like /etc/nginx/nginx.conf");
  const mention = mentionRefusal(tok, "a path", "path");
  if (mention) return mention;
  const raw = tok.value;
  if (!raw.startsWith("/")) {
    return new Refusal(
      `the path "${clip(raw)}" is not absolute: start it with /, as the process sees it (like /etc/hosts)`,
    );
  }
  const bytes = new TextEncoder().encode(raw).length;
  if (bytes > MAX_PATH_BYTES)
    return new Refusal(`the path is ${bytes} bytes long; at most ${MAX_PATH_BYTES} are allowed`);
  const segments = raw.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) return new Refusal(`the path "${clip(raw)}" contains "..": give the path without it`);
  return `/${segments.join("/")}`;
}

function signalOf(tok: Token | undefined, all: Token[], index: number): string | Refusal {
  if (tok === undefined) return new Refusal(`missing <signal>: give one of ${SIGNAL_NAMES.join(", ")}`);
  const name = tok.mention === null ? normalizeSignal(tok.value) : null;
  if (name) return name;
  const bare = tok.value.toUpperCase().replace(/^-/, "").replace(/^SIG/, "");
  const fixed = normalizeSignal(tok.value.replace(/^-/, "")) ?? closest(bare, SIGNAL_NAMES, bare.length <= 3 ? 1 : 2);
  const hint = fixed ? ` Did you mean ${fixed}?` : "";
  return new Refusal(
    `"${clip(tok.value)}" is not a signal pns sends: use one of ${SIGNAL_NAMES.join(", ")} (as HUP, SIGHUP or its number).${hint}`,
    fixed ? withReplaced(all, index, fixed) : undefined,
  );
}

function tooMany(sub: Subcommand, extra: Token, hint = ""): Refusal {
  return new Refusal(`unexpected "${clip(extra.value)}": ${sub} takes no more arguments${hint}`);
}

function build(sub: Subcommand, scanned: Scanned, all: Token[]): Command | Refusal {
  const { flags, positionals: pos } = scanned;
  const indexOf = (tok: Token): number => all.indexOf(tok);
  switch (sub) {
    case "help": {
      const topic = pos[0];
      if (topic === undefined) return { kind: "help", topic: null };
      if (pos[1]) return tooMany(sub, pos[1]);
      const t = topic.value.toLowerCase();
      if ((SUBCOMMANDS as string[]).includes(t)) return { kind: "help", topic: t as Subcommand };
      const near = closest(t, SUBCOMMANDS);
      return new Refusal(
        `there is no command "${clip(topic.value)}"${near ? `: did you mean ${near}?` : `; commands are ${SUBCOMMANDS.join(", ")}`}`,
        near ? `/pns help ${near}` : undefined,
      );
    }
    case "sessions":
      if (pos[0]) return tooMany(sub, pos[0]);
      return { kind: "sessions" };
    case "audit": {
      if (pos[1]) return tooMany(sub, pos[1]);
      const count = pos[0] ? countOf(pos[0].value, "the number of entries", MAX_AUDIT_COUNT) : DEFAULT_AUDIT_COUNT;
      return count instanceof Refusal ? count : { kind: "audit", count };
    }
    case "cleanup": {
      if (pos[1]) return tooMany(sub, pos[1]);
      const t = pos[0] ? targetOf(pos[0]) : null;
      if (t instanceof Refusal) return t;
      const placement = placementOf(flags, t?.namespace ?? null);
      if (placement instanceof Refusal) return placement;
      return { kind: "cleanup", target: t?.target ?? null, namespace: placement.namespace, cluster: placement.cluster };
    }
    case "ps": {
      const selector = flags.selector;
      let target: Target;
      let targetNs: string | null = null;
      if (selector !== undefined) {
        if (pos[0]) {
          return new Refusal(
            `give either a target or -l, not both (got "${clip(pos[0].value)}" and -l ${clip(selector)})`,
          );
        }
        const problem = labelSelectorProblem(selector);
        if (problem) return new Refusal(`-l: ${problem}. Quote selectors with spaces: -l "app in (a,b)"`);
        target = { kind: "selector", selector: selector.trim() };
      } else {
        if (!pos[0])
          return new Refusal("missing <target>: name a pod or workload, like /pns ps nginx, or use -l app=web");
        if (pos[1]) return tooMany(sub, pos[1]);
        const t = targetOf(pos[0]);
        if (t instanceof Refusal) return t;
        target = t.target;
        targetNs = t.namespace;
      }
      const placement = placementOf(flags, targetNs);
      if (placement instanceof Refusal) return placement;
      return { kind: "ps", target, ...placement };
    }
    case "signal":
    case "cat": {
      if (!pos[0]) return new Refusal(`missing <target>: name the pod, like /pns ${sub} nginx …`);
      const t = targetOf(pos[0]);
      if (t instanceof Refusal) return t;
      const pid = pidOf(pos[1]);
      if (pid instanceof Refusal) return pid;
      const placement = placementOf(flags, t.namespace);
      if (placement instanceof Refusal) return placement;
      if (sub === "cat") {
        const path = pathOf(pos[2]);
        if (path instanceof Refusal) return path;
        if (pos[3]) return tooMany(sub, pos[3], "; quote a path that contains spaces");
        const lines = flags.lines === undefined ? null : countOf(flags.lines, "--lines", MAX_CAT_LINES);
        if (lines instanceof Refusal) return lines;
        return { kind: "cat", target: t.target, pid, path, lines, ...placement };
      }
      const signal = signalOf(pos[2], all, pos[2] ? indexOf(pos[2]) : -1);
      if (signal instanceof Refusal) return signal;
      const reason = pos
        .slice(3)
        .map((p) => p.value)
        .join(" ")
        .trim();
      if (reason.length > MAX_REASON_LENGTH) {
        return new Refusal(`the reason is ${reason.length} characters long; keep it under ${MAX_REASON_LENGTH}`);
      }
      return {
        kind: "signal",
        target: t.target,
        pid,
        signal: normalizeSignal(signal)!,
        reason: reason === "" ? null : reason,
        ...placement,
      };
    }
  }
}

/**
 * Parses the text after `/pns` into a command, kubectl-style. Never throws: a refusal says what was wrong, how to fix
 * it, and carries the subcommand's usage.
 */
export function parseCommand(text: string): ParseCommandResult {
  if (text.length > MAX_COMMAND_LENGTH) {
    return fail(null, `the command is ${text.length} characters long; at most ${MAX_COMMAND_LENGTH} are allowed`);
  }
  if (hasForbiddenChar(text)) {
    return fail(null, "the command contains control or text-direction characters: retype it as plain text");
  }
  const tokenized = tokenize(text);
  if (!tokenized.ok) return fail(null, tokenized.message);
  const tokens = tokenized.tokens;
  const first = tokens[0];
  if (first === undefined) return { ok: true, command: { kind: "help", topic: null } };
  const word = first.value.toLowerCase();
  let sub: Subcommand;
  if ((SUBCOMMANDS as string[]).includes(word)) {
    sub = word as Subcommand;
  } else if (word === "-h" || word === "--help") {
    sub = "help";
  } else {
    const near = closest(word, SUBCOMMANDS);
    const message = near
      ? `unknown command "${clip(first.value)}": did you mean ${near}?`
      : `unknown command "${clip(first.value)}": start with one of ${SUBCOMMANDS.join(", ")}`;
    return fail(null, message, near ? withReplaced(tokens, 0, near) : undefined);
  }
  const scanned = scan(sub, tokens.slice(1), tokens, 1);
  if (scanned instanceof Refusal) return fail(sub, scanned.message, scanned.suggestion);
  if (scanned.flags.help === "true") return { ok: true, command: { kind: "help", topic: sub === "help" ? null : sub } };
  const command = build(sub, scanned, tokens);
  if (command instanceof Refusal) return fail(sub, command.message, command.suggestion);
  return { ok: true, command };
}
