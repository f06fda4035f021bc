import type { Redactor } from "../redact/redactor.js";
import { fingerprintOf } from "./fingerprint.js";
import { detectRuntime, type RuntimeKind } from "./runtime.js";
import type { ProcessInfo, ProcessListing, ProcessRow } from "./types.js";

/** Characters of a command shown before it is cut with `…`. @default 300 */
export const DEFAULT_MAX_COMMAND_CHARS = 300;

/** Options of {@link toRows}. */
export interface RowOptions {
  /** Characters of a command shown before it is cut with `…`. @default 300 */
  maxCommandChars?: number;
}

/**
 * Control characters (C0, DEL, C1) and invisible reordering or zero-width characters that could disguise a command
 * in chat; each becomes a visible `\xNN` or `\uNNNN` escape.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its purpose
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Makes control and invisible characters visible: a newline becomes `\x0a`, ESC `\x1b`, U+202E `\u202e`. */
export function escapeControl(s: string): string {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(s) ? s.replace(UNSAFE, escapeChar) : s;
}

/** Cuts a string to at most `max` characters, ending with `…` when cut (never inside a surrogate pair). */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = Math.max(0, max - 1);
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}

/** Formatted CPU times of the first hour, shared by the many processes that used little CPU. */
const cpuTimeTexts: string[] = [];

/** CPU time as ps prints it: `M:SS`, minutes unbounded (`0:00`, `125:07`); `-` when unknown. */
export function formatCpuTime(ticks: number | null, clockTicks: number): string {
  if (ticks === null || clockTicks <= 0) return "-";
  const seconds = Math.floor(ticks / clockTicks);
  const cached = seconds < 3600 ? cpuTimeTexts[seconds] : undefined;
  if (cached !== undefined) return cached;
  const text = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  if (seconds < 3600) cpuTimeTexts[seconds] = text;
  return text;
}

let cachedDay = Number.NaN;
/** Character codes of the cached day's `YYYY-MM-DDT`. */
const dayCodes = new Uint16Array(11);

/** The character code of decimal digit `d`. */
const digit = (d: number) => 48 + d;

/**
 * ISO 8601 UTC of an epoch time in ms (years 0000–9999), as `Date.prototype.toISOString` prints it; the date part is
 * cached per day since a listing's processes share few days. The string is made in one piece from its character
 * codes: a template of nine parts allocates a cons string per part, five times the bytes, for 10,000 rows.
 */
function isoFromMs(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  if (day !== cachedDay) {
    const date = new Date(day * 86_400_000).toISOString();
    for (let i = 0; i < 11; i++) dayCodes[i] = date.charCodeAt(i);
    cachedDay = day;
  }
  let rest = ms - day * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = Math.floor(rest / 1000);
  const milli = rest - sec * 1000;
  const d = dayCodes;
  return String.fromCharCode(
    d[0]!,
    d[1]!,
    d[2]!,
    d[3]!,
    d[4]!,
    d[5]!,
    d[6]!,
    d[7]!,
    d[8]!,
    d[9]!,
    d[10]!,
    digit(Math.floor(h / 10)),
    digit(h % 10),
    58 /* : */,
    digit(Math.floor(m / 10)),
    digit(m % 10),
    58 /* : */,
    digit(Math.floor(sec / 10)),
    digit(sec % 10),
    46 /* . */,
    digit(Math.floor(milli / 100)),
    digit(Math.floor(milli / 10) % 10),
    digit(milli % 10),
    90 /* Z */,
  );
}

/** When a process started (ISO 8601 UTC), from the boot time and its start ticks; null when either is unknown. */
export function startedAt(p: ProcessInfo, listing: Pick<ProcessListing, "bootTime" | "clockTicks">): string | null {
  if (listing.bootTime === null || p.startTicks === null || listing.clockTicks <= 0) return null;
  const ms = listing.bootTime * 1000 + Math.floor((p.startTicks * 1000) / listing.clockTicks);
  // Years 0000–9999 only; anything else (hostile output) gets no start time rather than a malformed one.
  if (!Number.isSafeInteger(ms) || ms < -62_167_219_200_000 || ms > 253_402_300_799_999) return null;
  return isoFromMs(ms);
}

/** The command users see, before escaping: the redacted arguments, or `[comm]` for kernel threads and zombies. */
export function displayCommand(p: ProcessInfo, redactor: Redactor): string {
  if (p.args.length === 0 || (p.args.length === 1 && p.args[0] === "")) return `[${redactor.text(p.comm)}]`;
  return redactor.command(p.args);
}

/** Seconds a process had run when the listing was taken (uptime − start); null when either is unknown. */
export function ageSeconds(p: ProcessInfo, listing: Pick<ProcessListing, "uptime" | "clockTicks">): number | null {
  if (listing.uptime === null || p.startTicks === null || listing.clockTicks <= 0) return null;
  const age = listing.uptime - p.startTicks / listing.clockTicks;
  // A start after the listing's uptime is hostile or garbled output: no age rather than a negative one.
  return age >= 0 && Number.isFinite(age) ? Math.floor(age) : null;
}

