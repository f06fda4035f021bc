import { countOf, pathOf, pidOf, placementOf, type TakenTarget, takeTarget } from "./arguments.js";
import { normalizeDashes } from "./dashes.js";
import { FLAG_NAMES, type Scanned, scan } from "./flags.js";
import { asSlackSends, formatCommand } from "./format-command.js";
import { clip } from "./kube-names.js";
import { labelSelectorProblem } from "./label-selector.js";
import { DEFAULT_AUDIT_COUNT, MAX_AUDIT_COUNT, MAX_CAT_LINES, MAX_COMMAND_LENGTH } from "./limits.js";
import { Refusal, type Words, withReplaced } from "./refusal.js";
import { buildSignal } from "./signal-arguments.js";
import { closest } from "./suggest.js";
import { type Token, tokenize } from "./tokenize.js";
import type { Command, ParseCommandResult, Subcommand } from "./types.js";
import { SUBCOMMAND_ALIASES, SUBCOMMANDS, usageOf } from "./usage.js";

export {
  DEFAULT_AUDIT_COUNT,
  MAX_AUDIT_COUNT,
  MAX_CAT_LINES,
  MAX_COMMAND_LENGTH,
  MAX_PATH_BYTES,
  MAX_REASON_LENGTH,
} from "./limits.js";

/** kubectl words people type first, and the pns command that does that job. */
const KUBECTL_HABITS: Readonly<Record<string, Subcommand>> = { get: "ps", top: "ps", describe: "ps" };

/** Corrections applied in a row to reach a suggestion that parses (a misspelt command, then a misspelt flag, …). */
const MAX_FIXES = 3;

// C0 controls other than tab and line breaks, DEL, and bidi overrides that make text read differently than it parses.
function hasForbiddenChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
    if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return true;
  }
  return false;
}

function fail(sub: Subcommand | null, message: string, suggestion?: string): ParseCommandResult {
  const error = { message, usage: usageOf(sub ?? undefined) };
  return { ok: false, error: suggestion === undefined ? error : { ...error, suggestion } };
}

function tooMany(sub: Subcommand, extra: Token, hint = ""): Refusal {
  return new Refusal(`unexpected "${clip(extra.value)}": ${sub} takes no more arguments${hint}`);
}

function build(sub: Subcommand, scanned: Scanned, words: Words, typed: string): Command | Refusal {
  const { flags, positionals: pos } = scanned;
  switch (sub) {
    case "help": {
      const topic = pos[0];
      if (topic === undefined) return { kind: "help", topic: null };
      if (pos[1]) return tooMany(sub, pos[1]);
      const t = topic.value.toLowerCase();
      if ((SUBCOMMANDS as string[]).includes(t)) return { kind: "help", topic: t as Subcommand };
      if (Object.hasOwn(SUBCOMMAND_ALIASES, t)) return { kind: "help", topic: SUBCOMMAND_ALIASES[t]! };
      const near = closest(t, [...SUBCOMMANDS, ...Object.keys(SUBCOMMAND_ALIASES)]);
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
      const t = takeTarget(sub, pos);
      if (t instanceof Refusal) return t;
      const extra = pos[t?.used ?? 0];
      if (extra) return tooMany(sub, extra);
      const placement = placementOf(flags, t?.namespace ?? null);
      if (placement instanceof Refusal) return placement;
      return { kind: "cleanup", target: t?.target ?? null, namespace: placement.namespace, cluster: placement.cluster };
    }
    case "ps": {
      const t = targetOf(sub, flags, pos);
      if (t instanceof Refusal) return t;
      if (t === null) return missingTarget(sub, flags, "name a pod or workload, like");
      if (pos[t.used]) return tooMany(sub, pos[t.used]!);
      const placement = placementOf(flags, t.namespace);
      if (placement instanceof Refusal) return placement;
      return { kind: "ps", target: t.target, ...placement };
    }
    case "signal":
      return buildSignal(scanned, words, typed);
    case "ports":
    case "doctor": {
      const t = targetOf(sub, flags, pos);
      if (t instanceof Refusal) return t;
      if (t === null) return missingTarget(sub, flags, "name a pod or workload, like");
      if (pos[t.used]) return tooMany(sub, pos[t.used]!);
      const placement = placementOf(flags, t.namespace);
      if (placement instanceof Refusal) return placement;
      return { kind: sub, target: t.target, ...placement };
    }
    case "inspect": {
      const t = targetOf(sub, flags, pos);
      if (t instanceof Refusal) return t;
      if (t === null) return missingTarget(sub, flags, "name the pod, then the PID, like");
      const placement = placementOf(flags, t.namespace);
      if (placement instanceof Refusal) return placement;
      const pid = pidOf(pos[t.used], formatCommand({ kind: "ps", target: t.target, ...placement }));
      if (pid instanceof Refusal) return pid;
      const extra = pos[t.used + 1];
      if (extra) return tooMany(sub, extra);
      return { kind: "inspect", target: t.target, pid, ...placement };
    }
    case "cat": {
      const t = targetOf(sub, flags, pos);
      if (t instanceof Refusal) return t;
      if (t === null) return missingTarget(sub, flags, "name the pod, then the PID and the path, like");
      const placement = placementOf(flags, t.namespace);
      if (placement instanceof Refusal) return placement;
      const pid = pidOf(pos[t.used], formatCommand({ kind: "ps", target: t.target, ...placement }));
      if (pid instanceof Refusal) return pid;
      const path = pathOf(pos[t.used + 1]);
      if (path instanceof Refusal) return path;
      const extra = pos[t.used + 2];
      if (extra) return tooMany(sub, extra, "; quote a path that contains spaces");
      const lines = flags.lines === undefined ? null : countOf(flags.lines, "--lines", MAX_CAT_LINES);
      if (lines instanceof Refusal) return lines;
      return { kind: "cat", target: t.target, pid, path, lines, ...placement };
    }
  }
}

