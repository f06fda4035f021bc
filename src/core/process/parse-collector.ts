import { DEFAULT_MAX_PROCESSES, type ParseOptions, userName } from "./parse-options.js";
import { parsePsOutput } from "./parse-ps.js";
import type { ProcessInfo, ProcessListing } from "./types.js";

/** One record as printed by the collector, before decoding. */
interface RawRecord {
  pid: number;
  stat: string | null;
  uidField: string | null;
  cgroups: string[];
  hex: string | null;
  ended: boolean;
}

const utf8 = new TextDecoder("utf-8", { fatal: false });

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
  // Buffer.from stops at the first non-hex pair, which is what hostile or cut-short output deserves.
  const bytes = Buffer.from(hex, "hex");
  if (bytes.length === 0) return [];
  const args = utf8.decode(bytes).split("\0");
  // cmdline ends with a NUL, which leaves one empty last element; a process that rewrote its title may not.
  if (args.length > 1 && args[args.length - 1] === "") args.pop();
  return args;
}

/** Parses the first line of /proc/PID/stat: comm is between the first `(` and the last `)`. */
function parseStat(stat: string): Pick<ProcessInfo, "comm" | "state" | "ppid" | "startTicks" | "cpuTicks"> | null {
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const comm = stat.slice(open + 1, close);
  // Fields after comm, 0-based from field 3 (state) of proc(5).
  const rest = stat.slice(close + 2).split(" ", 21);
  const state = rest[0];
  if (state === undefined || state.length !== 1) return null;
  const utime = toInt(rest[11]);
  const stime = toInt(rest[12]);
  return {
    comm,
    state,
    ppid: toInt(rest[1]),
    cpuTicks: utime === null || stime === null ? null : utime + stime,
    startTicks: toInt(rest[19]),
  };
}

/**
 * Parses the output of {@link COLLECT_SCRIPT} (or its `ps` fallback) into a listing sorted by PID.
 * Never throws: records cut short or garbled are dropped, a missing `z` line makes the listing incomplete.
 */
export function parseCollectorOutput(text: string, options: ParseOptions = {}): ProcessListing {
  const max = Math.max(0, options.maxProcesses ?? DEFAULT_MAX_PROCESSES);
  const listing: ProcessListing = {
    processes: [],
    clockTicks: 100,
    bootTime: null,
    uptime: null,
    selfPid: null,
    complete: false,
    source: "proc",
  };
  const records: RawRecord[] = [];
  let cur: RawRecord | null = null;
  let sawHeader = false;
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = len;
    const lineStart = pos;
    pos = end + 1;
    if (end - lineStart < 1) continue;
    const kind = text.charCodeAt(lineStart);
    const hasSpace = end - lineStart >= 2 && text.charCodeAt(lineStart + 1) === 32;
    if (!hasSpace && end - lineStart !== 1) continue;
    const value = hasSpace ? text.slice(lineStart + 2, end) : "";
    switch (kind) {
      case 104 /* h */:
        {
          if (!value.startsWith("pns-ps/")) break;
          if (/^pns-ps\/\d+ fallback\s*$/.test(value)) {
            return parsePsOutput(text.slice(pos), options);
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
      case 112 /* p */:
        {
          const pid = toInt(value);
          cur = pid === null ? null : { pid, stat: null, uidField: null, cgroups: [], hex: null, ended: false };
          break;
        }
      case 115 /* s */:
        if (cur && cur.stat === null) cur.stat = value;
        break;
      case 117 /* u */:
        if (cur && cur.uidField === null) cur.uidField = value;
        break;
      case 103 /* g */:
        if (cur && cur.cgroups.length < 64) cur.cgroups.push(value);
        break;
      case 99 /* c */:
        if (cur && cur.hex === null) cur.hex = value;
        break;
      case 101 /* e */:
        if (cur && !hasSpace) {
          cur.ended = true;
          records.push(cur);
        }
        cur = null;
        break;
      case 122 /* z */:
        if (sawHeader && toInt(value.trim()) !== null) listing.complete = true;
        cur = null;
        break;
      default:
        break;
    }
  }

  records.sort((a, b) => a.pid - b.pid);
  const seen = new Set<number>();
  for (const r of records) {
    if (seen.has(r.pid) || r.stat === null) continue;
    const stat = parseStat(r.stat);
    if (stat === null) continue;
    if (listing.processes.length >= max) {
      listing.complete = false;
      break;
    }
    seen.add(r.pid);
    const [uidText, rssText] = (r.uidField ?? "").split(" ", 2);
    const uid = toInt(uidText);
    const hex = r.hex ?? "";
    listing.processes.push({
      pid: r.pid,
      ppid: stat.ppid,
      uid,
      user: userName(uid, options.users),
      state: stat.state,
      startTicks: stat.startTicks,
      cpuTicks: stat.cpuTicks,
      rssKb: toInt(rssText),
      comm: stat.comm,
      args: decodeCmdline(hex),
      cmdHex: hex,
      cgroups: r.cgroups,
      container: null,
      role: "app",
    });
  }
  return listing;
}
