import { DEFAULT_MAX_PROCESSES, emptyListing, type ParseOptions, userName } from "./parse-options.js";
import { parsePsOutput } from "./parse-ps.js";
import { isRuntimeMarker } from "./runtime.js";
import { parseSignalMask } from "./signal-delivery.js";
import type { ProcessInfo, ProcessListing } from "./types.js";

const utf8 = new TextDecoder("utf-8", { fatal: false });

/**
 * `bytes[start, end)` as latin1. Buffer's own `latin1Slice` (lib/internal/buffer.js addBufferPrototypeMethods, what
 * `toString("latin1", …)` calls after checking its arguments) is called straight away when there is one: a cmdline
 * is decoded an argument at a time, and the checks cost more than the decoding of a short argument.
 */
const latin1: (bytes: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as { latin1Slice?: unknown }).latin1Slice === "function"
    ? (bytes, start, end) =>
        (bytes as Buffer & { latin1Slice(start: number, end: number): string }).latin1Slice(start, end)
    : (bytes, start, end) => bytes.toString("latin1", start, end);
/** Bytes of one cmdline being decoded (CMDLINE_MAX_BYTES of scripts.ts, with room to spare). */
const cmdlineScratch = Buffer.allocUnsafe(8192);

/** A non-negative integer from decimal text, or null; never NaN. */
function toInt(s: string | undefined): number | null {
  if (s === undefined || s.length === 0 || s.length > 20) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** A non-negative decimal number (`380.98`), or null. */
function toDecimal(s: string | undefined): number | null {
  if (s === undefined || !/^\d{1,15}(?:\.\d{1,9})?$/.test(s)) return null;
  return Number(s);
}

/** Decodes the collector's hex of /proc/PID/cmdline into arguments; invalid UTF-8 becomes U+FFFD. */
export function decodeCmdline(hex: string): string[] {
  if (hex.length < 2) return [];
  // Decoding stops at the first non-hex pair (Buffer's hex rule), which is what cut-short or hostile output deserves.
  // The collector prints at most CMDLINE_MAX_BYTES, so one scratch buffer takes every line without an allocation.
  const big = hex.length > 2 * cmdlineScratch.length;
  const bytes = big ? Buffer.from(hex, "hex") : cmdlineScratch;
  const n = big ? bytes.length : cmdlineScratch.write(hex, 0, "hex");
  if (n === 0) return [];
  // ASCII reads the same in latin1, which needs no UTF-8 validation: each argument is decoded on its own, a string of
  // its own (a piece split from one string keeps a pointer to it, which every later look at each character pays for).
  // Anything else goes through the decoder.
  const args: string[] = [];
  let from = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) {
      args.push(latin1(bytes, from, i));
      from = i + 1;
    } else if (b >= 0x80) {
      return splitArgs(utf8.decode(bytes.subarray(0, n)));
    }
  }
  // cmdline ends with a NUL, which ends the last argument; a process that rewrote its title may leave it out.
  if (from < n) args.push(latin1(bytes, from, n));
  return args;
}

/** The arguments of a decoded cmdline: NUL-separated, the final NUL ending the last one rather than starting another. */
function splitArgs(text: string): string[] {
  const args = text.split("\0");
  if (args.length > 1 && args[args.length - 1] === "") args.pop();
  return args;
}

/** A non-negative integer from `text[start, end)`, or null; reads in place to spare 10,000s of substrings. */
function intAt(text: string, start: number, end: number): number | null {
  if (end <= start || end - start > 15) return null;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    n = n * 10 + c;
  }
  return n;
}

/** What the first line of /proc/PID/stat says about a process. */
type StatFields = Pick<ProcessInfo, "comm" | "state" | "ppid" | "startTicks" | "cpuTicks">;

/** Scratch result of parseStatAt, reused for every record (one object less per process). */
const stat: StatFields = { comm: "", state: "", ppid: null, startTicks: null, cpuTicks: null };

/**
 * The most characters of comm between its parentheses: the kernel prints it from a `char tcomm[64]` (fs/proc/array.c
 * `proc_task_name`: a task's 16-byte comm, or a kernel thread's or workqueue worker's longer name), unescaped.
 */
const STAT_COMM_MAX = 63;