/** The subcommands whose target may be `-l SELECTOR`: every one that works on one pod but signal. */
type SelectableSubcommand = "ps" | "cat" | "inspect" | "ports" | "doctor";

/**
 * The command's target: the pods matching `-l`, or the target at the start of `pos`; null when there is neither.
 * With `-l`, a word where the target would stand is refused (both were given); for cat and inspect the PID stands
 * there, so a number is left to be read as the PID.
 */
function targetOf(sub: SelectableSubcommand, flags: Scanned["flags"], pos: Token[]): TakenTarget | Refusal | null {
  const selector = flags.selector;
  if (selector === undefined) return takeTarget(sub, pos);
  const first = pos[0];
  const pidFollows = sub === "cat" || sub === "inspect";
  if (first && !(pidFollows && /^\d+$/.test(first.value))) {
    return new Refusal(`give either a target or -l, not both (got "${clip(first.value)}" and -l ${clip(selector)})`);
  }
  const problem = labelSelectorProblem(selector);
  if (problem) return new Refusal(`-l: ${problem}. Quote selectors with spaces: -l "app in (a,b)"`);
  return { target: { kind: "selector", selector: selector.trim() }, namespace: null, used: 0 };
}

/** `missing <target>`, with a complete example of `sub` on `nginx` and the `-l` form; `what` says what to give. */
function missingTarget(sub: SelectableSubcommand, flags: Scanned["flags"], what: string): Refusal {
  const p = placementOf(flags, null);
  if (p instanceof Refusal) return p;
  const target = { kind: "auto", name: "nginx" } as const;
  const example =
    sub === "cat"
      ? formatCommand({ kind: "cat", target, pid: 8, path: "/etc/hosts", lines: null, ...p })
      : sub === "inspect"
        ? formatCommand({ kind: "inspect", target, pid: 8, ...p })
        : formatCommand({ kind: sub, target, ...p });
  return new Refusal(`missing <target>: ${what} ${example}, or use -l app=web`);
}

/** One pass of the parser, with its suggestion unchecked. */
function parseOnce(text: string): ParseCommandResult {
  if (text.length > MAX_COMMAND_LENGTH) {
    return fail(null, `the command is ${text.length} characters long; at most ${MAX_COMMAND_LENGTH} are allowed`);
  }
  if (hasForbiddenChar(text)) {
    return fail(null, "the command contains control or text-direction characters: retype it as plain text");
  }
  const tokenized = tokenize(text);
  if (!tokenized.ok) return fail(null, tokenized.message);
  const tokens = normalizeDashes(tokenized.tokens, FLAG_NAMES);
  const first = tokens[0];
  if (first === undefined) return { ok: true, command: { kind: "help", topic: null } };
  const typed = first.value.toLowerCase();
  let sub: Subcommand;
  if ((SUBCOMMANDS as string[]).includes(typed)) {
    sub = typed as Subcommand;
  } else if (Object.hasOwn(SUBCOMMAND_ALIASES, typed)) {
    sub = SUBCOMMAND_ALIASES[typed]!;
  } else if (typed === "-h" || typed === "--help") {
    sub = "help";
  } else if (Object.hasOwn(KUBECTL_HABITS, typed)) {
    const instead = KUBECTL_HABITS[typed]!;
    return fail(
      null,
      `unknown command "${clip(first.value)}": pns lists a pod's processes with ${instead}`,
      withReplaced(tokens, 0, instead),
    );
  } else {
    const near = closest(typed, [...SUBCOMMANDS, ...Object.keys(SUBCOMMAND_ALIASES)]);
    const message = near
      ? `unknown command "${clip(first.value)}": did you mean ${near}?`
      : `unknown command "${clip(first.value)}": start with one of ${SUBCOMMANDS.join(", ")}`;
    return fail(null, message, near ? withReplaced(tokens, 0, near) : undefined);
  }
  const scanned = scan(sub, tokens.slice(1), tokens, 1);
  if (scanned instanceof Refusal) return fail(sub, scanned.message, scanned.suggestion);
  if (scanned.flags.help === "true") return { ok: true, command: { kind: "help", topic: sub === "help" ? null : sub } };
  const command = build(sub, scanned, tokens, typed);
  if (command instanceof Refusal) return fail(sub, command.message, command.suggestion);
  return { ok: true, command };
}

/**
 * Parses the text after `/pns` into a command, kubectl- and kill-style. Never throws: a refusal says what was wrong,
 * how to fix it, and carries the subcommand's usage; a suggestion is only offered when it parses (as typed in Slack).
 */
export function parseCommand(text: string): ParseCommandResult {
  const result = parseOnce(text);
  if (result.ok || result.error.suggestion === undefined) return result;
  const { suggestion, ...error } = result.error;
  let next = suggestion;
  for (let fix = 0; fix < MAX_FIXES; fix++) {
    const again = parseOnce(asSlackSends(next.replace(/^\/pns /, "")));
    if (again.ok) return { ok: false, error: { ...error, suggestion: next } };
    if (again.error.suggestion === undefined) break;
    next = again.error.suggestion;
  }
  return { ok: false, error };
}
