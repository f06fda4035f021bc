import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { SCRIPT_TIMED_OUT_EXIT, scriptArgv } from "../../src/core/process/scripts.js";

// The shells a debug image's `sh` may be.
const shells: [string, string[]][] = [
  ["busybox sh", ["busybox", "sh"]],
  ["dash", ["dash"]],
  ["bash", ["bash"]],
];

/**
 * Runs `script` the way the adapters do, `runs` times, and returns each run's exit status and stderr, up to the first
 * run that exits other than `want` or says anything on stderr (a hung run is cut after `capMs` by a SIGKILL, as an
 * exec's client would give up).
 */
function runsUntilWrong(shell: string[], script: string, want: number, runs: number, capMs: number) {
  const [, ...rest] = scriptArgv(script, [], { timeoutSeconds: 60 });
  const [bin, ...pre] = shell;
  const results: { status: number | null; stderr: string }[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(bin ?? "sh", [...pre, ...rest], { encoding: "utf8", timeout: capMs, killSignal: "SIGKILL" });
    results.push({ status: r.status, stderr: r.stderr });
    if (r.status !== want || r.stderr !== "") break;
  }
  return results;
}

describe("the watchdog prologue on a script that ends at once", () => {
  // It forks its `sleep` as the script exits and is TERMed at once. Before the watchdog ended its sleep with KILL, a
  // TERM that came while the forked child still had the shell's handler was lost, and dash ran one such script in
  // ten to its timeout (exit 124 after 60 s), busybox sh as many. Its stderr is the read-file report's channel, so the
  // watchdog must not add to it either (bash reports a child killed by KILL there unless told not to).
  it.each(shells)("returns the script's own status, and says nothing, run after run, under %s", (_name, shell) => {
    const runs = 300;
    const results = runsUntilWrong(shell, "exit 3", 3, runs, 10_000);
    expect(results.filter((r) => r.status !== 3 || r.stderr !== "")).toEqual([]);
    expect(results).toHaveLength(runs);
  });

  it.each(shells)("still ends a script past its time under %s", (_name, shell) => {
    const [, ...rest] = scriptArgv("sleep 30", [], { timeoutSeconds: 1 });
    const [bin, ...pre] = shell;
    const r = spawnSync(bin ?? "sh", [...pre, ...rest], { encoding: "utf8", timeout: 20_000, killSignal: "SIGKILL" });
    expect([r.status, r.stderr.split("\n")[0]]).toEqual([SCRIPT_TIMED_OUT_EXIT, "pns: timed out after 1 s"]);
  });
});