/**
 * Parses /proc/PID/stat in `text[start, end)`: comm is between the first `(` and the last `)` within the longest
 * comm after it (the fields after comm are numbers and one state letter, so that is the line's last `)` too, found
 * without reading the whole line backwards); the fields after it are read by index (state is field 3 of proc(5),
 * ppid 4, utime 14, stime 15, starttime 22).
 */
function parseStatAt(text: string, start: number, end: number): boolean {
  const open = text.indexOf("(", start);
  const close = text.lastIndexOf(")", Math.min(end - 1, open + STAT_COMM_MAX + 1));
  if (open < 0 || open >= end || close < open) return false;
  const stateAt = close + 2;
  if (stateAt + 1 > end || text.charCodeAt(close + 1) !== 32) return false;
  if (stateAt + 1 < end && text.charCodeAt(stateAt + 1) !== 32) return false;
  // One pass over the fields after the state, reading the numeric ones pns needs in place.
  let ppid: number | null = null;
  let utime: number | null = null;
  let stime: number | null = null;
  let startTicks: number | null = null;
  let field = 1;
  let value = 0;
  let digits = 0;
  let valid = true;
  for (let i = stateAt + 2; i <= end && field <= 19; i++) {
    const c = i === end ? 32 : text.charCodeAt(i);
    if (c === 32) {
      const n = valid && digits > 0 && digits <= 15 ? value : null;
      if (field === 1) ppid = n;
      else if (field === 11) utime = n;
      else if (field === 12) stime = n;
      else if (field === 19) startTicks = n;
      field++;
      value = 0;
      digits = 0;
      valid = true;
    } else if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else {
      valid = false;
    }
  }
  stat.comm = text.slice(open + 1, close);
  stat.state = text.charAt(stateAt);
  stat.ppid = ppid;
  stat.cpuTicks = utime === null || stime === null ? null : utime + stime;
  stat.startTicks = startTicks;
  return true;
}

/** The text of an `x` line's hex (a stat holding newlines), without its final newline. */
function decodeStatHex(hex: string): string {
  const text = utf8.decode(Buffer.from(hex, "hex"));
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}

/** The collector's two CPU samples: the interval, and per PID of the first sample its start ticks and ticks gained. */
interface CpuSamples {
  /** Seconds between the samples; null without two samples far enough apart to mean anything. */
  seconds: number | null;
  pids: number[];
  /** Index of each PID in `pids` (the last of a PID listed twice), built only when the cursor misses (sampleAt). */
  index: Map<number, number> | null;
  /** False when a PID may be listed twice: then only the index answers. */
  unique: boolean;
  /** Where the next lookup looks first: both samples and the records come in the same glob order. */
  cursor: number;
  starts: number[];
  /** Ticks gained between the samples, -1 when the second did not see that very process. */
  delta: number[];
}

/**
 * Reads `k <pid> <utime> <stime> <starttime>` in `text[at, end)` into `out` (PID, utime + stime, start), in one
 * pass with no substrings; false for a garbled line.
 */
function readSampleLine(text: string, at: number, end: number, out: number[]): boolean {
  let field = 0;
  let value = 0;
  let digits = 0;
  out[1] = 0;
  for (let i = at; i <= end; i++) {
    const c = i === end ? 32 : text.charCodeAt(i);
    if (c === 32) {
      if (digits === 0 || digits > 15 || field > 3) return false;
      if (field === 0) out[0] = value;
      else if (field === 3) out[2] = value;
      else out[1] = (out[1] ?? 0) + value;
      field++;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
    } else return false;
  }
  return field === 4;
}

/**
 * Reads the `t`/`k` lines of both samples from the `t` line at `from`; returns them and where the records start.
 * Kept out of the record loop (and as plain data) so that loop stays small for the engine to optimize.
 */
