/** Reading what `INSPECT_SCRIPT` printed into what `/pns inspect` shows. */
import { decodeCapabilities } from "./capabilities.js";

/** One resource limit of /proc/PID/limits (fs/proc/base.c `proc_pid_limits`). */
export interface ResourceLimit {
  /** As the kernel names it: `Max open files`. */
  name: string;
  /** A number, or null for `unlimited`. */
  soft: number | null;
  hard: number | null;
}

/** What the inspect script saw of one process. */
export interface InspectOutput {
  /** `/proc/PID/status` by key (`Uid`, `Threads`, `CapEff`, `Seccomp` …), values trimmed. */
  status: Record<string, string>;
  limits: ResourceLimit[];
  /** `KEY=value` entries; null when environ could not be read. */
  environ: string[] | null;
  /** True when environ was longer than what was read. */
  environTruncated: boolean;
  /** Open file descriptors; null when the fd directory could not be read. */
  openFiles: number | null;
  cwd: string | null;
  exe: string | null;
  uidMap: string[];
  gidMap: string[];
  cgroups: string[];
  /** First lines of the process's own cgroup files (`memory.max`, `cpu.stat.usage_usec` …). */
  cgroupFiles: Record<string, string>;
  /** What could not be read: `environ`, `fd`, `cwd`, `exe`, `root`. */
  denied: string[];
  complete: boolean;
}

function fromHex(hex: string): Buffer | null {
  return /^(?:[0-9a-f]{2})*$/.test(hex) ? Buffer.from(hex, "hex") : null;
}

const LIMIT_LINE = /^(Max [a-z ]+?)\s{2,}(\S+)\s+(\S+)/;

/** Parses the script's output; unknown lines are ignored. `maxEnvironBytes` is what the script was told to read. */
export function parseInspectOutput(text: string, maxEnvironBytes: number): InspectOutput {
  const out: InspectOutput = {
    status: {},
    limits: [],
    environ: null,
    environTruncated: false,
    openFiles: null,
    cwd: null,
    exe: null,
    uidMap: [],
    gidMap: [],
    cgroups: [],
    cgroupFiles: {},
    denied: [],
    complete: false,
  };
  for (const line of text.split("\n")) {
    const tag = line.slice(0, 2);
    const rest = line.slice(2);
    if (tag === "s ") {
      const colon = rest.indexOf(":");
      if (colon > 0) out.status[rest.slice(0, colon)] = rest.slice(colon + 1).trim();
    } else if (tag === "l ") {
      const m = LIMIT_LINE.exec(rest);
      if (m) out.limits.push({ name: m[1] ?? "", soft: limitValue(m[2] ?? ""), hard: limitValue(m[3] ?? "") });
    } else if (tag === "v ") {
      const bytes = fromHex(rest.trim());
      if (bytes) {
        out.environTruncated = bytes.length >= maxEnvironBytes;
        const entries = bytes.toString("utf8").split("\0");
        // The last entry is empty after the final NUL, or cut short when the read stopped at the cap.
        if (out.environTruncated || entries[entries.length - 1] === "") entries.pop();
        out.environ = entries.filter((e) => e !== "");
      }
    } else if (tag === "n " && /^\d+$/.test(rest)) {
      out.openFiles = Number(rest);
    } else if (tag === "k ") {
      const [which, hex = ""] = rest.split(" ");
      const value = fromHex(hex)?.toString("utf8") ?? null;
      if (which === "cwd") out.cwd = value;
      if (which === "exe") out.exe = value;
    } else if (tag === "u ") {
      out.uidMap.push(rest.trim().replace(/\s+/g, " "));
    } else if (tag === "g ") {
      out.gidMap.push(rest.trim().replace(/\s+/g, " "));
    } else if (tag === "c ") {
      out.cgroups.push(rest);
    } else if (tag === "m ") {
      const space = rest.indexOf(" ");
      if (space > 0) out.cgroupFiles[rest.slice(0, space)] = rest.slice(space + 1).trim();
    } else if (tag === "d ") {
      if (!out.denied.includes(rest)) out.denied.push(rest);
    } else if (line === "z") {
      out.complete = true;
    }
  }
  return out;
}

