import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProcessInfo } from "../../src/core/process/types.js";
import { locationOf } from "../../src/kube/pod-debugger.js";
import { runtimes } from "../sim/runtimes.js";
import { debuggerFor, fingerprint, type Sim, startSim, TestLedger } from "./harness.js";

const byArgs = (ps: ProcessInfo[], start: string) => ps.find((p) => p.args.join(" ").startsWith(start));

// The task page's walkthrough through pns's PodDebugger, on every runtime: on runc and crun the kernel answers.
describe.each(runtimes)("pns's kube adapter on the %s runtime", (runtime) => {
  let sim: Sim;
  let soloDebug = "";
  const soloLedger = new TestLedger();
  beforeAll(async () => {
    sim = await startSim(30, { runtime });
    await waitRunning("default", "nginx", "shell");
  }, 30_000);
  afterAll(async () => {
    await sim?.close();
  });

  async function waitRunning(ns: string, pod: string, container: string): Promise<void> {
    const end = Date.now() + 20_000;
    while (!sim.state.containerStatus(ns, pod, container)?.state?.running) {
      if (Date.now() > end) throw new Error(`${pod}/${container} did not start`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it("lists /pause, the nginx master and worker and sh, renews the worker on HUP and reads nginx.conf", async () => {
    const d = await debuggerFor(sim);
    const target = await d.resolveTarget("default", { kind: "auto", name: "nginx" });
    const a = await d.attach(target, { requestedBy: "U1" });
    expect(a).toMatchObject({ strategy: "shared", pod: "nginx", targetContainer: null });
    const location = locationOf("default", a);
    const { listing } = await d.listProcesses(location);
    const apps = listing.processes.filter((p) => p.role !== "debug");
    expect(apps.map((p) => [p.container, p.role, p.args.join(" ")])).toEqual([
      [null, "pause", "/pause"],
      ["nginx", "app", "nginx: master process nginx -g daemon off;"],
      ["nginx", "app", "nginx: worker process"],
      ["shell", "app", "sh"],
    ]);
    expect(apps[0]?.pid).toBe(1);
    const master = byArgs(listing.processes, "nginx: master");
    const worker = byArgs(listing.processes, "nginx: worker");
    if (!master || !worker) throw new Error("no nginx");
    const { after } = await d.sendSignal({ location, fingerprint: fingerprint(master), signal: "HUP" });
    const renewed = after ? byArgs(after.listing.processes, "nginx: worker") : undefined;
    expect(renewed?.pid).not.toBe(worker.pid);
    expect(byArgs(after?.listing.processes ?? [], "nginx: master")?.pid).toBe(master.pid);
    const file = await d.readFile({ location, pid: master.pid, path: "/etc/nginx/nginx.conf" });
    expect(file.text?.split("\n")[0]).toBe("user nginx;");
  });

  it("debugs a pod without a shared namespace through --target: its main process is PID 1", async () => {
    sim.state.createPod("default", {
      metadata: { name: "solo" },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
      },
    });
    await waitRunning("default", "solo", "app");
    const d = await debuggerFor(sim);
    const a = await d.attach(await d.resolveTarget("default", { kind: "pod", name: "solo" }), { requestedBy: "U1" });
    expect(a).toMatchObject({ strategy: "ephemeral", targetContainer: "app" });
    soloDebug = a.container;
    const { listing } = await d.listProcesses(locationOf("default", a));
    const main = listing.processes.find((p) => p.role === "app");
    expect([main?.pid, main?.container, main?.args]).toEqual([1, "app", ["sleep", "3600"]]);
  });

  it("makes a debug copy with a shared namespace (--copy): /pause is PID 1, the app beside pns's container", async () => {
    const d = await debuggerFor(sim);
    const a = await d.attach(await d.resolveTarget("default", { kind: "pod", name: "solo" }), {
      requestedBy: "U1",
      strategy: "copy",
      copies: soloLedger.of("default"),
    });
    expect(a.strategy).toBe("copy");
    const { listing } = await d.listProcesses(locationOf("default", a));
    const rows = listing.processes
      .filter((p) => p.role !== "debug" && p.container !== a.container)
      .map((p) => [p.role, p.container, p.args.join(" ")]);
    expect(rows).toEqual([
      ["pause", null, "/pause"],
      ["app", "app", "sleep 3600"],
    ]);
    expect(listing.processes[0]?.pid).toBe(1);
  });

  it("reports sessions from the cluster: the copy and the recorded debug container, blind once its target restarts", async () => {
    const d = await debuggerFor(sim);
    const recorded = [{ namespace: "default", pod: "solo", container: soloDebug }];
    const before = await d.sessions(["default"], recorded);
    expect(before.find((s) => s.kind === "ephemeral")).toMatchObject({ pod: "solo", state: "Running", blind: null });
    expect(before.filter((s) => s.kind === "copy").map((s) => s.copyOf)).toEqual(["solo"]);
    // Start times have whole seconds: the restart must come in a later second than the debug container's start.
    await new Promise((r) => setTimeout(r, 1100));
    sim.state.restartContainer("default", "solo", "app");
    // The runtime reports the restart a moment later: read until the cluster shows it (or 20 s pass).
    const end = Date.now() + 20_000;
    let after = (await d.sessions(["default"], recorded)).find((s) => s.kind === "ephemeral");
    while (!after?.blind && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      after = (await d.sessions(["default"], recorded)).find((s) => s.kind === "ephemeral");
    }
    // The kernel kills a joined debug container with its namespace's init; either way it no longer sees the app.
    expect(after?.blind).toMatch(/^(app restarted|the debug container stopped|app is not running)/);
    const cleaned = await d.cleanup(["default"], { now: true, recorded, owned: soloLedger.owned() });
    expect(cleaned.deleted.map((s) => s.copyOf)).toEqual(["solo"]);
    expect((await d.sessions(["default"], recorded)).some((s) => s.kind === "copy")).toBe(false);
  });

  it("reuses its copy by name and recorded UID, runs no init container again, and cleanup spares a look-alike", async () => {
    sim.state.createPod("default", {
      metadata: { name: "migrator" },
      spec: {
        terminationGracePeriodSeconds: 0,
        initContainers: [{ name: "migrate", image: "busybox:1.36", command: ["sh", "-c", "echo migrated"] }],
        containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
      },
    });
    await waitRunning("default", "migrator", "app");
    const ledger = new TestLedger();
    const request = { requestedBy: "U1", strategy: "copy" as const, copies: ledger.of("default") };
    const first = await (await debuggerFor(sim)).attach(
      await (await debuggerFor(sim)).resolveTarget("default", { kind: "pod", name: "migrator" }),
      request,
    );
    const copy = sim.state.pod("default", first.pod);
    expect(copy.spec.initContainers.map((c: { name: string }) => c.name)).toEqual([first.container]);
    expect(ledger.uids.get(`default/${first.pod}`)).toBe(copy.metadata.uid);
    // Another worker (another debugger, no shared state) finds the same copy under the same name.
    const other = await debuggerFor(sim);
    const again = await other.attach(await other.resolveTarget("default", { kind: "pod", name: "migrator" }), request);
    expect(again).toMatchObject({ pod: first.pod, reused: true });

    sim.state.createPod("default", {
      metadata: { name: "migrator-pns-fake1", labels: { "app.kubernetes.io/managed-by": "pns" } },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
      },
    });
    const report = await other.cleanup(["default"], { now: true, of: "migrator", owned: ledger.owned() });
    expect(report.deleted.map((s) => s.pod)).toEqual([first.pod]);
    expect(sim.state.hasPod("default", first.pod)).toBe(false);
    const all = await other.cleanup(["default"], { now: true, owned: ledger.owned() });
    expect(all.notOwned.map((s) => s.pod)).toContain("migrator-pns-fake1");
    expect(sim.state.hasPod("default", "migrator-pns-fake1")).toBe(true);
  });
});
