import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprintOf } from "../../src/core/process/fingerprint.js";
import { parseCollectorOutput } from "../../src/core/process/parse-collector.js";
import { COLLECT_SCRIPT, SIGNAL_SCRIPT, SignalExit, scriptArgv } from "../../src/core/process/scripts.js";
import type { Fingerprint } from "../../src/core/process/types.js";

/** Runs a constant script as the adapters do (`sh -c SCRIPT pns args…`), with the given shell binary. */
function run(shell: string[], script: string, args: string[] = []) {
  const [, ...rest] = scriptArgv(script, args);
  const [bin, ...pre] = shell;
  return spawnSync(bin ?? "sh", [...pre, ...rest], { encoding: "utf8", timeout: 20_000 });
}

// A PATH of busybox applets only (od, tr, sha256sum, kill), as in a busybox debug image.
const appletDir = mkdtempSync(join(tmpdir(), "pns-applets-"));
for (const applet of ["od", "tr", "sha256sum", "kill", "head"])
  symlinkSync("/usr/bin/busybox", join(appletDir, applet));

const shells: [string, string[]][] = [
  ["busybox sh", ["busybox", "sh"]],
  ["dash", ["dash"]],
  ["busybox sh with busybox applets", ["env", `PATH=${appletDir}`, "/usr/bin/busybox", "sh"]],
];

let sleeper: ChildProcess;
let fingerprint: Fingerprint;

beforeAll(() => {
  sleeper = spawn("sleep", ["300"], { stdio: "ignore" });
  const out = run(["busybox", "sh"], COLLECT_SCRIPT).stdout;
  const p = parseCollectorOutput(out, { maxProcesses: 100_000 }).processes.find((x) => x.pid === sleeper.pid);
  if (!p) throw new Error(`the collector did not list the test's sleep (PID ${sleeper.pid})`);
  const fp = fingerprintOf(p);
  if (!fp) throw new Error("no fingerprint for a /proc process");
  fingerprint = fp;
});

afterAll(() => {
  sleeper.kill("SIGKILL");
});

describe("fingerprintOf against the real SIGNAL_SCRIPT", () => {
  it.each(shells)("matches what the script computes under %s (exit 0)", (_name, shell) => {
    const r = run(shell, SIGNAL_SCRIPT, [
      String(fingerprint.pid),
      "CONT",
      String(fingerprint.startTicks),
      fingerprint.cmdSha256,
    ]);
    expect(r.stdout).toBe("pns: sent\n");
    expect(r.status).toBe(SignalExit.sent);
  });

  it.each(shells)("refuses a wrong start time under %s (exit 4)", (_name, shell) => {
    const r = run(shell, SIGNAL_SCRIPT, [
      String(fingerprint.pid),
      "CONT",
      String(fingerprint.startTicks + 1),
      fingerprint.cmdSha256,
    ]);
    expect(r.stdout).toBe(`pns: changed start=${fingerprint.startTicks}\n`);
    expect(r.status).toBe(SignalExit.changed);
  });

  it.each(shells)("refuses a wrong command hash under %s (exit 4)", (_name, shell) => {
    const r = run(shell, SIGNAL_SCRIPT, [
      String(fingerprint.pid),
      "CONT",
      String(fingerprint.startTicks),
      "0".repeat(64),
    ]);
    expect(r.status).toBe(SignalExit.changed);
  });
});

describe("SIGNAL_SCRIPT on a process that is gone", () => {
  it.each(shells)("exits 3 under %s", async (_name, shell) => {
    const gone = spawn("sleep", ["300"], { stdio: "ignore" });
    const exited = new Promise((resolve) => gone.once("exit", resolve));
    gone.kill("SIGKILL");
    await exited;
    const r = run(shell, SIGNAL_SCRIPT, [
      String(gone.pid),
      "CONT",
      String(fingerprint.startTicks),
      fingerprint.cmdSha256,
    ]);
    expect(r.stdout).toBe("pns: gone\n");
    expect(r.status).toBe(SignalExit.gone);
  });
});
