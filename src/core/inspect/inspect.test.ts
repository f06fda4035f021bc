import { describe, expect, it } from "vitest";
import { createRedactor } from "../redact/redactor.js";
import { decodeCapabilities, describeCapabilities } from "./capabilities.js";
import { redactEnvironment } from "./environment.js";
import { capabilitySets, cgroupUsage, parseInspectOutput, seccompMode } from "./parse-inspect.js";

const hex = (s: string) => Buffer.from(s, "utf8").toString("hex");

// Lines as INSPECT_SCRIPT printed them for a busybox sh on this machine's kernel (status and limits abridged).
const OUTPUT = [
  "h pns-inspect/1 self=77",
  "s Name:\tsh",
  "s Uid:\t1000\t1000\t1000\t1000",
  "s Gid:\t1000\t1000\t1000\t1000",
  "s Threads:\t1",
  "s CapEff:\t00000000a80425fb",
  "s CapBnd:\t00000000a80425fb",
  "s NoNewPrivs:\t1",
  "s Seccomp:\t2",
  "s Seccomp_filters:\t1",
  "l Limit                     Soft Limit           Hard Limit           Units     ",
  "l Max open files            1024                 524288               files     ",
  "l Max processes             unlimited            unlimited            processes ",
  `v ${hex("PATH=/bin\0API_TOKEN=abc123\0DATABASE_URL=postgres://app:hunter2@db:5432/shop\0HOME=/\0")}`,
  "n 900",
  `k cwd ${hex("/srv/app")}`,
  "d exe",
  "u          0       1000      65536",
  "g          0       1000      65536",
  "c 0::/",
  "m memory.max 67108864",
  "m memory.current 63000000",
  "m cpu.max 50000 100000",
  "m cpu.stat.usage_usec 2500000",
  "m cpu.stat.nr_periods 100",
  "m cpu.stat.nr_throttled 7",
  "m cpu.stat.throttled_usec 120000",
  "z",
].join("\n");

describe("the inspect script's output", () => {
  const o = parseInspectOutput(OUTPUT, 65_536);

  it("reads status, limits, environment, fds, links, maps and cgroup files, and what was denied", () => {
    expect(o.status.Uid).toBe("1000\t1000\t1000\t1000");
    expect(o.limits).toEqual([
      { name: "Max open files", soft: 1024, hard: 524_288 },
      { name: "Max processes", soft: null, hard: null },
    ]);
    expect(o.environ).toEqual([
      "PATH=/bin",
      "API_TOKEN=abc123",
      "DATABASE_URL=postgres://app:hunter2@db:5432/shop",
      "HOME=/",
    ]);
    expect(o.openFiles).toBe(900);
    expect(o.cwd).toBe("/srv/app");
    expect(o.exe).toBeNull();
    expect(o.denied).toEqual(["exe"]);
    expect(o.uidMap).toEqual(["0 1000 65536"]);
    expect(o.complete).toBe(true);
  });

  it("decodes capabilities by bit, and says how they differ from the runtime's default", () => {
    expect(capabilitySets(o.status).effective).toContain("KILL");
    expect(describeCapabilities(decodeCapabilities("00000000a80425fb") ?? [])).toBe("the runtime's default set");
    expect(describeCapabilities(decodeCapabilities("00000000a80c25fb") ?? [])).toBe("default + SYS_PTRACE");
    expect(describeCapabilities([])).toBe("none");
    expect(decodeCapabilities("zz")).toBeNull();
    expect(seccompMode(o.status)).toBe("filtered");
  });

  it("reads cgroup v2 limits and usage, and v1 where v2 is absent", () => {
    expect(cgroupUsage(o.cgroupFiles)).toEqual({
      memoryLimit: 67_108_864,
      memoryUsed: 63_000_000,
      memoryPeak: null,
      cpuLimit: 0.5,
      cpuSeconds: 2.5,
      throttled: { periods: 7, of: 100, seconds: 0.12 },
      unknown: false,
    });
    const v1 = cgroupUsage({
      "memory/memory.limit_in_bytes": "9223372036854771712",
      "memory/memory.usage_in_bytes": "1000",
      "cpu/cpu.cfs_quota_us": "-1",
      "cpu/cpu.cfs_period_us": "100000",
      "cpuacct/cpuacct.usage": "3000000000",
    });
    expect(v1).toMatchObject({ memoryLimit: null, memoryUsed: 1000, cpuLimit: null, cpuSeconds: 3 });
  });

  it("keeps a cut environment's complete entries only", () => {
    const cut = parseInspectOutput(`v ${hex("A=1\0B=2\0C=thr")}`, 13);
    expect(cut.environ).toEqual(["A=1", "B=2"]);
    expect(cut.environTruncated).toBe(true);
  });
});

describe("the environment as shown", () => {
  it("masks values by key name and by value shape, and leaves the rest", () => {
    const shown = redactEnvironment(parseInspectOutput(OUTPUT, 65_536).environ ?? [], createRedactor());
    expect(shown).toEqual([
      { key: "PATH", value: "/bin", masked: false },
      { key: "API_TOKEN", value: "••••", masked: true },
      { key: "DATABASE_URL", value: "postgres://app:••••@db:5432/shop", masked: true },
      { key: "HOME", value: "/", masked: false },
    ]);
  });
});
