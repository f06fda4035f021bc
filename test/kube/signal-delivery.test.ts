import { CoreV1Api, KubeConfig, type V1Container } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DebugLocation, PodDebugger } from "../../src/app/ports/cluster.js";
import { PnsError } from "../../src/core/errors.js";
import { SIGNALS } from "../../src/core/signals.js";
import { locationOf } from "../../src/kube/pod-debugger.js";
import { runtimes } from "../sim/runtimes.js";
import { debuggerFor, fingerprint, type Sim, startSim } from "./harness.js";

const bit = (n: number) => 1 << (n - 1);

// Signals to a namespace's init (the `ephemeral` strategy's PID 1) on every runtime: on runc and crun the kernel
// decides, and pns must never call a dropped signal sent, nor a signal that ended the pod's main process failed.
describe.each(runtimes)("signals to PID 1 of a pod without a shared namespace, on the %s runtime", (runtime) => {
  let sim: Sim;
  let d: PodDebugger;
  beforeAll(async () => {
    sim = await startSim(30, { runtime, scenario: "empty" });
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    const pods: [string, V1Container][] = [
      ["web", { name: "nginx", image: "nginx:1.27" }],
      ["idle", { name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
    ];
    for (const [name, container] of pods) {
      await core.createNamespacedPod({
        namespace: "default",
        body: { metadata: { name }, spec: { terminationGracePeriodSeconds: 0, containers: [container] } },
      });
    }
    d = await debuggerFor(sim);
  }, 30_000);
  afterAll(async () => {
    await sim?.close();
  }, 90_000);

  async function attached(pod: string): Promise<DebugLocation> {
    const end = Date.now() + 20_000;
    while (!sim.state.pod("default", pod)?.status?.containerStatuses?.[0]?.state?.running) {
      if (Date.now() > end) throw new Error(`${pod} did not start`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const a = await d.attach(await d.resolveTarget("default", { kind: "pod", name: pod }), { requestedBy: "U1" });
    expect(a.strategy).toBe("ephemeral");
    return locationOf("default", a);
  }

  async function pid1(location: DebugLocation) {
    const { listing } = await d.listProcesses(location);
    const p = listing.processes.find((x) => x.pid === 1);
    if (!p) throw new Error("no PID 1");
    return p;
  }

  async function refusal(p: Promise<unknown>): Promise<PnsError> {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    if (!(err instanceof PnsError)) throw new Error(`expected a PnsError, got ${String(err)}`);
    return err;
  }

  it("lists the nginx master's handlers (SigCgt) and refuses KILL and STOP to it, saying what works instead", async () => {
    const location = await attached("web");
    const master = await pid1(location);
    expect(master.args[0]).toMatch(/^nginx: master/);
    const caught = master.caughtSignals ?? 0;
    for (const n of [SIGNALS.HUP, SIGNALS.TERM, SIGNALS.QUIT, SIGNALS.USR1])
      expect([n, caught & bit(n)]).toEqual([n, bit(n)]);
    expect(caught & bit(SIGNALS.KILL)).toBe(0);
    for (const signal of ["KILL", "STOP"] as const) {
      const err = await refusal(d.sendSignal({ location, fingerprint: fingerprint(master), signal }));
      expect(err.code).toBe("not_allowed");
      expect(err.userMessage).toMatch(/init of its container's PID namespace: the kernel drops SIG(KILL|STOP)/);
      expect(err.hint).toMatch(/--copy.*shareProcessNamespace|restart the pod through its controller/);
    }
    const still = await pid1(location);
    expect([still.startTicks, still.state]).toEqual([master.startTicks, "S"]);
  });

  it("sends HUP, which the master handles: its workers come back under new PIDs", async () => {
    const location = await attached("web");
    const master = await pid1(location);
    const { before, after, targetExited } = await d.sendSignal({
      location,
      fingerprint: fingerprint(master),
      signal: "HUP",
    });
    expect(targetExited).toBeFalsy();
    const workers = (l: typeof before.listing | undefined) =>
      (l?.processes ?? []).filter((p) => p.args[0] === "nginx: worker process").map((p) => p.pid);
    const end = Date.now() + 10_000;
    let now = workers(after?.listing);
    while (now.some((p) => workers(before.listing).includes(p)) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      now = workers((await d.listProcesses(location)).listing);
    }
    expect(now.length).toBeGreaterThan(0);
    expect(now.some((p) => workers(before.listing).includes(p))).toBe(false);
  });

  it("refuses TERM to a PID 1 with no handler for it (busybox sleep): the kernel would drop it", async () => {
    const location = await attached("idle");
    const sleeper = await pid1(location);
    expect(sleeper.args).toEqual(["sleep", "3600"]);
    const err = await refusal(d.sendSignal({ location, fingerprint: fingerprint(sleeper), signal: "TERM" }));
    expect(err.userMessage).toBe(
      "PID 1 is the init of its container's PID namespace and has no handler for SIGTERM: the kernel drops it, so pns does not send it.",
    );
    expect((await pid1(location)).startTicks).toBe(sleeper.startTicks);
  });

  it("calls TERM to the nginx master sent when the master exits and takes the debug container with it", async () => {
    const location = await attached("web");
    const master = await pid1(location);
    const before = sim.state.containerStatus("default", "web", "nginx");
    const out = await d.sendSignal({ location, fingerprint: fingerprint(master), signal: "TERM" });
    expect([out.targetExited, out.after]).toEqual([true, null]);
    const end = Date.now() + 20_000;
    while (sim.state.containerStatus("default", "web", "nginx")?.restartCount !== (before.restartCount ?? 0) + 1) {
      if (Date.now() > end) throw new Error("nginx did not restart");
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await d.isRunning(location)).toBe(false);
  });
});