function readCpuSamples(text: string, from: number): { samples: CpuSamples; next: number } {
  const uptimes: (number | null)[] = [];
  const pids: number[] = [];
  const ticks: number[] = [];
  const starts: number[] = [];
  const delta: number[] = [];
  const samples: CpuSamples = { seconds: null, pids, index: null, unique: true, cursor: 0, starts, delta };
  const line = [0, 0, 0];
  let pos = from;
  while (pos < text.length) {
    const kind = text.charCodeAt(pos);
    if ((kind !== 116 && kind !== 107) || text.charCodeAt(pos + 1) !== 32) break;
    let end = text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    if (kind === 116) {
      if (uptimes.length === 2) break;
      uptimes.push(toDecimal(text.slice(pos + 2, end)));
      if (uptimes.length === 2) {
        for (let i = 0; i < pids.length; i++) delta.push(-1);
        samples.unique = inOneOrder(pids);
      }
    } else if (uptimes.length > 0 && readSampleLine(text, pos + 2, end, line)) {
      const [pid, t, start] = line as [number, number, number];
      if (uptimes.length === 1) {
        pids.push(pid);
        ticks.push(t);
        starts.push(start);
      } else {
        const i = sampleAt(samples, pid);
        // The same process in both samples (a PID recycled in between has another start); ticks never go back.
        if (i !== undefined && starts[i] === start && t >= ticks[i]!) delta[i] = t - ticks[i]!;
      }
    }
    pos = end + 1;
  }
  const [a, b] = uptimes;
  const seconds =
    a === undefined || a === null || b === undefined || b === null || b - a < MIN_SAMPLE_SECONDS ? null : b - a;
  samples.seconds = seconds;
  samples.cursor = 0;
  return { samples, next: pos };
}

/** Decimal digits of a non-negative integer. */
function digitCount(n: number): number {
  let d = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) d++;
  return d;
}

/** True when `a` sorts before `b` as decimal text (`1` < `10` < `2`), as the shell's glob sorts /proc. */
function textBefore(a: number, b: number): boolean {
  const da = digitCount(a);
  const db = digitCount(b);
  if (da < db) return a * 10 ** (db - da) <= b;
  if (da > db) return a < b * 10 ** (da - db);
  return a < b;
}

/** True when the PIDs increase throughout, as numbers or as text: then none is listed twice. */
function inOneOrder(pids: readonly number[]): boolean {
  let numeric = true;
  let text = true;
  for (let i = 1; i < pids.length && (numeric || text); i++) {
    const a = pids[i - 1]!;
    const b = pids[i]!;
    if (numeric && !(a < b)) numeric = false;
    if (text && !textBefore(a, b)) text = false;
  }
  return numeric || text;
}

/**
 * The index of `pid` in the first sample, or undefined: the entry at the cursor first (the second sample and the
 * records list the PIDs in the order the first did, unless processes came or went), a PID index on a miss.
 */
function sampleAt(s: CpuSamples, pid: number): number | undefined {
  const at = s.cursor;
  if (s.unique && s.pids[at] === pid) {
    s.cursor = at + 1;
    return at;
  }
  if (s.index === null) {
    s.index = new Map();
    for (let i = 0; i < s.pids.length; i++) s.index.set(s.pids[i]!, i);
  }
  const i = s.index.get(pid);
  if (i !== undefined) s.cursor = i + 1;
  return i;
}

/** %CPU of a process over the samples, or null unless both saw this very process (same start ticks). */
function cpuPercentOf(s: CpuSamples | null, pid: number, startTicks: number | null, clockTicks: number): number | null {
  if (s === null || s.seconds === null || startTicks === null) return null;
  const i = sampleAt(s, pid);
  if (i === undefined || s.starts[i] !== startTicks) return null;
  const d = s.delta[i]!;
  return d < 0 ? null : (d / clockTicks / s.seconds) * 100;
}

/** Records an `r <pid> <marker>` line (a runtime marker) in `hints`; unknown markers and repeats are dropped. */
function runtimeHint(value: string, hints: Map<number, string[]>): void {
  const space = value.indexOf(" ");
  if (space < 0) return;
  const pid = toInt(value.slice(0, space));
  const marker = value.slice(space + 1);
  if (pid === null || !isRuntimeMarker(marker)) return;
  const list = hints.get(pid);
  if (list === undefined) hints.set(pid, [marker]);
  else if (list.length < 16 && !list.includes(marker)) list.push(marker);
}

/** Shortest interval between the two samples that gives a meaningful %CPU (uptime has 10 ms steps). */
const MIN_SAMPLE_SECONDS = 0.2;

