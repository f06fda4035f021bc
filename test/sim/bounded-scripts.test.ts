import { CoreV1Api, Exec, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprintOf } from "../../src/core/process/fingerprint.js";
import { parseCollectorOutput } from "../../src/core/process/parse-collector.js";
import {
  COLLECT_SCRIPT,
  SCRIPT_TIMED_OUT_EXIT,
  SIGNAL_SCRIPT,
  SignalExit,
  scriptArgv,
} from "../../src/core/process/scripts.js";
import { eventually, exitCodeOf, runExec, type SimFixture, startFixture } from "./helpers.js";
import { runtimes } from "./runtimes.js";

const strategic = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);

// pns's scripts in a debug container joined to a pod's PID namespace (its main process is PID 1), on every runtime.
describe.each(runtimes)("pns's scripts in a debug container on the %s runtime", (runtime) => {
  let fx: SimFixture;

  beforeAll(async () => {
    fx = await startFixture({ runtime, podStartDelayMs: 0 });
    const core = fx.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({
      namespace: "default",
      body: {
        metadata: { name: "solo" },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
        },
      },
    });
    await eventually(() => fx.sim.state.containerStatus("default", "solo", "app")?.state?.running, 20_000);
    await core.patchNamespacedPodEphemeralcontainers(
      {
        name: "solo",
        namespace: "default",
        body: {
          spec: {
            ephemeralContainers: [
              { name: "dbg", image: "busybox:1.36", command: ["sleep", "3600"], targetContainerName: "app" },
            ],
          },
        },
      },
      strategic,
    );
    await eventually(() => fx.sim.state.containerStatus("default", "solo", "dbg")?.state?.running, 20_000);
  }, 40_000);
  afterAll(async () => {
    await fx?.close();
  }, 60_000);

  const exec = (argv: string[], timeoutMs?: number) =>
    runExec(fx.kc, "default", "solo", "dbg", argv, timeoutMs ? { timeoutMs } : {});

  // A script that outlives its time: its body's `sleep` is a child of the script's shell, as the collector's is.
  const SLOW = "sleep 9\necho late\n";

  /** Every process of the namespace but the app's `sleep 3600` and the debug container's own. */
  const others = () =>
    fx.sim.state
      .processes("default", "solo")
      .filter((p) => p.args.join(" ") !== "sleep 3600" && p.args[0] !== "/pause")
      .map((p) => `${p.pid} ppid=${p.ppid} ${p.args.join(" ")}`);

  it("refuses in the container what the kernel drops for PID 1 (KILL, STOP, a signal it has no handler for)", async () => {
    const listing = parseCollectorOutput((await exec(scriptArgv(COLLECT_SCRIPT, ["0"]))).stdout);
    const init = listing.processes.find((p) => p.pid === 1);
    const fp = init ? fingerprintOf(init) : null;
    if (!fp) throw new Error("PID 1 not listed");
    expect([init?.caughtSignals, init?.ignoredSignals]).toEqual([0, 0]);
    const send = (sig: string) => exec(scriptArgv(SIGNAL_SCRIPT, ["1", sig, String(fp.startTicks), fp.cmdSha256]));
    const cases: [string, string][] = [
      ["KILL", "init_uncatchable"],
      ["STOP", "init_uncatchable"],
      ["TERM", "init_no_handler"],
      ["HUP", "init_no_handler"],
      ["WINCH", "init_no_handler"],
    ];
    for (const [sig, reason] of cases) {
      const r = await send(sig);
      expect([sig, exitCodeOf(r.status), r.stdout]).toEqual([sig, SignalExit.dropped, `pns: dropped ${reason}\n`]);
    }
    const cont = await send("CONT");
    expect([exitCodeOf(cont.status), cont.stdout]).toEqual([
      SignalExit.sent,
      expect.stringMatching(/^pns: at \d{10}\npns: sending\npns: sent\n$/),
    ]);
    expect(fx.sim.state.processes("default", "solo", "app").find((p) => p.pid === 1)?.state).toBe("S");
  });

  it("ends a script past its time in the container: exit 124, its children killed, nothing left", async () => {
    const r = await exec(scriptArgv(SLOW, [], { timeoutSeconds: 2 }), 8000);
    expect([exitCodeOf(r.status), r.stderr.split("\n")[0]]).toEqual([
      SCRIPT_TIMED_OUT_EXIT,
      "pns: timed out after 2 s",
    ]);
    await eventually(() => (others().length === 0 ? true : undefined), 5000).catch(() => undefined);
    expect(others()).toEqual([]);
  });

  it("leaves no pns process in the pod, none re-parented to the app's PID 1, after the exec's client goes away", async () => {
    const ws = await new Exec(fx.kc).exec(
      "default",
      "solo",
      "dbg",
      scriptArgv(SLOW, [], { timeoutSeconds: 2 }),
      null,
      null,
      null,
      false,
    );
    await new Promise((r) => setTimeout(r, 500));
    ws.close();
    // The client is gone; the runtime keeps the script running (as containerd does) until its watchdog ends it.
    await new Promise((r) => setTimeout(r, 300));
    const during = others();
    const ended = await eventually(() => (others().length === 0 ? true : undefined), 8000).catch(() => false);
    expect([ended, others()]).toEqual([true, []]);
    // Nothing was ever re-parented to the app's init while it ran.
    expect(during.filter((p) => p.includes(" ppid=1 "))).toEqual([]);
  });
});
