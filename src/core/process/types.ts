import type { RuntimeKind } from "./runtime.js";

/** What pns knows about one process of a pod's PID namespace. */
export interface ProcessInfo {
  pid: number;
  ppid: number | null;
  /** Numeric uid from /proc/PID/status; null when unknown (ps fallback without numeric ids). */
  uid: number | null;
  /** User name where known (`root` for 0, names from the ps fallback), else the uid as text (`101`). */
  user: string;
  /** One-letter state from /proc/PID/stat (R, S, D, Z, T, I …). */
  state: string;
  /** Start time in clock ticks since boot (field 22 of /proc/PID/stat); null from the ps fallback. */
  startTicks: number | null;
  /** utime + stime in clock ticks; null when unknown. */
  cpuTicks: number | null;
  /** Resident set size in KiB; null when unknown. */
  rssKb: number | null;
  /** Threads (`Threads:` of /proc/PID/status); null when unknown. */
  threads: number | null;
  /** `SigCgt` of /proc/PID/status, signals 1–32 (bit n−1 for signal n): those it has a handler for; null when unknown. */
  caughtSignals: number | null;
  /** `SigIgn` of /proc/PID/status, signals 1–32: those it ignores; null when unknown. */
  ignoredSignals: number | null;
  /**
   * CPU used over the collector's sample, in percent of one CPU (utime + stime ticks over the interval, as top shows
   * it: a busy two-thread process can reach 200); null without two samples of this very process.
   */
  cpuPercent: number | null;
  /** The kernel's short name (`comm`). */
  comm: string;
  /** The command line, one entry per argument, exactly as in /proc (not yet redacted). */
  args: string[];
  /** Lowercase hex of the first bytes of /proc/PID/cmdline, as the collector printed it: input of the fingerprint. */
  cmdHex: string;
  /** Lines of /proc/PID/cgroup; the parser shares one array between processes with the same lines (read only). */
  readonly cgroups: readonly string[];
  /** The name of the container this process belongs to, once attributed; null when unknown. */
  container: string | null;
  /** What the process is to pns. */
  role: ProcessRole;
  /** Runtime markers the collector found for it (`libjvm.so`, `go-buildid`, …: `RUNTIME_MARKERS`); absent when none. */
  runtimeHints?: string[];
}

/** `pause`: the pod sandbox (PID 1 `/pause` in a shared namespace); `debug`: pns's own debug container or script. */
export type ProcessRole = "app" | "pause" | "debug";

/** Identifies one process for good: a recycled PID has another start time or command line. */
export interface Fingerprint {
  pid: number;
  startTicks: number;
  /** sha256 (hex) of the collector's `c` hex string: what the signal guard script computes in the container. */
  cmdSha256: string;
}

/** A parsed process listing. */
export interface ProcessListing {
  processes: ProcessInfo[];
  /** Clock ticks per second (`getconf CLK_TCK`, usually 100). */
  clockTicks: number;
  /** Boot time, seconds since the epoch; null when unknown. */
  bootTime: number | null;
  /** Seconds since boot when the listing was taken; null when unknown. */
  uptime: number | null;
  /** PID of the collector's own shell (pns's process), null when unknown. */
  selfPid: number | null;
  /** False when the output was cut short (no end marker). */
  complete: boolean;
  /** Records the collector printed that could not be parsed (garbled, or cut by a process exiting mid-record). */
  unreadable: number;
  /** Seconds between the two CPU samples, as the pod's clock measured them; null when none were taken. */
  cpuSampleSeconds: number | null;
  /** `proc` from the collector's records, `ps` from the fallback. */
  source: "proc" | "ps";
  /**
   * Processes the namespace showed that belong to no container of the pod, left out of `processes`; `hostPID` when
   * the pod shares the node's PID namespace. Absent when there were none.
   */
  outside?: { processes: number; hostPID: boolean };
}

/** A process that is the same program before and after, under a new PID (nginx workers after SIGHUP). */
export interface RestartedProcess {
  before: ProcessInfo;
  after: ProcessInfo;
}

/** What changed between two listings of the same pod. */
export interface ProcessDiff {
  exited: ProcessInfo[];
  started: ProcessInfo[];
  restarted: RestartedProcess[];
  unchanged: ProcessInfo[];
}

/** One row of the process table as users see it: redacted, escaped and formatted. Built by core, shown by views. */
export interface ProcessRow {
  pid: number;
  ppid: number | null;
  user: string;
  /** Container name; null when it could not be attributed. */
  container: string | null;
  role: ProcessRole;
  state: string;
  /** CPU time as `M:SS` (ps's TIME column). */
  cpuTime: string;
  /** %CPU over the collector's sample; null when unknown. */
  cpuPercent: number | null;
  /** Start time, ISO 8601 UTC; null when unknown. */
  startedAt: string | null;
  /** Seconds the process had run when it was listed (by the pod's clock); null when unknown. */
  ageSeconds: number | null;
  rssKb: number | null;
  threads: number | null;
  /**
   * The first process of its container (the one the runtime started: its parent is outside the namespace or in no
   * container of the pod), whose end ends the container.
   */
  main: boolean;
  /** `SigCgt` (signals 1–32) as listed, to tell before a request whether the kernel would deliver a signal. */
  caughtSignals: number | null;
  /** `SigIgn` (signals 1–32) as listed. */
  ignoredSignals: number | null;
  /** The command line: redacted, control characters escaped, capped in length. */
  command: string;
  /** Null when the process cannot be signalled safely (ps fallback, pause, pns's own). */
  fingerprint: Fingerprint | null;
  /** The runtime it runs on (`detectRuntime`); absent when unknown or in listings stored before it was detected. */
  runtime?: RuntimeKind;
}
