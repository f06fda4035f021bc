import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCollectorOutput } from "../../src/core/process/parse-collector.js";
import { toRows } from "../../src/core/process/rows.js";
import { COLLECT_SCRIPT } from "../../src/core/process/scripts.js";
import { createRedactor } from "../../src/core/redact/redactor.js";

const workload = join(import.meta.dirname, "../fixtures/proc/workload.sh");
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
  for (const applet of ["od", "tr", "head", "kill", "sha256sum", "ps"])
    symlinkSync("/usr/bin/busybox", join(busyboxBin, applet));
});

/** Runs the workload (nginx-like processes, odd arguments, a zombie, fake secrets) and the collector in a fresh PID namespace. */
function collectLive(shell: string): string {
  const r = spawnSync("unshare", ["--pid", "--fork", "--mount-proc", "--cgroup", "bash", workload, scriptFile, shell], {
    encoding: "utf8",
    timeout: 20_000,
  });
  if (r.status !== 0) throw new Error(`collector under ${shell} failed: ${r.status} ${r.stderr}`);
  return r.stdout;
}

describe("COLLECT_SCRIPT in a live PID namespace", () => {
  it.each(["busybox sh", "dash", "bash", "env PATH=BUSYBOX_BIN /usr/bin/busybox sh"])("is parsed under %s", (shell) => {
    const out = collectLive(shell.replace("BUSYBOX_BIN", busyboxBin));
    const l = parseCollectorOutput(out);
    expect(l.complete).toBe(true);
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
