/**
 * What each signal means to each runtime pns recognises, and how risky it is there: JVM QUIT prints a thread dump and
 * goes on, Go QUIT dumps the goroutines and exits, nginx HUP reloads, and so on. Where a runtime has no entry, the
 * generic severity (`process/severity.ts`, signal(7)'s default actions) applies. Shown in the signal picker, the
 * reason modal, the approval card and its confirm dialog.
 */

import { RUNTIME_LABELS, type RuntimeKind } from "./process/runtime.js";
import {
  afterMainEnds,
  type RiskLevel,
  type SignalSeverity,
  type SignalTarget,
  signalSeverity,
} from "./process/severity.js";
import { SIGNAL_HINTS, type SignalName } from "./signals.js";

/** Whether the process ends: `yes` as the runtime handles it, `unhandled` unless the program catches it, `no`. */
export type SignalEnds = "yes" | "unhandled" | "no";

/** One signal as one runtime takes it. */
export interface CatalogueEntry {
  /** What it does, as a sentence after "SIGQUIT to a JVM": `prints a thread dump … and goes on`. */
  meaning: string;
  /** A picker's short form (≤ 40 chars): `thread dump, goes on`. */
  short: string;
  risk: RiskLevel;
  ends: SignalEnds;
}

const entry = (risk: RiskLevel, ends: SignalEnds, short: string, meaning: string): CatalogueEntry => ({
  meaning,
  short,
  risk,
  ends,
});

/**
 * The catalogue. Sources: HotSpot's signal handling (SIGQUIT: thread dump to stdout unless `-Xrs`; HUP, INT, TERM
 * run the shutdown hooks, java.lang.Terminator); Go's runtime/sigtab_linux_generic.go (HUP, INT, TERM `_SigKill`,
 * QUIT `_SigThrow`: a goroutine dump, then exit status 2; USR1, USR2 `_SigNotify` only: ignored unless notified;
 * WINCH `_SigIgn`); nginx.org/en/docs/control.html and ngx_process.c (workers ignore HUP and USR2); Node.js's
 * process docs (USR1 starts the inspector; INT and TERM exit with 128 + the signal unless listened for); CPython's
 * signal module (INT raises KeyboardInterrupt).
 */
