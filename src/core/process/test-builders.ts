import type { ProcessInfo, ProcessListing } from "./types.js";

/** A process with defaults, for tests. */
export function aProcess(overrides: Partial<ProcessInfo> & { pid: number }): ProcessInfo {
  const args = overrides.args ?? ["sleep", "1000"];
  return {
    ppid: 1,
    uid: 0,
    user: "root",
    state: "S",
    startTicks: 1000 + overrides.pid,
    cpuTicks: 0,
    rssKb: 1024,
    threads: 1,
    caughtSignals: null,
    ignoredSignals: null,
    cpuPercent: null,
    comm: "sleep",
    cmdHex: Buffer.from(`${args.join("\0")}\0`).toString("hex"),
    cgroups: [],
    container: null,
    role: "app",
    ...overrides,
    args,
  };
}

/** A listing of the given processes, for tests. */
export function aListing(processes: ProcessInfo[], overrides: Partial<ProcessListing> = {}): ProcessListing {
  return {
    processes,
    clockTicks: 100,
    bootTime: 1796000000,
    uptime: 1000,
    selfPid: null,
    complete: true,
    unreadable: 0,
    cpuSampleSeconds: null,
    source: "proc",
    ...overrides,
  };
}