/**
 * True for the first process of a container: an app process of a known container whose parent is outside the PID
 * namespace (PPID 0: the runtime's shim started it) or, as under `hostPID`, a process of no container of the pod.
 * An orphan adopted by the sandbox (parent `/pause`) or by PID 1 of its own container is not.
 */
export function isMainProcess(p: ProcessInfo, parent: ProcessInfo | undefined): boolean {
  if (p.role !== "app" || p.container === null || p.ppid === null) return false;
  if (p.ppid === 0) return true;
  return parent !== undefined && parent.role === "app" && parent.container === null;
}

/**
 * The process table as users see it, sorted by PID: redacted, escaped, capped commands; fingerprints only for
 * processes pns may signal (not the pause process, not pns's own, not from the ps fallback).
 */
export function toRows(listing: ProcessListing, redactor: Redactor, options: RowOptions = {}): ProcessRow[] {
  const max = Math.max(1, options.maxCommandChars ?? DEFAULT_MAX_COMMAND_CHARS);
  const sorted = isSortedByPid(listing.processes)
    ? listing.processes
    : [...listing.processes].sort((a, b) => a.pid - b.pid);
  const rows: ProcessRow[] = new Array(sorted.length);
  // Processes come in runs of one parent and one user: each is looked up and escaped once per run.
  let parentPid: number | null = null;
  let parent: ProcessInfo | undefined;
  let userOf = "";
  let user = "";
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i]!;
    // Cut before escaping so a huge argument costs nothing, then again after (escapes lengthen it).
    const raw = displayCommand(p, redactor);
    const command = truncate(escapeControl(raw.length > max * 4 ? raw.slice(0, max * 4) : raw), max);
    if (p.ppid !== parentPid) {
      parentPid = p.ppid;
      parent = p.ppid === null || p.ppid === 0 ? undefined : findPid(sorted, p.ppid);
    }
    if (i === 0 || p.user !== userOf) {
      userOf = p.user;
      user = escapeControl(p.user);
    }
    rows[i] = {
      pid: p.pid,
      ppid: p.ppid,
      user,
      container: p.container,
      role: p.role,
      state: p.state,
      cpuTime: formatCpuTime(p.cpuTicks, listing.clockTicks),
      cpuPercent: p.cpuPercent,
      startedAt: startedAt(p, listing),
      ageSeconds: ageSeconds(p, listing),
      rssKb: p.rssKb,
      threads: p.threads,
      main: isMainProcess(p, parent),
      caughtSignals: p.caughtSignals,
      ignoredSignals: p.ignoredSignals,
      command,
      fingerprint: p.role === "app" && listing.source === "proc" ? fingerprintOf(p) : null,
      runtime: runtimeOf(p),
    };
  }
  return rows;
}

/** The runtime of an app process; undefined when unknown (every row keeps one shape for the engine). */
function runtimeOf(p: ProcessInfo): RuntimeKind | undefined {
  if (p.role !== "app") return undefined;
  const kind = detectRuntime(p).kind;
  return kind === "unknown" ? undefined : kind;
}

/** The process with `pid` in a listing sorted by PID (binary search: no index to build for 10,000 rows). */
function findPid(sorted: readonly ProcessInfo[], pid: number): ProcessInfo | undefined {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = sorted[mid]!.pid;
    if (at === pid) return sorted[mid];
    if (at < pid) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

function isSortedByPid(ps: readonly ProcessInfo[]): boolean {
  for (let i = 1; i < ps.length; i++) if (ps[i - 1]!.pid > ps[i]!.pid) return false;
  return true;
}

/** The rows `-c CONTAINER` shows, and what it hid. */
export interface ContainerRows {
  rows: ProcessRow[];
  /** Rows left out, per container: how many of each other container, under null the pod sandbox's (or no container's). */
  hidden: Map<string | null, number>;
}

/**
 * The rows of one container's processes, with pns's own debug processes, as `-c CONTAINER` asks: a pod that shares
 * its process namespace (or a copy made with `shareProcessNamespace`) lists every container's processes, which the
 * asker did not ask to see. Nothing is hidden when the namespace is the container's own.
 */
export function rowsOfContainer(rows: readonly ProcessRow[], container: string): ContainerRows {
  const kept: ProcessRow[] = [];
  const hidden = new Map<string | null, number>();
  for (const r of rows) {
    const other = r.role === "pause" || (r.role === "app" && r.container !== container);
    if (!other) kept.push(r);
    else {
      const key = r.role === "pause" ? null : r.container;
      hidden.set(key, (hidden.get(key) ?? 0) + 1);
    }
  }
  return { rows: kept, hidden };
}
