import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AttachRequest, PodDebugger } from "../../src/app/ports/cluster.js";
import type { Target } from "../../src/core/command/types.js";
import { PnsError } from "../../src/core/errors.js";
import type { ProcessInfo } from "../../src/core/process/types.js";
import { buildClusterClients } from "../../src/kube/clusters.js";
import { locationOf } from "../../src/kube/pod-debugger.js";
import { podEvents } from "../../src/kube/pod-events.js";
import type { Json } from "../../src/local/sim/world.js";
import { runtimes } from "../sim/runtimes.js";
import { counterIds, debuggerFor, type Sim, startSim } from "./harness.js";

const byArgs = (ps: ProcessInfo[], start: string) => ps.find((p) => p.args.join(" ").startsWith(start));

async function failure(promise: Promise<unknown>): Promise<PnsError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof PnsError) return err;
    throw err;
  }
  throw new Error("expected a PnsError");
}

// The PodDebugger contract on every runtime, with pods of the images the real runtime has (busybox, nginx): on runc
// and crun the kernel decides what the debug container sees, what dies with a PID namespace and what starts.
describe.each(runtimes)("the PodDebugger contract on the %s runtime", (runtime) => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim(0, { runtime, scenario: "empty", restartBackoffMs: 200 });
  }, 30_000);
  afterAll(async () => {
    await sim?.close();
  });

  async function until<T>(what: string, check: () => T | undefined | null | false, ms = 20_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  const status = (pod: string, container: string): Json => sim.state.containerStatus("default", pod, container);
  const core = async () =>
    (await buildClusterClients({ kind: "kubeconfig", path: sim.kubeconfigPath, context: null })).core;

  async function podWith(name: string, spec: Json, runningContainer: string): Promise<void> {
    sim.state.createPod("default", { metadata: { name }, spec: { terminationGracePeriodSeconds: 0, ...spec } });
    await until(`${name}/${runningContainer} to run`, () => status(name, runningContainer)?.state?.running);
  }

  async function attach(d: PodDebugger, pod: string, extra: Partial<AttachRequest> = {}) {
    const resolved = await d.resolveTarget("default", { kind: "pod", name: pod } as Target);
    const attachment = await d.attach(resolved, { requestedBy: "U1", ...extra });
    return { attachment, location: locationOf("default", attachment) };
  }

  const sleeper = (name: string, seconds: number, securityContext?: Json): Json => ({
    name,
    image: "busybox:1.36",
    command: ["sleep", String(seconds)],
    ...(securityContext ? { securityContext } : {}),
  });

  describe("a target that restarts (issue 11.3)", () => {
    it("attaches a new debug container after the target's main process died, and says the target restarted", async () => {
      await podWith("pg", { containers: [sleeper("postgres", 3700)] }, "postgres");
      const d = await debuggerFor(sim, {}, { shortId: counterIds("a") });
      const first = await attach(d, "pg");
      expect(first.attachment).toMatchObject({ strategy: "ephemeral", targetContainer: "postgres", reused: false });
      const { listing } = await d.listProcesses(first.location);
      expect(byArgs(listing.processes, "sleep 3700")).toMatchObject({ pid: 1, container: "postgres", role: "app" });

      const before = status("pg", "postgres");
      // The target's main process dies; the kubelet restarts it; the kernel killed the debug container with it.
      expect(sim.state.kill("default", "pg", 1, "KILL", "postgres")).toBe("sent");
      await until("postgres to restart", () => {
        const s = status("pg", "postgres");
        return s?.restartCount === 1 && s.state?.running;
      });
      const ended = await until("the debug container to end", () => status("pg", first.attachment.container)?.state);
      expect(Object.keys(ended)).toEqual(["terminated"]);
      expect(ended.terminated).toMatchObject({ exitCode: 137 });
      expect(status("pg", "postgres").containerID).not.toBe(before.containerID);

      // The old debug container takes no exec: the kubelet's refusal comes as a Status after the upgrade.
      const dead = await failure(d.listProcesses(first.location));
      expect([dead.code, dead.userMessage]).toEqual([
        "exec_failed",
        `pns could not run a command in pg/${first.attachment.container}: the container is not running.`,
      ]);
      const again = await attach(d, "pg");
      expect(again.attachment.reused).toBe(false);
      expect(again.attachment.container).not.toBe(first.attachment.container);
      const at = status("pg", "postgres").lastState.terminated.finishedAt.slice(11, 16);
      expect(again.attachment.note).toBe(
        `postgres restarted at ${at} UTC, Error (exit code 137, signal 9); attached a new debug container.`,
      );
      const after = await d.listProcesses(again.location);
      expect(byArgs(after.listing.processes, "sleep 3700")).toMatchObject({ pid: 1, container: "postgres" });
    });

    it("reuses the running debug container while the target keeps running, saying nothing", async () => {
      await podWith("steady", { containers: [sleeper("app", 3700)] }, "app");
      const d = await debuggerFor(sim, {}, { shortId: counterIds("b") });
      const first = await attach(d, "steady");
      const again = await attach(await debuggerFor(sim, {}, { shortId: counterIds("c") }), "steady");
      expect(again.attachment).toMatchObject({ reused: true, container: first.attachment.container });
      expect(again.attachment.note).toBeUndefined();
    });

    it("says the old debug container ended when it did and the target did not restart", async () => {
      await podWith("ended", { containers: [sleeper("app", 3700)] }, "app");
      const d = await debuggerFor(sim, {}, { shortId: counterIds("d") });
      const first = await attach(d, "ended");
      const sleepOf = () =>
        sim.state.processes("default", "ended", first.attachment.container).find((p) => p.args[0] === "sleep");
      // On a real runtime the container is running a moment before runc has exec'd its command.
      const sleep = await until("the debug container's sleep", sleepOf);
      expect(sleep.args).toEqual(expect.arrayContaining(["sleep"]));
      sim.state.kill("default", "ended", sleep.pid, "KILL", first.attachment.container);
      await until("the debug container to end", () => status("ended", first.attachment.container)?.state?.terminated);
      const again = await attach(d, "ended");
      expect(again.attachment.note).toBe(
        `The debug container ${first.attachment.container} ended (Error, exit code 137); attached a new debug container.`,
      );
    });
  });

  describe("the restricted profile (issue 11.4)", () => {
    it("starts busybox as the target's uid and lists, signals and reads that uid's processes", async () => {
      await podWith("owned", { containers: [sleeper("app", 3700, { runAsUser: 1000, runAsGroup: 1000 })] }, "app");
      const d = await debuggerFor(sim, { profile: "restricted" }, { shortId: counterIds("r") });
      const { attachment, location } = await attach(d, "owned");
      expect(status("owned", attachment.container)?.state?.running).toBeTruthy();
      const { listing } = await d.listProcesses(location);
      expect(byArgs(listing.processes, "sleep 3700")).toMatchObject({ uid: 1000, container: "app" });
      expect(listing.processes.filter((p) => p.role === "debug").every((p) => p.uid === 1000)).toBe(true);
    });

    it("runs as nobody (65534) when the target runs as root, and still starts", async () => {
      await podWith("rooted", { containers: [sleeper("app", 3700)] }, "app");
      const d = await debuggerFor(sim, { profile: "restricted" }, { shortId: counterIds("s") });
      const { location } = await attach(d, "rooted");
      const { listing } = await d.listProcesses(location);
      expect(listing.processes.filter((p) => p.role === "debug").map((p) => p.uid)).toContain(65534);
      expect(byArgs(listing.processes, "sleep 3700")).toMatchObject({ uid: 0, container: "app" });
    });
  });

  describe("debug containers that cannot start (issue 11.11)", () => {
    it("ends the wait at once on CreateContainerConfigError, with the kubelet's message", async () => {
      // The pod says runAsNonRoot and only its app names a uid: a debug container without one would run busybox as root.
      await podWith(
        "nonroot",
        { securityContext: { runAsNonRoot: true }, containers: [sleeper("app", 3700, { runAsUser: 1000 })] },
        "app",
      );
      const err = await failure(attach(await debuggerFor(sim, {}, { shortId: counterIds("n") }), "nonroot"));
      expect([err.code, err.userMessage]).toEqual([
        "exec_failed",
        expect.stringMatching(
          /^The debug container pns-debug-n0001 in nonroot could not start \(CreateContainerConfigError\): container has runAsNonRoot and image will run as root/,
        ),
      ]);
      expect(await podEvents(await core(), "default", "nonroot")).toEqual([
        expect.stringMatching(
          /^Failed: Error: container has runAsNonRoot and image will run as root \(pod: "nonroot_default/,
        ),
      ]);
      expect(await podEvents(await core(), "default", "pg")).toEqual([]);
    });
  });

  describe("a hostPID pod (issue 11.6)", () => {
    it("lists only the pod's own processes, counts the node's, and refuses to signal one of them", async () => {
      await podWith("node-agent", { hostPID: true, containers: [sleeper("agent", 3704)] }, "agent");
      const d = await debuggerFor(sim, {}, { shortId: counterIds("h") });
      const { attachment, location } = await attach(d, "node-agent");
      const { listing } = await d.listProcesses(location);
      expect(listing.outside?.hostPID).toBe(true);
      // The node's init, its daemons and other pods' processes are there, and none of them is shown.
      expect(listing.outside?.processes).toBeGreaterThan(2);
      expect(listing.processes.every((p) => p.container === "agent" || p.container === attachment.container)).toBe(
        true,
      );
      const agent = byArgs(listing.processes, "sleep 3704");
      expect(agent).toMatchObject({ container: "agent", role: "app" });
      expect(agent?.pid).not.toBe(1);
      const err = await failure(
        d.sendSignal({ location, fingerprint: { pid: 1, startTicks: 1, cmdSha256: "0".repeat(64) }, signal: "HUP" }),
      );
      expect([err.code, err.userMessage]).toEqual([
        "not_allowed",
        "PID 1 is not a process of pod node-agent's containers: the pod shares the node's PID namespace (hostPID), and pns signals only the pod's own processes.",
      ]);
    });
  });

  it("backs off a container that keeps exiting: CrashLoopBackOff with the kubelet's message (issue 11.11)", async () => {
    sim.state.createPod("default", {
      metadata: { name: "crashing" },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "0"] }],
      },
    });
    const waiting = await until("CrashLoopBackOff", () => {
      const w = status("crashing", "app")?.state?.waiting;
      return w?.reason === "CrashLoopBackOff" ? w : undefined;
    });
    const uid = sim.state.pod("default", "crashing").metadata.uid;
    expect(waiting.message).toBe(`back-off 0s restarting failed container=app pod=crashing_default(${uid})`);
    expect(status("crashing", "app").restartCount).toBeGreaterThanOrEqual(2);
    expect(status("crashing", "app").lastState.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    // The kubelet's event, served with the involvedObject field selector pns's waits read.
    expect(await podEvents(await core(), "default", "crashing")).toEqual([
      `BackOff: Back-off restarting failed container app in pod crashing_default(${uid})`,
    ]);
  });

  describe("targets besides the app containers (issue 11.12)", () => {
    it("-c names a native sidecar: the debug container joins its namespace", async () => {
      await podWith(
        "sidecar",
        {
          initContainers: [{ ...sleeper("proxy", 3601), restartPolicy: "Always" }],
          containers: [sleeper("app", 3603)],
        },
        "app",
      );
      const d = await debuggerFor(sim, {}, { shortId: counterIds("p") });
      const { attachment, location } = await attach(d, "sidecar", { container: "proxy" });
      expect(attachment).toMatchObject({ strategy: "ephemeral", targetContainer: "proxy" });
      const { listing } = await d.listProcesses(location);
      expect(byArgs(listing.processes, "sleep 3601")).toMatchObject({ pid: 1, container: "proxy", role: "app" });
      expect(byArgs(listing.processes, "sleep 3603")).toBeUndefined();
    });

    it("-c names an init container a pod is stuck in: pns looks into it while the pod is Pending", async () => {
      sim.state.createPod("default", {
        metadata: { name: "stuck" },
        spec: {
          terminationGracePeriodSeconds: 0,
          initContainers: [sleeper("wait-db", 3602)],
          containers: [sleeper("app", 3700)],
        },
      });
      await until("the init container to run", () => status("stuck", "wait-db")?.state?.running);
      const d = await debuggerFor(sim, {}, { shortId: counterIds("i") });
      const { attachment, location } = await attach(d, "stuck", { container: "wait-db" });
      expect(sim.state.pod("default", "stuck").status.phase).toBe("Pending");
      expect(attachment).toMatchObject({ strategy: "ephemeral", targetContainer: "wait-db" });
      const { listing } = await d.listProcesses(location);
      expect(byArgs(listing.processes, "sleep 3602")).toMatchObject({ pid: 1, container: "wait-db", role: "app" });
    });
  });
});
