import { createHash } from "node:crypto";
import { CMDLINE_MAX_BYTES } from "../../core/process/scripts.js";
import type { SimClock } from "./clock.js";
import type { SimPod, SimProcess } from "./world.js";

/** /proc/PID/cmdline: the arguments joined by NUL, with a trailing NUL. */
export function cmdlineBytes(args: readonly string[]): Buffer {
  if (args.length === 0) return Buffer.alloc(0);
  return Buffer.from(`${args.join("\0")}\0`, "utf8");
}

/** What the collector prints on its `c` line: lowercase hex of the first CMDLINE_MAX_BYTES bytes of cmdline. */
export function cmdlineHex(args: readonly string[]): string {
  return cmdlineBytes(args).subarray(0, CMDLINE_MAX_BYTES).toString("hex");
}

/** What the signal script compares: sha256 (hex) of the cmdline hex string. */
export function cmdlineSha256(args: readonly string[]): string {
  return createHash("sha256").update(cmdlineHex(args)).digest("hex");
}

/** The first line of /proc/PID/stat (52 fields; starttime is field 22, utime/stime 14/15). */
export function statLine(p: SimProcess): string {
  const session = p.role === "main" || p.role === "pause" || p.role === "exec" ? p.pid : p.ppid;
  const rssPages = Math.round((p.rssKb ?? 0) / 4);
  const vsizeBytes = (p.rssKb ?? 0) * 1024 * 4;
  const fields: (string | number)[] = [
    p.pid,
    `(${p.comm})`,
    p.state,
    p.ppid,
    session, // pgrp
    session, // session
    0, // tty_nr
    -1, // tpgid
    4194560, // flags
    120 + p.pid, // minflt
    0,
    0, // majflt
    0,
    p.utime,
    p.stime,
    0,
    0,
    20, // priority
    0, // nice
    1, // num_threads
    0, // itrealvalue
    p.startTicks,
    vsizeBytes,
    rssPages,
    "18446744073709551615",
  ];
  while (fields.length < 52) fields.push(fields.length === 37 ? 17 : 0);
  return fields.join(" ");
}

/** A signal set as /proc/PID/status prints it: 16 hex digits, bit n−1 for signal n (fs/proc/array.c `render_sigset_t`). */
export function signalMask(signals: readonly number[]): string {
  let mask = 0n;
  for (const n of signals) if (n >= 1 && n <= 64) mask |= 1n << BigInt(n - 1);
  return mask.toString(16).padStart(16, "0");
}

/** /proc/PID/status (the lines the collector and ps read). */
export function statusText(p: SimProcess): string {
  const lines = [
    `Name:\t${p.comm}`,
    "Umask:\t0022",
    `State:\t${p.state} (${stateName(p.state)})`,
    `Tgid:\t${p.pid}`,
    "Ngid:\t0",
    `Pid:\t${p.pid}`,
    `PPid:\t${p.ppid}`,
    "TracerPid:\t0",
    `Uid:\t${p.uid}\t${p.uid}\t${p.uid}\t${p.uid}`,
    `Gid:\t${p.uid}\t${p.uid}\t${p.uid}\t${p.uid}`,
    "FDSize:\t64",
  ];
  if (p.rssKb !== null) {
    lines.push(`VmSize:\t${String(p.rssKb * 4).padStart(8)} kB`, `VmRSS:\t${String(p.rssKb).padStart(8)} kB`);
  }
  lines.push("Threads:\t1", `SigIgn:\t${signalMask(p.ignores ?? [])}`, `SigCgt:\t${signalMask(p.handles)}`);
  return `${lines.join("\n")}\n`;
}

function stateName(s: string): string {
  return (
    ({ R: "running", S: "sleeping", D: "disk sleep", T: "stopped", Z: "zombie", I: "idle" } as Record<string, string>)[
      s
    ] ?? "sleeping"
  );
}

/**
 * /proc/PID/cgroup (cgroup v2, containerd, systemd driver) as a process whose own cgroup is `viewerCgroupId` reads
 * it. With cgroup namespaces the path is relative to the viewer's cgroup: `0::/` for its own container,
 * `0::/../cri-containerd-<id>.scope` for the others.
 */
export function cgroupText(pod: SimPod, p: SimProcess, viewerCgroupId: string | null = null): string {
  // A process of the node (a hostPID pod sees them) or of another pod: its own path, above the viewer's.
  if (p.cgroupPath) return viewerCgroupId !== null ? `0::/../../..${p.cgroupPath}\n` : `0::${p.cgroupPath}\n`;
  const scope = `cri-containerd-${p.cgroupId}.scope`;
  if (viewerCgroupId !== null) return p.cgroupId === viewerCgroupId ? "0::/\n" : `0::/../${scope}\n`;
  const podUid = pod.uid.replace(/-/g, "_");
  return `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${podUid}.slice/${scope}\n`;
}

/** /proc/stat (enough for the collector's btime). */
export function procStat(clock: SimClock): string {
  const t = clock.nowTicks();
  return `cpu  ${t} 0 ${Math.floor(t / 3)} ${t * 2} 0 0 0 0 0 0\ncpu0 ${t} 0 ${Math.floor(t / 3)} ${t * 2} 0 0 0 0 0 0\nintr 0\nctxt 0\nbtime ${clock.btime}\nprocesses 1000\nprocs_running 1\nprocs_blocked 0\n`;
}

/** /proc/uptime. */
export function procUptime(clock: SimClock): string {
  const up = clock.uptime();
  return `${up} ${(Number(up) * 1.8).toFixed(2)}\n`;
}
