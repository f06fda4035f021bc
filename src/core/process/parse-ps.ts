import { DEFAULT_MAX_PROCESSES, emptyListing, type ParseOptions } from "./parse-options.js";
import type { ProcessInfo, ProcessListing } from "./types.js";

/** Column names of busybox and procps `ps`, mapped to what pns reads from them. */
const COLUMNS: Record<string, "pid" | "ppid" | "user" | "stat" | "time" | "rss" | "command"> = {
  PID: "pid",
  PPID: "ppid",
  USER: "user",
  UID: "user",
  RUSER: "user",
  STAT: "stat",
  S: "stat",
  TIME: "time",
  RSS: "rss",
  COMMAND: "command",
  CMD: "command",
  ARGS: "command",
};

/** `0:00`, `1:02:03`, `2-03:04:05` → seconds; null when it is not a time. */
function parseTime(s: string): number | null {
  const m = /^(?:(\d+)-)?(\d+):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (!m) return null;
  const days = Number(m[1] ?? 0);
  const a = Number(m[2]);
  const b = Number(m[3]);
  const seconds = m[4] === undefined ? a * 60 + b : a * 3600 + b * 60 + Number(m[4]);
  return days * 86400 + seconds;
}

/** `1628`, `12m`, `1.5g` (busybox abbreviates) → KiB. */
function parseRss(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)$/i.exec(s);
  if (!m) return null;
  const unit = (m[2] ?? "").toLowerCase();
  const scale = unit === "g" ? 1024 * 1024 : unit === "m" ? 1024 : 1;
  return Math.round(Number(m[1]) * scale);
}

/** Splits busybox's `{comm} argv…` and the `[comm]` of kernel threads and zombies. */
function splitCommand(command: string): { comm: string; args: string[] } {
  const bracket = /^\[([^\]]*)\](?: <defunct>)?$/.exec(command);
  if (bracket) return { comm: bracket[1] ?? "", args: [] };
  let rest = command;
  let comm: string | null = null;
  const brace = /^\{([^}]*)\} /.exec(command);
  if (brace) {
    comm = brace[1] ?? "";
    rest = command.slice(brace[0].length);
  }
  const args = rest.length === 0 ? [] : rest.split(" ");
  if (comm === null) {
    const first = args[0] ?? "";
    comm = first.slice(first.lastIndexOf("/") + 1).slice(0, 15);
  }
  return { comm, args };
}

/**
 * Parses `ps` output (busybox `PID USER TIME COMMAND` or `-o …`, procps `ax`, `aux`, `-o …`) found after the
 * collector's fallback header. Processes from `ps` have no start time, so they can never be fingerprinted.
 */
export function parsePsOutput(text: string, options: ParseOptions = {}): ProcessListing {
  const max = Math.max(0, options.maxProcesses ?? DEFAULT_MAX_PROCESSES);
  const listing = emptyListing("ps");
  const lines = text.split("\n");
  let header: (string | null)[] | null = null;
  const byPid = new Map<number, ProcessInfo>();
  for (const raw of lines) {
    const line = raw.replace(/\r$/, "");
    if (header === null) {
      const names = line.trim().split(/\s+/);
      if (names.includes("PID") && names.length >= 2) {
        header = names.map((n) => COLUMNS[n.toUpperCase()] ?? null);
        // The last column may hold spaces; only a command column can, so require it last.
        if (header[header.length - 1] !== "command") header = null;
        else listing.complete = true;
      }
      continue;
    }
    const trimmed = line.replace(/^\s+/, "");
    if (trimmed.length === 0) continue;
    const fields: string[] = [];
    let i = 0;
    while (fields.length < header.length - 1 && i < trimmed.length) {
      let j = trimmed.indexOf(" ", i);
      if (j < 0) j = trimmed.length;
      fields.push(trimmed.slice(i, j));
      i = j;
      while (trimmed.charCodeAt(i) === 32) i++;
    }
    if (fields.length < header.length - 1) continue;
    const command = trimmed.slice(i);
    const info: Partial<Record<string, string>> = {};
    header.forEach((col, k) => {
      if (col && col !== "command") info[col] = fields[k];
    });
    const pidText = info.pid ?? "";
    if (!/^\d{1,10}$/.test(pidText)) continue;
    const pid = Number(pidText);
    const user = info.user ?? "?";
    const uid = /^\d{1,10}$/.test(user) ? Number(user) : user === "root" ? 0 : null;
    const seconds = info.time === undefined ? null : parseTime(info.time);
    const { comm, args } = splitCommand(command);
    const ppidText = info.ppid;
    byPid.set(pid, {
      pid,
      ppid: ppidText !== undefined && /^\d{1,10}$/.test(ppidText) ? Number(ppidText) : null,
      uid,
      user,
      state: info.stat?.charAt(0) || "?",
      startTicks: null,
      cpuTicks: seconds === null ? null : seconds * listing.clockTicks,
      rssKb: info.rss === undefined ? null : parseRss(info.rss),
      threads: null,
      caughtSignals: null,
      ignoredSignals: null,
      cpuPercent: null,
      comm,
      args,
      cmdHex: "",
      cgroups: [],
      container: null,
      role: "app",
    });
  }
  const all = [...byPid.values()].sort((a, b) => a.pid - b.pid);
  if (all.length > max) listing.complete = false;
  listing.processes = all.slice(0, max);
  return listing;
}