function limitValue(v: string): number | null {
  return /^\d+$/.test(v) ? Number(v) : null;
}

/** The capability sets of a status, decoded. */
export function capabilitySets(
  status: Record<string, string>,
): Record<"inheritable" | "permitted" | "effective" | "bounding" | "ambient", string[] | null> {
  const of = (k: string) => (status[k] === undefined ? null : decodeCapabilities(status[k] ?? ""));
  return {
    inheritable: of("CapInh"),
    permitted: of("CapPrm"),
    effective: of("CapEff"),
    bounding: of("CapBnd"),
    ambient: of("CapAmb"),
  };
}

/** The seccomp mode of `Seccomp:` (fs/proc/array.c `task_seccomp`: 0 disabled, 1 strict, 2 filter). */
export function seccompMode(status: Record<string, string>): string {
  switch (status.Seccomp) {
    case "0":
      return "off (Unconfined)";
    case "1":
      return "strict";
    case "2": {
      const filters = status.Seccomp_filters;
      return `filtered${filters && filters !== "1" ? ` (${filters} filters)` : ""}`;
    }
    default:
      return "unknown";
  }
}

/** Memory and CPU limits and usage from the cgroup files (v2 names first, v1 otherwise). */
export interface CgroupUsage {
  /** Bytes; null when unlimited or unknown. */
  memoryLimit: number | null;
  memoryUsed: number | null;
  memoryPeak: number | null;
  /** CPUs the quota allows (`cpu.max` 50000 100000 → 0.5); null when unlimited or unknown. */
  cpuLimit: number | null;
  /** CPU time used, seconds. */
  cpuSeconds: number | null;
  /** Periods throttled out of all, when known. */
  throttled: { periods: number; of: number; seconds: number | null } | null;
  /** True when no cgroup file was read at all. */
  unknown: boolean;
}

// A v1 "no limit" is PAGE_COUNTER_MAX pages rounded to a page: any value at or past 2^62 means none.
const V1_UNLIMITED = 2 ** 62;

/** Reads {@link CgroupUsage} from the script's `m` lines (kernel Documentation/admin-guide/cgroup-v2.rst, cgroup-v1). */
export function cgroupUsage(files: Record<string, string>): CgroupUsage {
  const num = (k: string): number | null => {
    const v = files[k];
    return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : null;
  };
  let memoryLimit = num("memory.max");
  if (memoryLimit === null) {
    const v1 = num("memory/memory.limit_in_bytes");
    memoryLimit = v1 !== null && v1 < V1_UNLIMITED ? v1 : null;
  }
  const memoryUsed = num("memory.current") ?? num("memory/memory.usage_in_bytes");
  const memoryPeak = num("memory.peak") ?? num("memory/memory.max_usage_in_bytes");
  let cpuLimit: number | null = null;
  const max = files["cpu.max"];
  if (max !== undefined) {
    const [quota = "", period = ""] = max.split(/\s+/);
    if (/^\d+$/.test(quota) && /^\d+$/.test(period) && Number(period) > 0) cpuLimit = Number(quota) / Number(period);
  } else {
    const quota = num("cpu/cpu.cfs_quota_us");
    const period = num("cpu/cpu.cfs_period_us");
    if (quota !== null && quota > 0 && period) cpuLimit = quota / period;
  }
  const usec = num("cpu.stat.usage_usec");
  const ns = num("cpuacct/cpuacct.usage");
  const cpuSeconds = usec !== null ? usec / 1e6 : ns !== null ? ns / 1e9 : null;
  const periods = num("cpu.stat.nr_periods");
  const throttledPeriods = num("cpu.stat.nr_throttled");
  const throttledUsec = num("cpu.stat.throttled_usec");
  return {
    memoryLimit,
    memoryUsed,
    memoryPeak,
    cpuLimit,
    cpuSeconds,
    throttled:
      periods !== null && throttledPeriods !== null
        ? { periods: throttledPeriods, of: periods, seconds: throttledUsec === null ? null : throttledUsec / 1e6 }
        : null,
    unknown: Object.keys(files).length === 0,
  };
}
