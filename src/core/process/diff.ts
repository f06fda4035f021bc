import type { ProcessDiff, ProcessInfo, ProcessListing, RestartedProcess } from "./types.js";

function processesOfInput(x: ProcessListing | readonly ProcessInfo[]): readonly ProcessInfo[] {
  return Array.isArray(x) ? x : (x as ProcessListing).processes;
}

/** The same process in both listings: same PID and start time (or, without start times, same command line). */
function sameProcess(a: ProcessInfo, b: ProcessInfo): boolean {
  if (a.startTicks !== null && b.startTicks !== null) return a.startTicks === b.startTicks;
  return a.startTicks === b.startTicks && a.cmdHex === b.cmdHex && a.args.join("\0") === b.args.join("\0");
}

function commandKey(p: ProcessInfo): string {
  return p.args.length > 0 ? p.args.join("\0") : `[${p.comm}]`;
}

/**
 * What changed between two listings of one pod. A PID that is still there with the same start time is unchanged; a
 * PID whose start time changed was recycled (exited + started). An exited and a started process with the same command
 * line, container and parent (the parent itself unchanged, or restarted with the same command) are `restarted` —
 * nginx's workers after SIGHUP (worker 14 → 22).
 */
export function diffListings(
  before: ProcessListing | readonly ProcessInfo[],
  after: ProcessListing | readonly ProcessInfo[],
): ProcessDiff {
  const b = processesOfInput(before);
  const a = processesOfInput(after);
  const beforeByPid = new Map(b.map((p) => [p.pid, p]));
  const afterByPid = new Map(a.map((p) => [p.pid, p]));
  const unchanged: ProcessInfo[] = [];
  const started: ProcessInfo[] = [];
  for (const p of a) {
    const old = beforeByPid.get(p.pid);
    if (old && sameProcess(old, p)) unchanged.push(p);
    else started.push(p);
  }
  const unchangedPids = new Set(unchanged.map((p) => p.pid));
  const exited = b.filter((p) => !unchangedPids.has(p.pid));

  // A parent's identity across the two listings: its PID when unchanged, else its command line.
  const parentKey = (p: ProcessInfo, byPid: Map<number, ProcessInfo>): string => {
    if (p.ppid === null) return "-";
    if (unchangedPids.has(p.ppid)) return `pid:${p.ppid}`;
    const parent = byPid.get(p.ppid);
    return parent ? `cmd:${commandKey(parent)}` : `gone:${p.ppid}`;
  };
  const key = (p: ProcessInfo, byPid: Map<number, ProcessInfo>) =>
    `${commandKey(p)}\n${p.container ?? ""}\n${parentKey(p, byPid)}`;

  const waiting = new Map<string, ProcessInfo[]>();
  for (const p of exited) {
    const k = key(p, beforeByPid);
    const list = waiting.get(k);
    if (list) list.push(p);
    else waiting.set(k, [p]);
  }
  const restarted: RestartedProcess[] = [];
  const pairedBefore = new Set<ProcessInfo>();
  const pairedAfter = new Set<ProcessInfo>();
  for (const p of started) {
    const list = waiting.get(key(p, afterByPid)) ?? [];
    // A recycled PID (same PID, new start) stays exited + started, never "restarted".
    const at = list.findIndex((old) => old.pid !== p.pid);
    const match = at < 0 ? undefined : list.splice(at, 1)[0];
    if (match) {
      restarted.push({ before: match, after: p });
      pairedBefore.add(match);
      pairedAfter.add(p);
    }
  }
  return {
    exited: exited.filter((p) => !pairedBefore.has(p)),
    started: started.filter((p) => !pairedAfter.has(p)),
    restarted,
    unchanged,
  };
}
