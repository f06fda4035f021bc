import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { attributeContainers } from "../../src/core/process/attribute.js";
import { parseCollectorOutput } from "../../src/core/process/parse-collector.js";
import { toRows } from "../../src/core/process/rows.js";
import { COLLECT_SCRIPT } from "../../src/core/process/scripts.js";
import { withoutCollector } from "../../src/core/process/without-collector.js";
import { createRedactor } from "../../src/core/redact/redactor.js";

const workload = join(import.meta.dirname, "../fixtures/proc/workload.sh");
const hostile = join(import.meta.dirname, "../fixtures/proc/hostile-workload.sh");
let scriptFile = "";
let busyboxBin = "";

beforeAll(() => {
  const probe = spawnSync("unshare", ["--pid", "--fork", "--mount-proc", "--cgroup", "true"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `These tests need 'unshare --pid --fork --mount-proc --cgroup' as root (util-linux) to make a real PID namespace: ${
        probe.error?.message ?? probe.stderr
      }`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "pns-collect-"));
  scriptFile = join(dir, "collect.sh");
  writeFileSync(scriptFile, COLLECT_SCRIPT);
  // A PATH of busybox applets only, as in a busybox debug image.
  busyboxBin = join(dir, "bin");
  mkdirSync(busyboxBin);
  for (const applet of ["od", "tr", "head", "kill", "sha256sum", "ps", "sleep", "grep"])
    symlinkSync("/usr/bin/busybox", join(busyboxBin, applet));
});

/** Runs a workload (by default nginx-like processes, odd arguments, a zombie, fake secrets) and the collector in a fresh PID namespace. */
function collectLive(shell: string, script = workload): string {
  const r = spawnSync("unshare", ["--pid", "--fork", "--mount-proc", "--cgroup", "bash", script, scriptFile, shell], {
    encoding: "utf8",
    timeout: 20_000,
  });
  if (r.status !== 0) throw new Error(`collector under ${shell} failed: ${r.status} ${r.stderr}`);
  return r.stdout;
}

const SHELLS = ["busybox sh", "dash", "bash", "env PATH=BUSYBOX_BIN /usr/bin/busybox sh"];

describe("COLLECT_SCRIPT in a live PID namespace", () => {
  it.each(SHELLS)("is parsed under %s", (shell) => {
    const out = collectLive(shell.replace("BUSYBOX_BIN", busyboxBin));
    const l = parseCollectorOutput(out);
    expect(l.complete).toBe(true);
    expect(l.unreadable).toBe(0);
    // Two samples about a second apart (the busybox PATH has its sleep applet).
    expect(l.cpuSampleSeconds).toBeGreaterThanOrEqual(0.9);
    // The collector's own children (its sleep, od, tr) may be born between the samples: only the workload's count.
    const theirs = withoutCollector(l).processes;
    expect(
      theirs.every((p) => p.cpuPercent !== null && p.threads === 1),
      JSON.stringify(theirs),
    ).toBe(true);
    expect(l.source).toBe("proc");
    expect(l.processes.length).toBeGreaterThanOrEqual(11);
    expect(l.selfPid).not.toBeNull();
    const self = l.processes.find((p) => p.pid === l.selfPid);
    expect(self?.args).toContain(scriptFile);
    const master = l.processes.find((p) => p.args[0] === "nginx: master process nginx -g daemon off;");
    const worker = l.processes.find((p) => p.args[0] === "nginx: worker process");
    expect(worker).toMatchObject({ ppid: master?.pid, uid: 101 });
    expect(l.processes.find((p) => p.args.includes("multi\nline"))?.args).toContain("\ufffd\ufffd bad utf8");
    expect(l.processes.some((p) => p.state === "Z" && p.args.length === 0)).toBe(true);
    const commands = toRows(l, createRedactor())
      .map((r) => r.command)
      .join("\n");
    for (const s of ["fixture-hunter2", "fixture-pw1", "fixture-pw2", "fixture-tok3", "fixture-pw4"]) {
      expect(commands).not.toContain(s);
    }
  });
});

describe("COLLECT_SCRIPT against processes that hide from pns or pass for it (hostile-workload.sh)", () => {
  const comms = ["x)\ny) S 1 (", "\ne\nz 1\np 7\ns ", "my proc (1) R", ")", "busy"];

  it.each(SHELLS)("lists them all, exactly, under %s", (shell) => {
    const l = parseCollectorOutput(collectLive(shell.replace("BUSYBOX_BIN", busyboxBin), hostile));
    expect(l).toMatchObject({ complete: true, unreadable: 0 });
    // bash, the workload's init, 6 hostile processes, their 4 sleeps, the collector (and its children, if any)
    const listed = withoutCollector(attributeContainers(l, {}));
    expect(listed.processes).toHaveLength(12);
    for (const comm of comms) expect(listed.processes.filter((p) => p.comm === comm)).toHaveLength(1);
    for (const p of listed.processes) expect(p).toMatchObject({ role: "app", state: expect.stringMatching(/^[RS]$/) });
    const disguised = listed.processes.find((p) => p.args.includes("pns-ps/2"));
    expect(listed.processes.filter((p) => p.ppid === disguised?.pid)).toHaveLength(1);
    expect(listed.processes.find((p) => p.comm === "busy")?.cpuPercent).toBeGreaterThan(1);
    expect(listed.processes.find((p) => p.comm === ")")?.cpuPercent).toBe(0);
  });

  it("refuses a CPU sample that is not 0 to 9 seconds, and takes none with 0", () => {
    for (const bad of ["", "10", "-1", "1;id", "a"]) {
      const r = spawnSync("dash", [scriptFile, bad], { encoding: "utf8" });
      expect([r.status, r.stdout, r.stderr]).toEqual([2, "", "pns: the CPU sample must be 0 to 9 seconds\n"]);
    }
    const l = parseCollectorOutput(spawnSync("dash", [scriptFile, "0"], { encoding: "utf8" }).stdout);
    expect(l.complete).toBe(true);
    expect(l.cpuSampleSeconds).toBeNull();
  });
});
