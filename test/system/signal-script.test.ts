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
  const out = run(["busybox", "sh"], COLLECT_SCRIPT, ["0"]).stdout;
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
    // The node's time right before kill (where the signal's log window starts), then the verdict.
    expect(r.stdout).toMatch(/^pns: at \d{10}\npns: sending\npns: sent\n$/);
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

describe("SIGNAL_SCRIPT on a process whose comm holds a newline and ') '", () => {
  it.each(shells)("finds its start time and sends under %s", async (_name, shell) => {
    // busybox sh writes the comm in one write(2); the shell keeps it while it waits for its sleep.
    const odd = spawn("busybox", ["sh", "-c", 'printf "a)\\nb) S 9 (" > /proc/self/comm; sleep 300; :'], {
      stdio: "ignore",
    });
    try {
      let p: ReturnType<typeof parseCollectorOutput>["processes"][number] | undefined;
      for (let i = 0; i < 50 && p?.comm !== "a)\nb) S 9 ("; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const out = run(["busybox", "sh"], COLLECT_SCRIPT, ["0"]).stdout;
        p = parseCollectorOutput(out, { maxProcesses: 100_000 }).processes.find((x) => x.pid === odd.pid);
      }
      const fp = p ? fingerprintOf(p) : null;
      if (!fp) throw new Error(`the collector did not list PID ${odd.pid} with its odd comm`);
      const r = run(shell, SIGNAL_SCRIPT, [String(fp.pid), "CONT", String(fp.startTicks), fp.cmdSha256]);
      expect([r.stdout.replace(/^pns: at \d{10}\n/, ""), r.status]).toEqual([
        "pns: sending\npns: sent\n",
        SignalExit.sent,
      ]);
    } finally {
      odd.kill("SIGKILL");
    }
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
