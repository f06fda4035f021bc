import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** A process of the host, as its /proc says, with its PID inside its innermost PID namespace. */
export interface HostProcess {
  hostPid: number;
  hostPpid: number;
  /** The PID in the process's own (innermost) PID namespace. */
  pid: number;
  uid: number;
  args: string[];
  comm: string;
  state: string;
  startTicks: number;
  /** The inode of its PID namespace. */
  pidNs: number;
  /** Its cgroup path (the last line of /proc/PID/cgroup). */
  cgroup: string;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Reads one host process; null when it is gone. */
export function hostProcess(hostPid: number): HostProcess | null {
  const stat = read(`/proc/${hostPid}/stat`);
  const status = read(`/proc/${hostPid}/status`);
  const cgroup = read(`/proc/${hostPid}/cgroup`);
  const cmdline = read(`/proc/${hostPid}/cmdline`);
  if (stat === null || status === null || cgroup === null || cmdline === null) return null;
  const close = stat.lastIndexOf(")");
  const rest = stat.slice(close + 2).split(" ");
  const field = (k: string) => new RegExp(`^${k}:\\s*(.*)$`, "m").exec(status)?.[1] ?? "";
  const nspids = field("NSpid").split(/\s+/).filter(Boolean).map(Number);
  let pidNs = 0;
  try {
    pidNs = Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${hostPid}/ns/pid`))?.[1] ?? 0);
  } catch {
    return null;
  }
  const lines = cgroup.trim().split("\n");
  const path = (lines.find((l) => l.includes(":pids:")) ?? lines[lines.length - 1] ?? "").split(":").slice(2).join(":");
  return {
    hostPid,
    hostPpid: Number(rest[1]),
    pid: nspids[nspids.length - 1] ?? hostPid,
    uid: Number(field("Uid").split(/\s+/)[0]),
    args: cmdline.split("\0").slice(0, -1),
    comm: stat.slice(stat.indexOf("(") + 1, close),
    state: rest[0] ?? "S",
    startTicks: Number(rest[19]),
    pidNs,
    cgroup: path,
  };
}

/** Every host process whose cgroup lies under `cgroupParent` (a pod's cgroup). */
export function processesUnder(cgroupParent: string): HostProcess[] {
  const out: HostProcess[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const cg = read(`/proc/${d}/cgroup`);
    if (cg === null || !cg.includes(`${cgroupParent}/`)) continue;
    const p = hostProcess(Number(d));
    if (p) out.push(p);
  }
  return out;
}

/** The boot time of this machine (`btime` of /proc/stat), seconds since the epoch. */
export function hostBtime(): number {
  return Number(/^btime (\d+)$/m.exec(read("/proc/stat") ?? "")?.[1] ?? 0);
}
