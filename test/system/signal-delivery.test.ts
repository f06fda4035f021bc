import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprintOf } from "../../src/core/process/fingerprint.js";
import { parseCollectorOutput } from "../../src/core/process/parse-collector.js";
import { COLLECT_SCRIPT, SIGNAL_SCRIPT, SignalExit, scriptArgv } from "../../src/core/process/scripts.js";
import { dispositionsOf, signalDelivery } from "../../src/core/process/signal-delivery.js";
import type { ProcessInfo } from "../../src/core/process/types.js";
import { SIGNAL_NAMES } from "../../src/core/signals.js";

// A real PID namespace whose init (a busybox sh) catches HUP and TERM and ignores USR1, with a child that catches
// HUP and ignores USR2; the scripts run inside it (nsenter), as in a debug container joined to the app's namespace.
const INIT = `trap : HUP TERM; trap '' USR1
busybox sh -c 'trap : HUP; trap "" USR2; while :; do sleep 1; done' &
while :; do sleep 1 & wait $!; done`;

let ns: ChildProcess;
let hostInit = 0;

function inside(shell: string[], script: string, args: string[] = []) {
  const [, ...rest] = scriptArgv(script, args, { timeoutSeconds: 20 });
  return spawnSync("nsenter", ["-t", String(hostInit), "-p", "-m", ...shell, ...rest], {
    encoding: "utf8",
    timeout: 20_000,
  });
}

function listed(): ProcessInfo[] {
  return parseCollectorOutput(inside(["busybox", "sh"], COLLECT_SCRIPT, ["0"]).stdout).processes;
}

beforeAll(async () => {
  ns = spawn("unshare", ["--pid", "--fork", "--mount-proc", "busybox", "sh", "-c", INIT], { stdio: "ignore" });
  for (let i = 0; i < 100 && hostInit === 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const kids = readFileSync(`/proc/${ns.pid}/task/${ns.pid}/children`, "utf8").trim();
    hostInit = Number(kids.split(" ")[0] ?? 0);
  }
  // Until both have set their traps.
  for (let i = 0; i < 100 && listed().filter((p) => p.caughtSignals).length < 2; i++)
    await new Promise((r) => setTimeout(r, 50));
});

afterAll(() => {
  if (hostInit > 0) process.kill(hostInit, "SIGKILL");
  ns?.kill("SIGKILL");
});

describe("SIGNAL_SCRIPT refuses what the kernel drops, as core's signalDelivery says", () => {
  it("lists the init's SigCgt and SigIgn", () => {
    const init = listed().find((p) => p.pid === 1);
    expect(init).toBeDefined();
    const bit = (n: number) => 1 << (n - 1);
    expect((init?.caughtSignals ?? 0) & (bit(1) | bit(15))).toBe(bit(1) | bit(15));
    expect((init?.ignoredSignals ?? 0) & bit(10)).toBe(bit(10));
  });

  const targets = [
    ["the namespace's init", (ps: ProcessInfo[]) => ps.find((p) => p.pid === 1)],
    ["a process that ignores USR2", (ps: ProcessInfo[]) => ps.find((p) => p.ppid === 1 && p.comm === "busybox")],
  ] as const;
  // Only signals that leave the targets running are sent for real (caught ones, CONT); the rest are refused.
  const harmless = (sig: string, pid: number) => sig === "HUP" || sig === "CONT" || (pid === 1 && sig === "TERM");

  for (const shell of [["busybox", "sh"], ["dash"]]) {
    it.each(targets)(`agrees with core for every allowed signal to %s under ${shell.join(" ")}`, (_name, pick) => {
      const target = pick(listed());
      if (!target) throw new Error("target not listed");
      const fp = fingerprintOf(target);
      if (!fp) throw new Error("no fingerprint");
      const outcomes = SIGNAL_NAMES.filter((s) => target.pid !== 1 || s !== "CONT").map((sig) => {
        const core = signalDelivery(sig, dispositionsOf(target));
        if (core.kind !== "dropped" && !harmless(sig, target.pid)) return null;
        const args = [String(fp.pid), sig, String(fp.startTicks), fp.cmdSha256];
        const r = inside(shell, SIGNAL_SCRIPT, args);
        return [sig, core.kind === "dropped" ? `dropped ${core.reason}` : "sent", r.status, r.stdout.trim()];
      });
      const sent = outcomes.filter((o) => o !== null);
      for (const [sig, expected, status, stdout] of sent as [string, string, number, string][]) {
        if (expected === "sent")
          expect([sig, status, stdout]).toEqual([
            sig,
            SignalExit.sent,
            expect.stringMatching(/^pns: at \d{10}\npns: sending\npns: sent$/),
          ]);
        else expect([sig, status, stdout]).toEqual([sig, SignalExit.dropped, `pns: ${expected}`]);
      }
      expect(sent.length).toBeGreaterThan(4);
      expect(listed().find((p) => p.pid === target.pid)?.startTicks).toBe(target.startTicks);
    });
  }

  it("is right that the kernel drops them: each refused signal sent with plain kill leaves the init running", () => {
    const init = listed().find((p) => p.pid === 1);
    if (!init) throw new Error("init not listed");
    const refused = SIGNAL_NAMES.filter((s) => signalDelivery(s, dispositionsOf(init)).kind === "dropped");
    expect(refused).toEqual(expect.arrayContaining(["KILL", "STOP", "USR1", "WINCH"]));
    for (const sig of refused) {
      const r = spawnSync("nsenter", ["-t", String(hostInit), "-p", "-m", "busybox", "kill", `-${sig}`, "1"]);
      expect([sig, r.status]).toEqual([sig, 0]);
    }
    const after = listed().find((p) => p.pid === 1);
    expect([after?.startTicks, after?.state]).toEqual([init.startTicks, "S"]);
  });
});