export const SIGNAL_CATALOGUE: Partial<Record<RuntimeKind, Partial<Record<SignalName, CatalogueEntry>>>> = {
  jvm: {
    QUIT: entry(
      "low",
      "no",
      "thread dump, goes on",
      "prints a thread dump of every Java thread to its stdout and goes on running (unless started with -Xrs)",
    ),
    HUP: entry("high", "yes", "shutdown hooks, then exits", "runs the JVM's shutdown hooks and exits (status 129)"),
    INT: entry("high", "yes", "shutdown hooks, then exits", "runs the JVM's shutdown hooks and exits (status 130)"),
    TERM: entry("high", "yes", "shutdown hooks, then exits", "runs the JVM's shutdown hooks and exits (status 143)"),
    USR2: entry(
      "medium",
      "unhandled",
      "used by HotSpot itself",
      "is a signal HotSpot uses internally to suspend threads; sent from outside, its effect is undefined",
    ),
  },
  go: {
    QUIT: entry(
      "high",
      "yes",
      "goroutine dump, then EXITS",
      "dumps every goroutine's stack to stderr and then exits (status 2), unless the program catches SIGQUIT",
    ),
    HUP: entry(
      "high",
      "unhandled",
      "exits unless caught",
      "makes it exit unless the program catches it (signal.Notify)",
    ),
    INT: entry(
      "high",
      "unhandled",
      "exits unless caught",
      "makes it exit unless the program catches it (signal.Notify)",
    ),
    TERM: entry(
      "high",
      "unhandled",
      "exits unless caught",
      "makes it exit unless the program catches it (signal.Notify)",
    ),
    USR1: entry("low", "no", "ignored unless caught", "is ignored by the Go runtime unless the program asks for it"),
    USR2: entry("low", "no", "ignored unless caught", "is ignored by the Go runtime unless the program asks for it"),
    WINCH: entry("low", "no", "ignored", "is ignored by the Go runtime unless the program asks for it"),
  },
  "nginx-master": {
    HUP: entry(
      "low",
      "no",
      "reload configuration",
      "re-reads its configuration, starts new workers and shuts the old ones down gracefully; a configuration that does not load is refused and the old workers go on",
    ),
    USR1: entry("low", "no", "reopen log files", "reopens its log files (after they were rotated)"),
    USR2: entry(
      "medium",
      "no",
      "binary upgrade: a 2nd master",
      "starts a new master from the nginx binary on disk beside the running one (a binary upgrade): both serve until one is stopped",
    ),
    WINCH: entry(
      "high",
      "no",
      "stops its workers: serves nothing",
      "stops its workers gracefully while the master stays: nothing serves requests until it gets SIGHUP",
    ),
    QUIT: entry(
      "high",
      "yes",
      "graceful shutdown",
      "shuts down gracefully: the workers finish the requests in flight, then nginx exits",
    ),
    TERM: entry("high", "yes", "fast shutdown", "shuts down at once, dropping the connections in flight"),
    INT: entry("high", "yes", "fast shutdown", "shuts down at once, dropping the connections in flight"),
  },
  "nginx-worker": {
    QUIT: entry(
      "medium",
      "yes",
      "worker ends gracefully",
      "ends this worker once its requests are done; the master starts a new one",
    ),
    TERM: entry(
      "medium",
      "yes",
      "worker ends at once",
      "ends this worker at once, dropping its connections; the master starts a new one",
    ),
    INT: entry(
      "medium",
      "yes",
      "worker ends at once",
      "ends this worker at once, dropping its connections; the master starts a new one",
    ),
    USR1: entry("low", "no", "reopen log files", "makes this worker reopen its log files"),
    HUP: entry("low", "no", "ignored by workers", "is ignored by nginx workers (send it to the master to reload)"),
    USR2: entry("low", "no", "ignored by workers", "is ignored by nginx workers"),
  },
  node: {
    USR1: entry(
      "medium",
      "no",
      "starts the inspector :9229",
      "starts the Node.js inspector on 127.0.0.1:9229: whoever reaches that port in the pod can run code in the process",
    ),
    INT: entry(
      "high",
      "unhandled",
      "exits unless listened for",
      "makes it exit (status 130) unless the program listens for SIGINT",
    ),
    TERM: entry(
      "high",
      "unhandled",
      "exits unless listened for",
      "makes it exit (status 143) unless the program listens for SIGTERM",
    ),
  },
  python: {
    INT: entry(
      "high",
      "unhandled",
      "KeyboardInterrupt",
      "raises KeyboardInterrupt in the main thread: the program exits unless it catches it",
    ),
  },
};

/** What `signal` means to `runtime`; null when the catalogue has nothing special (the default action applies). */
export function catalogueEntry(runtime: RuntimeKind | null | undefined, signal: SignalName): CatalogueEntry | null {
  if (!runtime) return null;
  return SIGNAL_CATALOGUE[runtime]?.[signal] ?? null;
}

/** A signal's target with the runtime it runs on. */
export interface RuntimeSignalTarget extends SignalTarget {
  runtime?: RuntimeKind | null;
}

/** How a consequence names a process of each runtime: "SIGQUIT to the Go program …". */
const RUNTIME_NOUNS: Record<RuntimeKind, string> = {
  jvm: "JVM",
  go: "Go program",
  python: "Python program",
  node: "Node.js process",
  "nginx-master": "nginx master",
  "nginx-worker": "nginx worker",
  ruby: "Ruby program",
  dotnet: ".NET process",
  beam: "Erlang VM",
  unknown: "process",
};

const LEVELS: RiskLevel[] = ["low", "medium", "high"];
const higher = (a: RiskLevel, b: RiskLevel): RiskLevel => (LEVELS.indexOf(a) >= LEVELS.indexOf(b) ? a : b);

