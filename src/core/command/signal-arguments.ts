/** `signal` and its alias `kill`: the target, the PID, one signal however written (HUP, -HUP, -9, -s HUP), a reason. */
import { allowedSignalList, lookupSignal, type SignalName } from "../signals.js";
import { mentionRefusal, pidOf, placementOf, takeTarget } from "./arguments.js";
import { nearSignal, type Scanned, type SignalWord } from "./flags.js";
import { formatCommand } from "./format-command.js";
import { clip } from "./kube-names.js";
import { MAX_REASON_LENGTH } from "./limits.js";
import { Refusal, type Words, withInserted, withReplaced } from "./refusal.js";
import type { Command } from "./types.js";

/** The allowlisted signal a signal word names, or why it names none. */
function signalOf(sig: SignalWord, words: Words): SignalName | Refusal {
  const found = lookupSignal(sig.word);
  if (found.kind === "allowed") return found.name;
  const use = `use one of ${allowedSignalList()}`;
  if (found.kind === "refused") {
    const what =
      found.number === 0
        ? "signal 0 only tests that a process exists; pns does not send it"
        : found.name === null
          ? `signal ${found.number} is a real-time signal, which pns does not send`
          : `SIG${found.name} (${found.number}) is not a signal pns sends`;
    return new Refusal(`${what}: ${use}`);
  }
  if (/^\d+$/.test(sig.word)) {
    return new Refusal(`there is no signal ${clip(sig.word)} (Linux numbers them 1 to 64): ${use}`);
  }
  const fixed = nearSignal(sig.word);
  return new Refusal(
    `"${clip(sig.written)}" is not a signal pns sends: ${use} (as HUP, SIGHUP, -HUP or its number).${fixed ? ` Did you mean ${fixed}?` : ""}`,
    fixed ? withReplaced(words, sig.index, sig.prefix + fixed) : undefined,
  );
}

function signalsConflict(a: string, b: string): Refusal {
  return new Refusal(
    `two signals are given, ${clip(a)} and ${clip(b)}: give one (quote a reason that starts with a signal name)`,
  );
}

/** Builds `signal` (also typed as `kill`): the target, the PID, one signal however written, the reason. */
export function buildSignal(scanned: Scanned, words: Words, typed: string): Command | Refusal {
  const { flags, positionals: pos, signals } = scanned;
  const t = takeTarget("signal", pos);
  if (t instanceof Refusal) return t;
  if (t === null) {
    const p = placementOf(flags, null);
    if (p instanceof Refusal) return p;
    const example = formatCommand({
      kind: "signal",
      target: { kind: "auto", name: "nginx" },
      pid: 8,
      signal: "HUP",
      reason: null,
      ...p,
    });
    return new Refusal(`missing <target>: name the pod, then the PID and the signal, like ${example}`);
  }
  const placement = placementOf(flags, t.namespace);
  if (placement instanceof Refusal) return placement;
  const listing = formatCommand({ kind: "ps", target: t.target, ...placement });
  const [a, b] = signals;
  if (a && b) return signalsConflict(a.written, b.written);
  const pidTok = pos[t.used];
  if (pidTok === undefined && t.used === 1 && /^\d{1,8}$/.test(pos[0]!.value)) {
    const retry = withInserted(words, words.indexOf(pos[0]!), "<pod>");
    return new Refusal(`"${pos[0]!.value}" looks like a PID, but the pod comes first: ${retry}`);
  }
  const pid = pidOf(pidTok, listing);
  if (pid instanceof Refusal) {
    // `signal nginx -1 HUP`: the `-1` was the PID to the user, a signal to kill's grammar.
    const afterTarget = words.indexOf(pos[t.used - 1]!) + 1;
    if (pidTok !== undefined && a && a.index === afterTarget && /^\d+$/.test(a.word)) {
      return new Refusal(`${pid.message} (PIDs are positive; ${a.written} was read as a signal)`);
    }
    return pid;
  }
  let sig = a;
  let reasonFrom = t.used + 1;
  if (sig) {
    const next = pos[reasonFrom];
    if (
      next &&
      !next.quoted &&
      !scanned.literal.has(next) &&
      lookupSignal(next.value.replace(/^-/, "")).kind === "allowed"
    ) {
      return signalsConflict(sig.written, next.value);
    }
  } else {
    const tok = pos[reasonFrom];
    if (tok === undefined) {
      const kill = typed === "kill";
      return new Refusal(
        `missing <signal>: give one of ${allowedSignalList()}${kill ? ". pns has no default (kill's would be TERM, -15)" : ""}`,
        kill ? withInserted(words, 1, "-TERM") : undefined,
      );
    }
    const mention = mentionRefusal(tok, "a signal", "signal");
    if (mention) return mention;
    // A quoted "-9", or one after --, is still the signal in the signal's place.
    const word = tok.value.replace(/^-(?=.)/, "");
    sig = {
      word,
      written: tok.value,
      index: words.indexOf(tok),
      prefix: tok.value.slice(0, tok.value.length - word.length),
    };
    reasonFrom++;
  }
  const signal = signalOf(sig, words);
  if (signal instanceof Refusal) return signal;
  const reason = pos
    .slice(reasonFrom)
    .map((p) => p.value)
    .join(" ")
    .trim();
  if (reason.length > MAX_REASON_LENGTH) {
    return new Refusal(`the reason is ${reason.length} characters long; keep it under ${MAX_REASON_LENGTH}`);
  }
  return { kind: "signal", target: t.target, pid, signal, reason: reason === "" ? null : reason, ...placement };
}