/**
 * Parses the output of {@link COLLECT_SCRIPT} (either version of its format, or its `ps` fallback) into a listing
 * sorted by PID. Never throws: a record that cannot be parsed is counted in `unreadable` (one cut off by the end of
 * the output is not: the listing is then incomplete), a missing `z` line makes the listing incomplete.
 */
export function parseCollectorOutput(text: string, options: ParseOptions = {}): ProcessListing {
  const max = Math.max(0, options.maxProcesses ?? DEFAULT_MAX_PROCESSES);
  const listing = emptyListing("proc");
  const processes: ProcessInfo[] = [];
  // The record being read: whether one is open, its PID, where its stat and u lines are, its cgroup lines and hex.
  let open = false;
  let pid: number | null = null;
  let statAt = -1;
  let statEnd = -1;
  let statText: string | null = null;
  let uidAt = -1;
  let uidEnd = -1;
  // The record's cgroup lines: as long as they are the previous record's, that record's array (processes of one
  // container come one after another and print the same lines) is shared instead of slicing the lines again.
  let lastCgroups: string[] = [];
  let cgroupCount = 0;
  let cgroupsOwn: string[] | null = null;
  let hex: string | null = null;
  // The record's `q <SigCgt> <SigIgn>` masks; null until read.
  let caught: number | null = null;
  let ignored: number | null = null;
  let sawHeader = false;
  let samples: CpuSamples | null = null;
  const hints = new Map<number, string[]>();
  let unreadable = 0;
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = len;
    const lineStart = pos;
    pos = end + 1;
    const lineLength = end - lineStart;
    if (lineLength < 1) continue;
    const kind = text.charCodeAt(lineStart);
    const hasSpace = lineLength >= 2 && text.charCodeAt(lineStart + 1) === 32;
    if (!hasSpace && lineLength !== 1) continue;
    const valueAt = lineStart + 2;
    switch (kind) {
      case 104 /* h */:
        {
          // Only the first header counts: nothing a process controls can print a line, but stay on the safe side.
          if (sawHeader) break;
          const value = text.slice(valueAt, end);
          if (!value.startsWith("pns-ps/")) break;
          const fallback = /^pns-ps\/\d+ fallback(?: self=(\d{1,10}))?\s*$/.exec(value);
          if (fallback) {
            const ps = parsePsOutput(text.slice(pos), options);
            ps.selfPid = toInt(fallback[1]);
            return ps;
          }
          sawHeader = true;
          for (const part of value.split(" ")) {
            const eq = part.indexOf("=");
            if (eq < 0) continue;
            const k = part.slice(0, eq);
            const v = part.slice(eq + 1);
            if (k === "clk") listing.clockTicks = toInt(v) || 100;
            else if (k === "btime") listing.bootTime = toInt(v);
            else if (k === "uptime") listing.uptime = toDecimal(v);
            else if (k === "self") listing.selfPid = toInt(v);
          }
          break;
        }
      case 116 /* t */:
        // Samples come right after the header, before any record.
        if (hasSpace && sawHeader && samples === null && !open && processes.length === 0) {
          const read = readCpuSamples(text, lineStart);
          samples = read.samples;
          pos = read.next;
        }
        break;
      case 114 /* r */:
        if (hasSpace && sawHeader && !open) runtimeHint(text.slice(valueAt, end), hints);
        break;
      case 112 /* p */:
        if (open) unreadable++;
        open = true;
        pid = hasSpace ? intAt(text, valueAt, end) : null;
        statAt = uidAt = -1;
        statText = null;
        cgroupCount = 0;
        cgroupsOwn = null;
        hex = null;
        caught = ignored = null;
        break;
      case 115 /* s */:
        if (pid !== null && statAt < 0 && statText === null && hasSpace) {
          statAt = valueAt;
          statEnd = end;
        }
        break;
      case 120 /* x */:
        if (pid !== null && statAt < 0 && statText === null && hasSpace)
          statText = decodeStatHex(text.slice(valueAt, end));
        break;
      case 117 /* u */:
        if (pid !== null && uidAt < 0 && hasSpace) {
          uidAt = valueAt;
          uidEnd = end;
        }
        break;
      case 113 /* q */:
        if (pid !== null && hasSpace && caught === null) {
          const [c = "", i = ""] = text.slice(valueAt, end).split(" ");
          caught = parseSignalMask(c);
          ignored = caught === null ? null : parseSignalMask(i);
          if (ignored === null) caught = null;
        }
        break;
      case 103 /* g */:
        if (pid !== null && hasSpace && cgroupCount < 64) {
          const same = lastCgroups[cgroupCount];
          const line = text.slice(valueAt, end);
          if (cgroupsOwn === null && line === same) cgroupCount++;
          else {
            cgroupsOwn ??= lastCgroups.slice(0, cgroupCount);
            cgroupsOwn.push(line);
            cgroupCount++;
          }
        }
        break;
      case 99 /* c */:
        if (pid !== null && hex === null) hex = hasSpace ? text.slice(valueAt, end) : "";
        break;
      case 101 /* e */:
        {
          if (!open || hasSpace) break;
          open = false;
          const parsed =
            pid !== null &&
            (statText !== null
              ? parseStatAt(statText, 0, statText.length)
              : statAt >= 0 && parseStatAt(text, statAt, statEnd));
          if (!parsed || pid === null) {
            unreadable++;
            pid = null;
            break;
          }
          let uid: number | null = null;
          let rssKb: number | null = null;
          let threads: number | null = null;
          if (uidAt >= 0) {
            // `u <uid> <rss> <threads>`: each may be empty (a kernel thread has no VmRSS).
            const s1 = text.indexOf(" ", uidAt);
            const uidStop = s1 < 0 || s1 > uidEnd ? uidEnd : s1;
            uid = intAt(text, uidAt, uidStop);
            if (uidStop < uidEnd) {
              const s2 = text.indexOf(" ", uidStop + 1);
              const rssStop = s2 < 0 || s2 > uidEnd ? uidEnd : s2;
              rssKb = intAt(text, uidStop + 1, rssStop);
              if (rssStop < uidEnd) threads = intAt(text, rssStop + 1, uidEnd);
            }
          }
          const cmdHex = hex ?? "";
          const cgroups =
            cgroupsOwn ?? (cgroupCount === lastCgroups.length ? lastCgroups : lastCgroups.slice(0, cgroupCount));
          lastCgroups = cgroups;
          processes.push({
            pid,
            ppid: stat.ppid,
            uid,
            user: userName(uid, options.users),
            state: stat.state,
            startTicks: stat.startTicks,
            cpuTicks: stat.cpuTicks,
            rssKb,
            threads,
            caughtSignals: caught,
            ignoredSignals: ignored,
            cpuPercent: cpuPercentOf(samples, pid, stat.startTicks, listing.clockTicks),
            comm: stat.comm,
            args: decodeCmdline(cmdHex),
            cmdHex,
            cgroups,
            container: null,
            role: "app",
          });
          pid = null;
          break;
        }
      case 122 /* z */:
        if (open) unreadable++;
        open = false;
        if (sawHeader && hasSpace && toInt(text.slice(valueAt, end).trim()) !== null) listing.complete = true;
        pid = null;
        break;
      default:
        break;
    }
  }

  // The shell's glob lists /proc/10 before /proc/2; keep the first record of a PID listed twice.
  let sorted = true;
  for (let i = 1; i < processes.length; i++) {
    if (processes[i - 1]!.pid >= processes[i]!.pid) {
      sorted = false;
      break;
    }
  }
  if (!sorted) {
    processes.sort((x, y) => x.pid - y.pid);
    let w = 0;
    for (let i = 0; i < processes.length; i++) {
      if (w > 0 && processes[w - 1]!.pid === processes[i]!.pid) continue;
      processes[w++] = processes[i]!;
    }
    processes.length = w;
  }
  if (processes.length > max) {
    processes.length = max;
    listing.complete = false;
  }
  if (hints.size > 0)
    for (const p of processes) {
      const h = hints.get(p.pid);
      if (h !== undefined) p.runtimeHints = h;
    }
  const seconds = (samples as CpuSamples | null)?.seconds ?? null;
  if (seconds !== null) listing.cpuSampleSeconds = Math.round(seconds * 100) / 100;
  listing.unreadable = unreadable;
  listing.processes = processes;
  return listing;
}