/**
 * The risk of `signal` for `target`, knowing its runtime: the catalogue's meaning and risk where it has an entry
 * (a signal that ends a container's main process is `high`, with what the kubelet does next), else
 * {@link signalSeverity}. A `high` risk is `danger` styled.
 */
export function runtimeSignalSeverity(signal: SignalName, target: RuntimeSignalTarget): SignalSeverity {
  const e = catalogueEntry(target.runtime, signal);
  // PID 1 never gets KILL or STOP from inside its namespace: the generic answer says so.
  if (e === null || !target.runtime) return signalSeverity(signal, target);
  const who = RUNTIME_NOUNS[target.runtime];
  const main = target.main !== false;
  const sure = target.main === true;
  let consequence = `SIG${signal} to the ${who} ${e.meaning}`;
  let level = e.risk;
  if (e.ends !== "no" && main) {
    const next = afterMainEnds(target, signal !== "TERM" && signal !== "INT");
    const lead = e.ends === "unhandled" ? "if it exits, " : "";
    consequence += sure ? `; ${lead}${next}` : `; ${lead}if it is its container's main process, ${next}`;
    level = higher(level, sure ? "high" : "medium");
  }
  if (target.pid === 1 && signal !== "CONT")
    consequence += ". As PID 1 of its namespace, it gets the signal only if it handles it";
  return { level, style: level === "high" ? "danger" : "primary", consequence: `${consequence}.` };
}

/** A signal's hint for one runtime: the catalogue's short form, else the generic hint. */
export function signalHint(signal: SignalName, runtime?: RuntimeKind | null): string {
  const e = catalogueEntry(runtime, signal);
  return e === null || !runtime ? SIGNAL_HINTS[signal] : `${RUNTIME_LABELS[runtime]}: ${e.short}`;
}

/**
 * A signal picker option's description for a table whose processes run `runtimes`: each runtime's short meaning
 * (`JVM: thread dump, goes on · Go: goroutine dump, then EXITS`) within `max` chars, else the generic hint.
 */
export function signalOptionDescription(signal: SignalName, runtimes: readonly RuntimeKind[], max = 75): string {
  const parts: string[] = [];
  for (const r of runtimes) {
    const e = catalogueEntry(r, signal);
    if (e === null) continue;
    const part = `${RUNTIME_LABELS[r]}: ${e.short}`;
    if ([...parts, part].join(" · ").length > max) break;
    parts.push(part);
  }
  return parts.length === 0 ? SIGNAL_HINTS[signal] : parts.join(" · ");
}

/** An action named by what it is for, sent as an ordinary signal request. */
export interface SignalIntent {
  /** A button's label, with `{pid}` for the process. */
  label: string;
  runtime: RuntimeKind;
  signal: SignalName;
}

/** The actions offered where they apply: a thread dump of a JVM, a reload and a log reopen of an nginx master. */
export const SIGNAL_INTENTS: readonly SignalIntent[] = [
  { label: "Thread dump", runtime: "jvm", signal: "QUIT" },
  { label: "Reload config", runtime: "nginx-master", signal: "HUP" },
  { label: "Reopen logs", runtime: "nginx-master", signal: "USR1" },
];

/** One offered action: an intent for one process. */
export interface OfferedIntent {
  label: string;
  pid: number;
  signal: SignalName;
}

/**
 * The intents that apply to these processes (signallable, with a known runtime) and whose signal is allowed, at most
 * `max` of them, in the order of {@link SIGNAL_INTENTS} then PID.
 */
export function intentsFor(
  processes: readonly { pid: number; runtime?: RuntimeKind | undefined; signallable: boolean }[],
  allowed: readonly SignalName[],
  max = 5,
): OfferedIntent[] {
  const out: OfferedIntent[] = [];
  for (const intent of SIGNAL_INTENTS) {
    if (!allowed.includes(intent.signal)) continue;
    for (const p of processes) {
      if (!p.signallable || p.runtime !== intent.runtime) continue;
      if (out.length >= max) return out;
      out.push({ label: intent.label, pid: p.pid, signal: intent.signal });
    }
  }
  return out;
}
