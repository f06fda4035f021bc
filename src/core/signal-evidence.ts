/**
 * What a signal left in its container's log: how long to watch for it (by runtime), the lines since the signal, the
 * errors among them, a thread or goroutine dump cut out of them, and a one-paragraph summary.
 */

import type { RuntimeKind } from "./process/runtime.js";
import type { SignalName } from "./signals.js";

/** How long to watch a container's log after a signal, and what ends the watch early. */
export interface EvidenceWindow {
  /** Longest watch, in ms. */
  maxMs: number;
  /** Between two reads, in ms. */
  pollMs: number;
  /** True when the log shows the signal's effect complete (a dump's end, nginx's reload done). */
  done: (lines: readonly LogLine[]) => boolean;
}

/** One line of a container's log, its timestamp apart. */
export interface LogLine {
  /** Epoch ms; null when the line had no timestamp. */
  time: number | null;
  text: string;
  /** The line as logged, timestamp included. */
  raw: string;
}

// HotSpot ends a thread dump with its "JNI global refs" line (then a heap summary): jdk's threadService/vmOperations.
const JVM_DUMP_START = /^Full thread dump /;
const JVM_DUMP_END = /^JNI global refs/;
// The Go runtime's SIGQUIT dump starts with the signal's name and ends the process (runtime/signal_unix.go sighandler).
const GO_DUMP_START = /^SIGQUIT: quit/;
// nginx's notices once a reload, a log reopen or a graceful stop is through (ngx_process_cycle.c).
const NGINX_DONE = /\[notice\] \d+#\d+: (?:worker process \d+ exited with code|reopening logs|exit$)/;

/** The window for `signal` to a process of `runtime`. */
export function evidenceWindow(runtime: RuntimeKind | null | undefined, signal: SignalName): EvidenceWindow {
  if (runtime === "jvm" && signal === "QUIT")
    return { maxMs: 10_000, pollMs: 500, done: (ls) => ls.some((l) => JVM_DUMP_END.test(l.text)) };
  if (runtime === "nginx-master" || runtime === "nginx-worker")
    return { maxMs: 3_000, pollMs: 500, done: (ls) => ls.some((l) => NGINX_DONE.test(l.text)) };
  if (runtime === "go" && signal === "QUIT") return { maxMs: 5_000, pollMs: 500, done: () => false };
  return { maxMs: 1_000, pollMs: 500, done: () => false };
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) (.*)$/;

/** Splits `timestamps=true` log text into lines (RFC 3339 stamp, a space, the text); a cut last line is kept. */
export function parseLogLines(text: string): LogLine[] {
  const out: LogLine[] = [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const raw of lines) {
    const m = STAMP.exec(raw);
    // Date.parse keeps milliseconds of a nanosecond stamp only when cut to them.
    const time = m ? Date.parse(m[1]!.replace(/(\.\d{3})\d+/, "$1")) : null;
    out.push({ time: time !== null && Number.isNaN(time) ? null : time, text: m ? m[2]! : raw, raw });
  }
  return out;
}

// Words that mark a line as an error in the usual log formats (nginx's levels, Java's exceptions, Go's panics).
const ERROR_LINE =
  /\b(?:error|errors|fatal|panic|exception|emerg|alert|crit|critical|severe|failed)\b|\[(?:error|emerg|alert|crit)\]|[a-z](?:Exception|Error)\b/i;

/** The lines that look like errors. */
export function errorLines(lines: readonly LogLine[]): LogLine[] {
  return lines.filter((l) => ERROR_LINE.test(l.text));
}

/** A dump found in the log: what kind, and its text. */
export interface LogDump {
  kind: "thread dump" | "goroutine dump";
  text: string;
  lines: number;
}

/** The JVM thread dump or Go goroutine dump in the lines (the first one), else null. */
export function extractDump(lines: readonly LogLine[]): LogDump | null {
  const jvm = lines.findIndex((l) => JVM_DUMP_START.test(l.text));
  if (jvm >= 0) {
    let end = lines.findIndex((l, i) => i > jvm && JVM_DUMP_END.test(l.text));
    if (end < 0) end = lines.length - 1;
    // The heap summary after the refs line is part of the dump: "Heap" and its indented lines.
    let stop = end + 1;
    let blank = stop;
    while (lines[blank]?.text === "") blank++;
    if (lines[blank]?.text === "Heap") {
      stop = blank;
      stop++;
      while (stop < lines.length && /^\s/.test(lines[stop]!.text)) stop++;
    }
    const part = lines.slice(jvm, stop);
    return { kind: "thread dump", text: `${part.map((l) => l.text).join("\n")}\n`, lines: part.length };
  }
  const go = lines.findIndex((l) => GO_DUMP_START.test(l.text));
  if (go >= 0) {
    const part = lines.slice(go);
    return { kind: "goroutine dump", text: `${part.map((l) => l.text).join("\n")}\n`, lines: part.length };
  }
  return null;
}

/** What the watch found, for the summary. */
export interface EvidenceFacts {
  /** Lines logged since the signal (both instances when the container restarted). */
  lines: number;
  errors: number;
  /** The first error lines, as logged (not yet redacted). */
  firstErrors: string[];
  restarted: boolean;
  restartCount: number;
  exitCode: number | null;
  reason: string | null;
  dump: LogDump | null;
  truncated: boolean;
  /** Seconds watched. */
  seconds: number;
}

/** Gathers the facts of a watch from its lines and the container's status. */
export function evidenceFacts(
  lines: readonly LogLine[],
  status: {
    restarted: boolean;
    restartCount: number;
    lastTermination: { exitCode: number | null; reason: string | null } | null;
    truncated: boolean;
  },
  seconds: number,
): EvidenceFacts {
  const errors = errorLines(lines);
  return {
    lines: lines.length,
    errors: errors.length,
    firstErrors: errors.slice(0, 3).map((l) => l.text),
    restarted: status.restarted,
    restartCount: status.restartCount,
    exitCode: status.restarted ? (status.lastTermination?.exitCode ?? null) : null,
    reason: status.restarted ? (status.lastTermination?.reason ?? null) : null,
    dump: extractDump(lines),
    truncated: status.truncated,
    seconds,
  };
}

/** The lines as a file: each with its timestamp, as `kubectl logs --timestamps` prints them. */
export function logFileText(lines: readonly LogLine[]): string {
  return lines.length === 0 ? "" : `${lines.map((l) => l.raw).join("\n")}\n`;
}
