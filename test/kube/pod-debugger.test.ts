import { type V1Pod, VersionApi } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { PodDebugger } from "../../src/app/ports/cluster.js";
import type { Target } from "../../src/core/command/types.js";
import type { DebugConfig } from "../../src/core/config/types.js";
import { PnsError } from "../../src/core/errors.js";
import type { ProcessInfo } from "../../src/core/process/types.js";
import { buildClusterClients } from "../../src/kube/clusters.js";
import { copyNameSuffix, copyPodName } from "../../src/kube/debug-spec.js";
import { MANAGED_BY_LABEL } from "../../src/kube/labels.js";
import { createKubeDebugger, locationOf } from "../../src/kube/pod-debugger.js";
import { podEvents } from "../../src/kube/pod-events.js";
import type { Json } from "../../src/local/sim/world.js";
import { runtimes } from "../sim/runtimes.js";
import {
  counterIds,
  debuggerFor,
  fingerprint,
  lookalikeCopy,
  requestsSince,
  type Sim,
  startSim,
  TestLedger,
  testDebugConfig,
} from "./harness.js";

// Every runtime: pods of the images the real runtime has (busybox, nginx) made by each test; on runc and crun the
// kernel decides what the debug container sees and what a signal does. The few tests that need the emulated seed's
// placed PIDs, its shop workloads or state.recyclePid run at the end, on the emulated runtime only.
const ledger = new TestLedger();
let sim: Sim;
beforeEach(() => {
  sim?.faults.clear();
});

/** Polls `check` until it is truthy (real containers start in their own time). */
async function until<T>(what: string, check: () => T | undefined | null | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `sleep N` in busybox: a container the real runtime runs too. */
const sleeper = (name: string, seconds = 3600, securityContext?: Record<string, unknown>) => ({
  name,
  image: "busybox:1.36",
  command: ["sleep", String(seconds)],
  ...(securityContext ? { securityContext } : {}),
});

/** True once every container of the pod runs (a copy's app containers start after its debug sidecar). */
function allRunning(namespace: string, pod: string): boolean {
  const statuses = sim.state.pod(namespace, pod).status.containerStatuses ?? [];
  return statuses.length > 0 && statuses.every((c: { state?: { running?: unknown } }) => c.state?.running);
}

/** Creates a pod (no admission, as kubectl's would be after it) and waits until its containers run. */
async function placed(namespace: string, body: { metadata: { name: string } & Json; spec: Json }) {
  sim.state.createPod(namespace, { ...body, spec: { terminationGracePeriodSeconds: 0, ...body.spec } });
  await until(`${namespace}/${body.metadata.name} to run`, () => allRunning(namespace, body.metadata.name));
}

/** A pod of `spec` (busybox sleepers), created and running. */
async function running(namespace: string, name: string, spec: Json, labels = {}): Promise<void> {
  await placed(namespace, { metadata: { name, labels }, spec });
}

async function attachTo(d: PodDebugger, namespace: string, target: Target, extra: Record<string, unknown> = {}) {
  const resolved = await d.resolveTarget(namespace, target);
  const progress: string[] = [];
  const attachment = await d.attach(resolved, {
    requestedBy: "U1",
    onProgress: (m) => progress.push(m),
    copies: ledger.of(namespace),
    ...extra,
  });
  return { resolved, attachment, progress, location: locationOf(namespace, attachment) };
}

async function failure(promise: Promise<unknown>): Promise<PnsError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof PnsError) return err;
    throw err;
  }
  throw new Error("expected a PnsError");
}

const byArgs = (ps: ProcessInfo[], start: string) => ps.find((p) => p.args.join(" ").startsWith(start));

describe.each(runtimes)("the PodDebugger on the %s runtime", (runtime) => {
  beforeAll(async () => {
    sim = await startSim(30, { runtime, restartBackoffMs: 200 });
    await until(
      "the seed's nginx to run",
      () => sim.state.containerStatus("default", "nginx", "shell")?.state?.running,
    );
  }, 30_000);
  // A real runtime stops some sixty pods' containers.
  afterAll(async () => {
    await sim?.close();
  }, 120_000);

  describe("the task page's walkthrough, end to end", () => {
    it("lists /pause, the nginx master and worker and sh; SIGHUP renews the worker; reads nginx.conf via the master's root", async () => {
      const d = await debuggerFor(sim);
      const { attachment, location, progress } = await attachTo(d, "default", { kind: "auto", name: "nginx" });
      expect(attachment).toMatchObject({ strategy: "shared", pod: "nginx", targetContainer: null, reused: false });
      expect(progress).toContain("pulling image public.ecr.aws/docker/library/busybox:1.36…");

      const { listing } = await d.listProcesses(location);
      const apps = listing.processes.filter((p) => p.role !== "debug");
      expect(apps.map((p) => [p.container, p.role, p.args.join(" ")])).toEqual([
        [null, "pause", "/pause"],
        ["nginx", "app", "nginx: master process nginx -g daemon off;"],
        ["nginx", "app", "nginx: worker process"],
        ["shell", "app", "sh"],
      ]);
      // The pause image runs as 65535 (kubernetes build/pause/Dockerfile), no user name in busybox's passwd.
      expect(apps[0]).toMatchObject({ pid: 1, user: "65535" });
      expect(
        listing.processes.filter((p) => p.role === "debug").every((p) => p.container === attachment.container),
      ).toBe(true);

      const master = byArgs(listing.processes, "nginx: master")!;
      const worker = byArgs(listing.processes, "nginx: worker")!;
      const { before, after } = await d.sendSignal({ location, fingerprint: fingerprint(master), signal: "HUP" });
      expect(byArgs(before.listing.processes, "nginx: worker")?.pid).toBe(worker.pid);
      expect(after).not.toBeNull();
      expect(byArgs(after!.listing.processes, "nginx: master")?.pid).toBe(master.pid);
      const renewed = byArgs(after!.listing.processes, "nginx: worker");
      expect(renewed?.pid).not.toBe(worker.pid);
      expect(renewed?.container).toBe("nginx");

      const file = await d.readFile({ location, pid: master.pid, path: "/etc/nginx/nginx.conf" });
      expect(file.binary).toBe(false);
      expect(file.text).toMatch(/^user nginx;\nworker_processes +\S+;\n/);
      expect(file.truncated).toBe(false);
    });
  });

  describe("strategies", () => {
    // A two-container pod without a shared namespace, as the seed's shop web (node + envoy) is.
    beforeAll(async () => {
      await running(
        "shop",
        "front",
        { containers: [sleeper("web", 3601, { runAsUser: 1000 }), sleeper("envoy", 3602, { runAsUser: 101 })] },
        { app: "front" },
      );
    }, 30_000);

    it("shared: reuses the running debug container of the same image and target, with no API write", async () => {
      const first = await attachTo(await debuggerFor(sim, {}, { shortId: counterIds("r") }), "default", {
        kind: "pod",
        name: "nginx",
      });
      const from = sim.requests.entries.length;
      const again = await attachTo(await debuggerFor(sim, {}, { shortId: counterIds("s") }), "default", {
        kind: "pod",
        name: "nginx",
      });
      expect(again.attachment).toMatchObject({ reused: true, container: first.attachment.container });
      expect(requestsSince(sim, from, "PATCH pods/ephemeralcontainers")).toBe(0);
      expect(requestsSince(sim, from)).toBe(1);
    });

    it("ephemeral: targets the first container, or -c; sees that container's processes", async () => {
      const d = await debuggerFor(sim, {}, { shortId: counterIds("e") });
      const web = await attachTo(d, "shop", { kind: "pod", name: "front" });
      expect(web.attachment).toMatchObject({ strategy: "ephemeral", targetContainer: "web", reused: false });
      const { listing } = await d.listProcesses(web.location);
      expect(byArgs(listing.processes, "sleep 3601")).toMatchObject({ container: "web", pid: 1 });
      expect(byArgs(listing.processes, "sleep 3602")).toBeUndefined();

      const envoy = await attachTo(d, "shop", { kind: "pod", name: web.attachment.pod }, { container: "envoy" });
      expect(envoy.attachment).toMatchObject({ strategy: "ephemeral", targetContainer: "envoy", reused: false });
      expect(envoy.attachment.container).not.toBe(web.attachment.container);
    });

    it("copy: a labelled, annotated copy sharing its process namespace, without the source's labels and probes", async () => {
      const d = await debuggerFor(sim, {}, { shortId: counterIds("c") });
      const { attachment, resolved, location } = await attachTo(
        d,
        "shop",
        { kind: "pod", name: "front" },
        { strategy: "copy" },
      );
      expect(attachment).toMatchObject({ strategy: "copy", copyOf: resolved.pod.name, reused: false });
      // The one name of this pod's copy: the same from any worker.
      expect(attachment.pod).toBe(copyPodName(resolved.pod.name, copyNameSuffix(resolved.object as V1Pod)));
      expect(attachment.note).toContain("runs a second instance");
      const copy = sim.state.pod("shop", attachment.pod) as V1Pod;
      expect(copy.metadata?.labels).toEqual({ [MANAGED_BY_LABEL]: "pns" });
      expect(copy.metadata?.annotations).toMatchObject({
        "pns.dev/copy-of": resolved.pod.name,
        "pns.dev/requested-by": "U1",
      });
      expect(copy.spec?.shareProcessNamespace).toBe(true);
      // The debug container is a native sidecar: it starts before the app's containers, with small resources.
      expect(copy.spec?.initContainers?.[0]).toMatchObject({
        name: attachment.container,
        restartPolicy: "Always",
        resources: testDebugConfig.resources,
      });
      expect(copy.spec?.containers.map((c) => c.name)).not.toContain(attachment.container);
      await until("the copy's app containers", () => allRunning("shop", attachment.pod));
      const { listing } = await d.listProcesses(location);
      expect(byArgs(listing.processes, "sleep 3601")?.container).toBe("web");
      expect(byArgs(listing.processes, "sleep 3602")?.container).toBe("envoy");
      expect(listing.processes[0]).toMatchObject({ pid: 1, role: "pause" });
      // pns's own sleep in the sidecar is pns's, not the app's.
      const sleep = `sleep ${testDebugConfig.containerLifetimeMs / 1000}`;
      expect(byArgs(listing.processes, sleep)).toMatchObject({ role: "debug", container: attachment.container });

      const again = await attachTo(d, "shop", { kind: "pod", name: resolved.pod.name }, { strategy: "copy" });
      expect(again.attachment).toMatchObject({ reused: true, pod: attachment.pod });
    });

    it("copy: keeps the source's fields newer than client-node's models, and its annotations but kubectl's record", async () => {
      // A namespace of its own, so the cleanup test below sees only its copies.
      sim.state.addNamespace("copies");
      await placed("copies", {
        metadata: {
          name: "future",
          labels: { app: "future" },
          annotations: {
            "kubectl.kubernetes.io/last-applied-configuration": '{"kind":"Pod"}',
            "team.example.com/owner": "payments",
          },
        },
        spec: {
          hostnameOverride: "kept-by-the-models",
          someFieldOfKubernetes2: { enabled: true },
          containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "9999"], futureKnob: 3 }],
        },
      });
      const d = await debuggerFor(sim, {}, { shortId: counterIds("n") });
      const { attachment } = await attachTo(d, "copies", { kind: "pod", name: "future" }, { strategy: "copy" });
      const copy = sim.state.pod("copies", attachment.pod);
      expect(copy.spec.someFieldOfKubernetes2).toEqual({ enabled: true });
      expect(copy.spec.containers[0].futureKnob).toBe(3);
      expect(copy.metadata.annotations["team.example.com/owner"]).toBe("payments");
      expect(copy.metadata.annotations).not.toHaveProperty("kubectl.kubernetes.io/last-applied-configuration");
    });

    it("copy: stays on the source's node when configured, or when a volume claim may be ReadWriteOnce, and says why", async () => {
      sim.state.addNamespace("copies");
      await placed("copies", {
        metadata: { name: "plain" },
        spec: { containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "9999"] }] },
      });
      const same = await attachTo(
        await debuggerFor(sim, { copySameNode: true }, { shortId: counterIds("o") }),
        "copies",
        { kind: "pod", name: "plain" },
        { strategy: "copy" },
      );
      expect(same.progress.some((p) => p.includes("on node sim-node-1 (debug.copySameNode is on)"))).toBe(true);
      // pns may not read the claim (a 403, as without `get persistentvolumeclaims`): it counts as ReadWriteOnce.
      sim.state.addClaim("copies", "data-0", ["ReadWriteOnce"]);
      sim.faults.failNext("GET persistentvolumeclaims", 403, { reason: "Forbidden", message: "forbidden" });
      await placed("copies", {
        metadata: { name: "with-claim" },
        spec: {
          volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data-0" } }],
          containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "9999"] }],
        },
      });
      const from = sim.requests.entries.length;
      const claimed = await attachTo(
        await debuggerFor(sim, {}, { shortId: counterIds("p") }),
        "copies",
        { kind: "pod", name: "with-claim" },
        { strategy: "copy" },
      );
      expect(
        claimed.progress.some((p) =>
          p.includes(
            "on node sim-node-1 (pns could not read its volume claim data-0, which the copy shares and which may be ReadWriteOnce; if it is ReadWriteOncePod the copy cannot start while with-claim runs)",
          ),
        ),
      ).toBe(true);
      expect(sim.state.pod("copies", claimed.attachment.pod).spec.nodeName).toBe("sim-node-1");
      expect(sim.requests.entries.slice(from).some((e) => e.path.endsWith("/persistentvolumeclaims/data-0"))).toBe(
        true,
      );
    });

    it("lists the containers and init containers -c may name when it names none of them", async () => {
      await placed("default", {
        metadata: { name: "with-inits" },
        spec: {
          initContainers: [{ name: "migrate", image: "busybox:1.36", command: ["true"] }],
          containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "9999"] }],
        },
      });
      const d = await debuggerFor(sim);
      const err = await failure(attachTo(d, "default", { kind: "pod", name: "with-inits" }, { container: "nope" }));
      expect([err.code, err.userMessage, err.hint]).toEqual([
        "not_found",
        'Pod with-inits has no container "nope".',
        "Its containers: app. Its init containers: migrate.",
      ]);
    });

    it("two concurrent ps on one pod add one debug container, not two", async () => {
      await running("shop", "pg-0", { containers: [sleeper("postgres", 3603, { runAsUser: 999 })] });
      const from = sim.requests.entries.length;
      const [a, b] = await Promise.all([
        attachTo(await debuggerFor(sim, {}, { shortId: counterIds("x") }), "shop", { kind: "pod", name: "pg-0" }),
        attachTo(await debuggerFor(sim, {}, { shortId: counterIds("y") }), "shop", { kind: "pod", name: "pg-0" }),
      ]);
      expect(a.attachment.container).toBe(b.attachment.container);
      expect([a.attachment.reused, b.attachment.reused].sort()).toEqual([false, true]);
      expect(requestsSince(sim, from, "PATCH pods/ephemeralcontainers", 200)).toBe(1);
      expect((sim.state.pod("shop", "pg-0") as V1Pod).spec?.ephemeralContainers).toHaveLength(1);
    });

    it("two concurrent ps in one process share one attach", async () => {
      await running("ops", "agent-z", { containers: [sleeper("agent", 3604)] });
      const d = await debuggerFor(sim, {}, { shortId: counterIds("z") });
      const target = await d.resolveTarget("ops", { kind: "pod", name: "agent-z" });
      const from = sim.requests.entries.length;
      const [a, b] = await Promise.all([
        d.attach(target, { requestedBy: "U1" }),
        d.attach(target, { requestedBy: "U2" }),
      ]);
      expect(a.container).toBe(b.container);
      expect(requestsSince(sim, from, "PATCH pods/ephemeralcontainers")).toBe(1);
    });
  });

  describe("ephemeral containers are forever", () => {
    it("adds up to the cap, warns near it, reuses any image at it, then refuses with --copy and restart", async () => {
      await placed("default", {
        metadata: { name: "capped" },
        spec: { containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "9999"] }] },
      });
      const target = { kind: "pod", name: "capped" } as const;
      const attachWith = async (debug: Partial<DebugConfig>) =>
        (await attachTo(await debuggerFor(sim, { maxEphemeralContainers: 3, ...debug }), "default", target)).attachment;

      const first = await attachWith({ image: "busybox:1.36" });
      expect([first.reused, first.note]).toEqual([false, undefined]);
      const second = await attachWith({ image: "busybox:1.35" });
      expect([second.reused, second.note]).toEqual([
        false,
        "Pod capped now carries 2 of at most 3 pns debug containers (they can never be removed): pns adds 1 more, then asks for `--copy` or a restart of the pod.",
      ]);
      const third = await attachWith({ image: "busybox:1.34" });
      expect(third.note).toBe(
        "Pod capped now carries 3 pns debug containers, the most pns adds: the next new one needs `--copy` or a restart of the pod.",
      );
      // At the cap a running debug container of another image serves.
      const from = sim.requests.entries.length;
      const fourth = await attachWith({ image: "busybox:1.33" });
      expect(fourth.reused).toBe(true);
      expect([first.container, second.container, third.container]).toContain(fourth.container);
      expect(requestsSince(sim, from, "PATCH pods/ephemeralcontainers")).toBe(0);
      // Another profile (another securityContext) cannot reuse them: refused, nothing added.
      const err = await failure(attachWith({ profile: "general" }));
      expect([err.code, err.userMessage]).toEqual([
        "not_allowed",
        "Pod capped already carries 3 pns debug containers (the limit is 3), and ephemeral containers can never be removed.",
      ]);
      expect(err.hint).toContain("`--copy`");
      expect(err.hint).toContain("kubectl rollout restart");
      expect((sim.state.pod("default", "capped") as V1Pod).spec?.ephemeralContainers).toHaveLength(3);
    });

    it("counts ended debug containers too: the pod keeps them", async () => {
      await placed("default", {
        metadata: { name: "capped-ended" },
        spec: { containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "9999"] }] },
      });
      const d = await debuggerFor(sim, { maxEphemeralContainers: 1 });
      const { attachment } = await attachTo(d, "default", { kind: "pod", name: "capped-ended" });
      // The debug container's sleep ends (its main process killed): it stays in the spec, terminated.
      const sleep = await until("the debug container's sleep", () =>
        sim.state.processes("default", "capped-ended", attachment.container).find((p) => p.args[0] === "sleep"),
      );
      sim.state.kill("default", "capped-ended", sleep.pid, "KILL", attachment.container);
      await until(
        "the debug container to end",
        () => sim.state.containerStatus("default", "capped-ended", attachment.container)?.state?.terminated,
      );
      const err = await failure(
        attachTo(await debuggerFor(sim, { maxEphemeralContainers: 1 }), "default", {
          kind: "pod",
          name: "capped-ended",
        }),
      );
      expect(err.code).toBe("not_allowed");
    });
  });

  describe("signals", () => {
    async function nginxSession() {
      const d = await debuggerFor(sim);
      const { location } = await attachTo(d, "default", { kind: "pod", name: "nginx" });
      const { listing } = await d.listProcesses(location);
      return { d, location, listing };
    }

    // The kernel lets a root debug container signal another uid with CAP_KILL, in containerd's default set: the baseline
    // profile needs no SYS_PTRACE for it (linux kernel/signal.c `kill_ok_by_cred`).
    it("signals another uid's process from the baseline profile (CAP_KILL, no SYS_PTRACE)", async () => {
      const d = await debuggerFor(sim, { profile: "baseline" });
      const { location } = await attachTo(d, "default", { kind: "pod", name: "nginx" });
      const { listing } = await d.listProcesses(location);
      const worker = byArgs(listing.processes, "nginx: worker")!;
      await d.sendSignal({ location, fingerprint: fingerprint(worker), signal: "TERM" });
      expect(sim.state.process("default", "nginx", worker.pid)).toBeUndefined();
    });

    it("passes on the kernel's refusal to the restricted profile (no CAP_KILL, another uid), naming CAP_KILL", async () => {
      const d = await debuggerFor(sim, { profile: "restricted" }, { shortId: counterIds("u") });
      const { location } = await attachTo(d, "default", { kind: "pod", name: "nginx" });
      const { listing } = await d.listProcesses(location);
      const worker = byArgs(listing.processes, "nginx: worker")!;
      const err = await failure(d.sendSignal({ location, fingerprint: fingerprint(worker), signal: "HUP" }));
      expect(err.code).toBe("exec_failed");
      expect(err.userMessage).toContain("Nothing was sent");
      expect(err.hint).toContain("drops CAP_KILL");
      expect(err.hint).not.toContain("SYS_PTRACE");
      expect(sim.state.process("default", "nginx", worker.pid)).toBeDefined();
    });

    it("says process_gone for a process that exited", async () => {
      const { d, location, listing } = await nginxSession();
      // The worker is killed; the nginx master starts another under a new PID.
      const worker = byArgs(listing.processes, "nginx: worker")!;
      expect(sim.state.kill("default", "nginx", worker.pid, "KILL", "nginx")).toBe("sent");
      await until("the worker to go", () => !sim.state.process("default", "nginx", worker.pid, "nginx"));
      const err = await failure(d.sendSignal({ location, fingerprint: fingerprint(worker), signal: "TERM" }));
      expect(err.code).toBe("process_gone");
    });

    it.each([
      ["PID 1, the pause process", (ps: ProcessInfo[]) => ps.find((p) => p.pid === 1)!],
      ["pns's own debug process", (ps: ProcessInfo[]) => ps.find((p) => p.role === "debug" && p.args[0] === "sleep")!],
    ])("refuses %s", async (_name, pick) => {
      const { d, location, listing } = await nginxSession();
      const err = await failure(
        d.sendSignal({ location, fingerprint: fingerprint(pick(listing.processes)), signal: "HUP" }),
      );
      expect(err.code).toBe("not_allowed");
    });
  });

  describe("files", () => {
    /** The nginx master's PID, as the debug container sees it. */
    async function master(d: PodDebugger, location: ReturnType<typeof locationOf>): Promise<number> {
      return byArgs((await d.listProcesses(location)).listing.processes, "nginx: master")!.pid;
    }

    it.each([
      ["a binary file", "/tmp/blob", "ELF\u0000\u0001\u0002", { binary: true, text: null }],
      ["a file cut at the line cap", "/tmp/lines", "1\n2\n3\n4\n5\n", { text: "1\n2\n3\n", truncated: true, lines: 3 }],
      [
        "a file cut at the byte cap",
        "/tmp/long",
        "x".repeat(100),
        { text: "x".repeat(64), truncated: true, bytes: 64 },
      ],
    ])("reads %s", async (_name, path, content, want) => {
      sim.state.writeFile("default", "nginx", "nginx", path, content);
      const d = await debuggerFor(sim, { maxFileLines: 3, maxFileBytes: 64 });
      const { location } = await attachTo(d, "default", { kind: "pod", name: "nginx" });
      expect(await d.readFile({ location, pid: await master(d, location), path })).toMatchObject(want);
    });

    it.each([
      ["a missing file", "/etc/nope", "not_found"],
      ["a directory", "/etc/nginx", "invalid_command"],
      ["a path with ..", "/etc/../../proc/1/environ", "invalid_command"],
      ["a relative path", "etc/passwd", "invalid_command"],
    ])("refuses %s", async (_name, path, code) => {
      const d = await debuggerFor(sim);
      const { location } = await attachTo(d, "default", { kind: "pod", name: "nginx" });
      expect((await failure(d.readFile({ location, pid: await master(d, location), path }))).code).toBe(code);
    });
  });

  describe("errors", () => {
    // A StatefulSet-like pod in shop, and a pod that passes Pod Security restricted in a namespace enforcing it.
    beforeAll(async () => {
      await running("shop", "store-0", { containers: [sleeper("postgres", 3605, { runAsUser: 999 })] });
      await running("shop", "billing-0", { containers: [sleeper("billing", 3606, { runAsUser: 1001 })] });
      sim.state.addNamespace("guarded", { "pod-security.kubernetes.io/enforce": "restricted" });
      await running("guarded", "api", {
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
        containers: [sleeper("api", 3607, { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } })],
      });
    }, 30_000);

    it("names the missing RBAC verb when the ephemeral container is forbidden", async () => {
      // The authorizer's message (apiserver responsewriters.forbiddenMessage).
      sim.faults.failNext("PATCH pods/ephemeralcontainers", 403, {
        reason: "Forbidden",
        message:
          'pods "store-0" is forbidden: User "system:serviceaccount:pns:pns" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace "shop"',
      });
      const err = await failure(
        attachTo(
          await debuggerFor(sim, { image: "busybox:1.34" }, { shortId: counterIds("f") }),
          "shop",
          { kind: "pod", name: "store-0" },
          { container: "postgres", strategy: "ephemeral" },
        ),
      );
      expect(err.code).toBe("forbidden");
      expect(err.userMessage).toBe("pns may not patch pods/ephemeralcontainers in namespace shop (RBAC).");
      expect(err.hint).toContain('Grant system:serviceaccount:pns:pns "patch" on "pods/ephemeralcontainers"');
      expect(err.hint).toContain("--copy");
    });

    it("names pods/exec when the exec upgrade is refused without a reason", async () => {
      const d = await debuggerFor(sim);
      const { location } = await attachTo(d, "default", { kind: "pod", name: "nginx" });
      sim.faults.failNext("GET pods/exec", 403);
      const err = await failure(d.listProcesses(location));
      expect(err.code).toBe("forbidden");
      expect(err.userMessage).toBe(
        "The cluster refused pns to create pods/exec in namespace default (HTTP 403, no reason given).",
      );
      expect(err.hint).toContain("get and create on pods/exec");
    });

    it("reports Pod Security admission refusing the general profile", async () => {
      const err = await failure(
        attachTo(await debuggerFor(sim, { profile: "general" }), "guarded", { kind: "pod", name: "api" }),
      );
      expect(err.code).toBe("pod_security");
      expect(err.userMessage).toContain("guarded");
    });

    it("passes Pod Security restricted with the restricted profile, running as the target's uid", async () => {
      const { attachment } = await attachTo(await debuggerFor(sim, { profile: "restricted" }), "guarded", {
        kind: "pod",
        name: "api",
      });
      expect(attachment).toMatchObject({ strategy: "ephemeral", targetContainer: "api" });
      const added = (sim.state.pod("guarded", "api") as V1Pod).spec?.ephemeralContainers?.find(
        (c) => c.name === attachment.container,
      );
      // The api pod runs as 1000 (its pod securityContext) and says no group: nobody's group.
      expect(added?.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 65534 });
    });

    it("says ephemeral containers are disabled on a bare 404, and suggests --copy", async () => {
      sim.faults.failNext("PATCH pods/ephemeralcontainers", 404, {
        message: "the server could not find the requested resource",
      });
      const err = await failure(
        attachTo(await debuggerFor(sim, { strategy: "ephemeral" }, { shortId: counterIds("g") }), "shop", {
          kind: "pod",
          name: "billing-0",
        }),
      );
      expect(err.code).toBe("ephemeral_unsupported");
      expect(err.hint).toContain("--copy");
    });

    it("falls back to a copy under strategy auto when ephemeral containers are disabled", async () => {
      sim.faults.failNext("PATCH pods/ephemeralcontainers", 404, {
        message: "the server could not find the requested resource",
      });
      const { attachment, progress } = await attachTo(
        await debuggerFor(sim, {}, { shortId: counterIds("h") }),
        "shop",
        {
          kind: "pod",
          name: "billing-0",
        },
      );
      expect(attachment.strategy).toBe("copy");
      expect(progress.some((p) => p.startsWith("Ephemeral containers are disabled for this cluster."))).toBe(true);
    });

    it("says image_pull when the debug image cannot be pulled", async () => {
      sim.faults.imagePullFailure("busybox:9.99");
      const err = await failure(
        attachTo(await debuggerFor(sim, { image: "busybox:9.99" }), "shop", { kind: "pod", name: "store-0" }),
      );
      expect(err.code).toBe("image_pull");
      expect(err.userMessage).toContain("busybox:9.99");
    });

    it("times out an exec that does not finish", async () => {
      const d = await debuggerFor(sim, { execTimeoutMs: 200 });
      const { location } = await attachTo(d, "default", { kind: "pod", name: "nginx" });
      sim.faults.latency("GET pods/exec", 1000);
      const err = await failure(d.listProcesses(location));
      expect(err.code).toBe("timeout");
    });

    it("times out waiting for the debug container, having asked for the pod's events", async () => {
      sim.faults.latency("WATCH pods", 1000);
      const from = sim.requests.entries.length;
      const err = await failure(
        attachTo(await debuggerFor(sim, { image: "busybox:1.35" }, { startTimeoutMs: 200 }), "shop", {
          kind: "pod",
          name: "store-0",
        }),
      );
      expect([err.code, err.userMessage]).toEqual(["timeout", expect.stringContaining("was not running after 0.2 s")]);
      // The pod has no events (its containers run); a cluster's (FailedScheduling, FailedMount…) go into the message.
      expect(requestsSince(sim, from, "GET events")).toBeGreaterThanOrEqual(1);
    });

    it("says exec_failed when the exec stream breaks", async () => {
      const d = await debuggerFor(sim);
      const { location } = await attachTo(d, "default", { kind: "pod", name: "nginx" });
      sim.faults.dropExecAfter(50);
      const err = await failure(d.listProcesses(location));
      expect(err.code).toBe("exec_failed");
    });

    it("says not_found when the pod is gone", async () => {
      await placed("default", {
        metadata: { name: "short-lived" },
        spec: { containers: [{ name: "c", image: "busybox:1.36", command: ["sleep", "9999"] }] },
      });
      const d = await debuggerFor(sim);
      const { location } = await attachTo(d, "default", { kind: "pod", name: "short-lived" });
      sim.state.deletePod("default", "short-lived");
      expect((await failure(d.listProcesses(location))).code).toBe("not_found");
    });

    it("says the cluster refused the credentials on a 401", async () => {
      const access = { kind: "kubeconfig", path: sim.kubeconfigPath, context: null } as const;
      const clients = await buildClusterClients(access);
      const user = clients.kc.getCurrentUser();
      if (user) Object.assign(user, { token: "wrong" });
      const d = createKubeDebugger({ name: "sim", access, debug: testDebugConfig }, { clients });
      const err = await failure(d.resolveTarget("default", { kind: "pod", name: "nginx" }));
      expect(err.code).toBe("forbidden");
      expect(err.userMessage).toContain("credentials");
    });

    it("says unavailable when the API server fails", async () => {
      sim.faults.failNext("GET pods", 503);
      expect(
        (await failure((await debuggerFor(sim)).resolveTarget("default", { kind: "pod", name: "nginx" }))).code,
      ).toBe("unavailable");
    });
  });

  describe("sessions and cleanup", () => {
    it("lists copies and the recorded ephemeral containers; deletes only expired copies", async () => {
      // The pod's grace period, which its copy keeps: deleted, the copy is Terminating until its containers stop.
      await running("ops", "agent-k", { terminationGracePeriodSeconds: 30, containers: [sleeper("agent", 3608)] });
      const d = await debuggerFor(sim, {}, { shortId: counterIds("k") });
      const { attachment } = await attachTo(d, "ops", { kind: "pod", name: "agent-k" }, { strategy: "copy" });
      await until("the copy to run", () => allRunning("ops", attachment.pod));
      const nginx = await attachTo(d, "default", { kind: "pod", name: "nginx" });
      const recorded = [{ namespace: "default", pod: "nginx", container: nginx.attachment.container }];
      const sessions = await d.sessions(["ops", "default"], recorded);
      expect(sessions).toContainEqual(
        expect.objectContaining({ kind: "copy", namespace: "ops", pod: attachment.pod, requestedBy: "U1" }),
      );
      expect(sessions).toContainEqual(
        expect.objectContaining({ kind: "ephemeral", namespace: "default", pod: "nginx" }),
      );
      expect(await d.sessions(["o*"], recorded)).toEqual(sessions.filter((s) => s.namespace === "ops"));

      const now = await d.cleanup(["ops"], { owned: ledger.owned() });
      expect(now.deleted).toEqual([]);
      expect(now.kept.map((s) => s.pod)).toContain(attachment.pod);

      const later = await debuggerFor(sim, {}, { now: () => Date.now() + 2 * 3_600_000 });
      const report = await later.cleanup(["ops", "default"], { recorded, owned: ledger.owned() });
      expect(report.deleted.map((s) => s.pod)).toEqual([attachment.pod]);
      expect(report.runningEphemeral.some((s) => s.pod === "nginx")).toBe(true);
      // Deleted with its grace period, the copy goes once the kubelet has stopped its containers.
      await until("the copy to be gone", () => !sim.state.hasPod("ops", attachment.pod));
    });
  });

  describe("sessions at scale and in trouble", () => {
    it("lists copies by pns's label, a page at a time, and reads only the recorded pods", async () => {
      sim.state.addNamespace("many");
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => running("many", `app-${i}`, { containers: [sleeper("c", 3609)] })),
      );
      const d = await debuggerFor(sim, {}, { shortId: counterIds("m"), listPageSize: 2 });
      const copies: string[] = [];
      for (const name of ["app-1", "app-2", "app-3"]) {
        copies.push((await attachTo(d, "many", { kind: "pod", name }, { strategy: "copy" })).attachment.pod);
      }
      const from = sim.requests.entries.length;
      const sessions = await d.sessions(["many"], [{ namespace: "many", pod: "app-5", container: "pns-debug-none" }]);
      expect(sessions.map((s) => s.pod).sort()).toEqual(copies.sort());
      // Reads only: a watch of an earlier attach may still be closing beside them.
      const asked = sim.requests.entries.slice(from).filter((e) => e.route.startsWith("GET "));
      // Three copies at two a page: two list requests, each label-selected; one read of the recorded pod, no other.
      expect(asked.map((e) => `${e.route} ${e.path}`)).toEqual([
        "GET pods /api/v1/namespaces/many/pods",
        "GET pods /api/v1/namespaces/many/pods",
        "GET pods /api/v1/namespaces/many/pods/app-5",
      ]);
    });

    it("goes on after a 410 Expired page with the token the Status carries", async () => {
      const d = await debuggerFor(sim, {}, { listPageSize: 1 });
      const all = (await d.sessions(["many"])).map((s) => s.pod).sort();
      // etcd compacts right after the first page is served: the next page's token is too old.
      const add = sim.requests.add.bind(sim.requests);
      let compacted = false;
      sim.requests.add = (entry) => {
        add(entry);
        if (!compacted && entry.route === "GET pods" && entry.path === "/api/v1/namespaces/many/pods") {
          compacted = true;
          sim.state.createPod("many", {
            metadata: { name: "bump" },
            spec: { containers: [{ name: "c", image: "busybox:1.36" }] },
          });
          sim.state.compact();
        }
      };
      const from = sim.requests.entries.length;
      try {
        expect((await d.sessions(["many"])).map((s) => s.pod).sort()).toEqual(all);
      } finally {
        sim.requests.add = add;
      }
      // The list's pages only: a request an earlier test left in flight (a poll of its pod) may land among them.
      const pages = sim.requests.entries
        .slice(from)
        .filter((e) => e.route === "GET pods" && e.path === "/api/v1/namespaces/many/pods");
      expect(pages.map((e) => e.status)).toEqual([200, 410, 200, 200]);
    });

    it("shows a debug container whose target restarted as blind, and leaves a deleted pod out", async () => {
      await running("shop", "blinded", { containers: [sleeper("web", 3610)] });
      const d = await debuggerFor(sim, {}, { shortId: counterIds("b") });
      const web = await attachTo(d, "shop", { kind: "pod", name: "blinded" });
      const recorded = [
        { namespace: "shop", pod: web.attachment.pod, container: web.attachment.container },
        { namespace: "shop", pod: "deleted-long-ago", container: "pns-debug-gone" },
      ];
      const before = await d.sessions(["shop"], recorded);
      expect(before.find((s) => s.container === web.attachment.container)).toMatchObject({
        state: "Running",
        blind: null,
      });
      expect(before.some((s) => s.pod === "deleted-long-ago")).toBe(false);
      // Container start times have whole seconds (RFC 3339): restart in a later second than the debug container's start.
      await new Promise((r) => setTimeout(r, 1100));
      // The target's main process dies; the kubelet restarts the container (the kernel ends the debug container too).
      expect(sim.state.kill("shop", "blinded", 1, "KILL", "web")).toBe("sent");
      await until("web to restart", () => sim.state.containerStatus("shop", "blinded", "web")?.restartCount === 1);
      const after = (await d.sessions(["shop"], recorded)).find((s) => s.container === web.attachment.container);
      expect(after?.blind).toMatch(/^(web restarted \(Error\)|the debug container stopped)/);
      expect(after?.blindSince).not.toBeNull();
    });
  });

  describe("copies are pns's by the pod UID it recorded, not by their labels", () => {
    /** A pod in `ns` that shares nothing, so a copy is the only way to see all its containers. */
    async function solo(ns: string, name: string, spec: Json = {}) {
      await placed(ns, {
        metadata: { name, labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
          ...spec,
        },
      });
    }
    /** A pod anyone with `create pods` can make: labelled and annotated exactly like pns's copy. */
    function lookalike(ns: string, name: string, copyOf: string) {
      sim.state.createPod(ns, lookalikeCopy(name, copyOf));
    }

    it("refuses a pod an attacker made under the copy's name, and never touches it", async () => {
      await solo("ops", "victim");
      const d = await debuggerFor(sim);
      const resolved = await d.resolveTarget("ops", { kind: "pod", name: "victim" });
      const name = copyPodName("victim", copyNameSuffix(resolved.object as V1Pod));
      lookalike("ops", name, "victim");
      const uid = sim.state.pod("ops", name).metadata.uid;
      const err = await failure(d.attach(resolved, { requestedBy: "U1", strategy: "copy", copies: ledger.of("ops") }));
      expect(err.code).toBe("not_allowed");
      expect(err.userMessage).toContain(
        `A pod named ${name} already exists in namespace ops, and pns did not create it`,
      );
      expect(sim.state.pod("ops", name).metadata.uid).toBe(uid);
    });

    it("lists a copy being deleted as going, and a cleanup does not delete it again", async () => {
      // Its sleeps are their PID namespaces' init: TERM does nothing, so it stays Terminating for its grace period.
      const body = lookalikeCopy("slow-pns-abcde", "agent");
      sim.state.createPod("ops", { ...body, spec: { ...body.spec, terminationGracePeriodSeconds: 30 } });
      await until("the slow copy to run", () => allRunning("ops", "slow-pns-abcde"));
      const owned = new Map([["ops/slow-pns-abcde", String(sim.state.pod("ops", "slow-pns-abcde").metadata.uid)]]);
      const d = await debuggerFor(sim);
      const first = await d.cleanup(["ops"], { now: true, owned });
      expect(first.deleted.map((s) => s.pod)).toEqual(["slow-pns-abcde"]);
      const going = (await d.sessions(["ops"], [])).find((s) => s.pod === "slow-pns-abcde");
      expect([going?.state, going?.blind]).toEqual(["Terminating", "the debug copy is being deleted"]);
      const from = sim.requests.entries.length;
      const again = await d.cleanup(["ops"], { now: true, owned });
      expect(again.deleted.map((s) => s.pod)).toEqual(["slow-pns-abcde"]);
      expect(sim.requests.entries.slice(from).filter((e) => e.route === "DELETE pods")).toEqual([]);
      sim.state.deletePod("ops", "slow-pns-abcde");
    });

    it("cleanup deletes only the copies whose UID pns recorded; a look-alike is reported as not pns's", async () => {
      lookalike("ops", "fake-pns-abcde", "agent");
      const d = await debuggerFor(sim);
      const report = await d.cleanup(["ops"], { now: true, owned: ledger.owned() });
      expect(report.notOwned.map((s) => s.pod)).toContain("fake-pns-abcde");
      expect(report.deleted.map((s) => s.pod)).not.toContain("fake-pns-abcde");
      expect(sim.state.hasPod("ops", "fake-pns-abcde")).toBe(true);
      // A recorded name with another UID (the pod was replaced under that name) is not pns's either.
      const wrong = new Map([["ops/fake-pns-abcde", "00000000-0000-4000-8000-000000000000"]]);
      expect((await d.cleanup(["ops"], { now: true, owned: wrong })).notOwned.map((s) => s.pod)).toContain(
        "fake-pns-abcde",
      );
      expect(sim.state.hasPod("ops", "fake-pns-abcde")).toBe(true);
      sim.state.deletePod("ops", "fake-pns-abcde");
    });

    it("the API server refuses a delete whose UID precondition does not match (409), as pns's deletes rely on", async () => {
      await solo("ops", "precondition");
      const clients = await buildClusterClients({ kind: "kubeconfig", path: sim.kubeconfigPath, context: null });
      const err = await clients.core
        .deleteNamespacedPod({
          name: "precondition",
          namespace: "ops",
          body: { preconditions: { uid: "not-its-uid" } },
        })
        .then(
          () => null,
          (e: unknown) => e as { code?: number; body?: string },
        );
      expect(err?.code).toBe(409);
      expect(String(err?.body)).toContain("Precondition failed: UID in precondition: not-its-uid");
      expect(sim.state.hasPod("ops", "precondition")).toBe(true);
    });

    it("eight workers copying one pod at once make one copy, all on it", async () => {
      await solo("ops", "crowd");
      const attaches = Array.from({ length: 8 }, async () => {
        const d = await debuggerFor(sim);
        return (await attachTo(d, "ops", { kind: "pod", name: "crowd" }, { strategy: "copy" })).attachment;
      });
      const all = await Promise.all(attaches);
      expect(new Set(all.map((a) => a.pod)).size).toBe(1);
      expect(all.filter((a) => !a.reused)).toHaveLength(1);
      expect(sim.state.pods("ops").filter((p) => String(p.metadata.name).startsWith("crowd-pns-"))).toHaveLength(1);
    });

    /**
     * The routes of what pns asked about the old copy (its reads, and the pod watches) from request `from` on, between
     * the old copy's DELETE and the new copy's create.
     */
    function whileReplacing(from: number, copyPod: string): string[] {
      const asked = sim.requests.entries.slice(from);
      const deleted = asked.findIndex((e) => e.route === "DELETE pods");
      const created = asked.findIndex((e) => e.route === "POST pods");
      return asked
        .slice(deleted + 1, created)
        .filter((e) => e.route === "WATCH pods" || e.path.endsWith(`/pods/${copyPod}`))
        .map((e) => e.route);
    }

    it("replaces its own ended copy under the same name, with a new recorded UID", async () => {
      await solo("ops", "ending", { terminationGracePeriodSeconds: 30 });
      const first = await attachTo(
        await debuggerFor(sim),
        "ops",
        { kind: "pod", name: "ending" },
        { strategy: "copy" },
      );
      const key = `ops/${first.attachment.pod}`;
      const before = ledger.uids.get(key);
      // Two hours on, the copy has reached its lifetime: pns deletes it (its recorded UID) and makes it again.
      const later = await debuggerFor(sim, {}, { now: () => Date.now() + 2 * 3_600_000 });
      const from = sim.requests.entries.length;
      const again = await attachTo(later, "ops", { kind: "pod", name: "ending" }, { strategy: "copy" });
      expect(again.attachment).toMatchObject({ pod: first.attachment.pod, reused: false });
      // The old copy stays Terminating until the kubelet has stopped it: pns waited with one watch, not by reading it
      // over and over; one read after it is gone, and the new copy is made.
      expect(whileReplacing(from, first.attachment.pod)).toEqual(["WATCH pods", "GET pods"]);
      expect(ledger.uids.get(key)).not.toBe(before);
      expect(sim.state.pod("ops", first.attachment.pod).metadata.uid).toBe(ledger.uids.get(key));
    });

    it("waits out a replaced copy's deletion across watches a proxy closes, reading it between them", async () => {
      // Its app's shell ignores TERM, so the old copy stays Terminating until the KILL at the end of its 2 s.
      await solo("ops", "closing", {
        terminationGracePeriodSeconds: 2,
        containers: [{ name: "app", image: "busybox:1.36", command: ["sh", "-c", "trap '' TERM; sleep 3600"] }],
      });
      const first = await attachTo(
        await debuggerFor(sim),
        "ops",
        { kind: "pod", name: "closing" },
        { strategy: "copy" },
      );
      // The copy's app starts after its debug sidecar: only a running app holds the copy through its grace period.
      await until("the copy's app to run", () => allRunning("ops", first.attachment.pod));
      const later = await debuggerFor(sim, {}, { now: () => Date.now() + 2 * 3_600_000 });
      sim.faults.closeWatches(2);
      const from = sim.requests.entries.length;
      const again = await attachTo(later, "ops", { kind: "pod", name: "closing" }, { strategy: "copy" });
      expect(again.attachment).toMatchObject({ pod: first.attachment.pod, reused: false });
      const between = whileReplacing(from, first.attachment.pod);
      // Each closed watch is followed by a read of the pod before the next watch; the last one saw it go.
      expect(between.filter((r) => r === "WATCH pods").length).toBeGreaterThanOrEqual(2);
      expect(between.join(" ")).not.toContain("WATCH pods WATCH pods");
    }, 30_000);

    it("makes no copy for someone who may not (no ledger), not even as the auto fallback", async () => {
      await solo("ops", "nocopy");
      const d = await debuggerFor(sim);
      const resolved = await d.resolveTarget("ops", { kind: "pod", name: "nocopy" });
      const err = await failure(d.attach(resolved, { requestedBy: "U1", strategy: "copy" }));
      expect(err.userMessage).toContain("you may not make copies");
      expect(err.hint).toContain("people.copy");
      sim.faults.failNext("PATCH pods/ephemeralcontainers", 404, {
        message: "the server could not find the requested resource",
      });
      const fallback = await failure(d.attach(resolved, { requestedBy: "U1" }));
      expect(fallback.userMessage).toContain("you may not make copies");
      expect(sim.state.pods("ops").some((p) => String(p.metadata.name).startsWith("nocopy-pns-"))).toBe(false);
    });

    it.each([
      ["hostPath", { volumes: [{ name: "root", hostPath: { path: "/" } }] }, "hostPath volume root (/ on the node)"],
      [
        "privileged",
        { containers: [{ name: "app", image: "busybox:1.36", securityContext: { privileged: true } }] },
        "container app runs privileged",
      ],
      ["hostNamespaces", { hostPID: true }, "hostPID: true"],
    ] as const)("refuses to copy a pod with %s unless debug.copy.allow names it", async (risk, spec, what) => {
      const name = `risky-${risk.toLowerCase()}`;
      await solo("ops", name, spec);
      const d = await debuggerFor(sim);
      const resolved = await d.resolveTarget("ops", { kind: "pod", name });
      const err = await failure(d.attach(resolved, { requestedBy: "U1", strategy: "copy", copies: ledger.of("ops") }));
      expect(err.code).toBe("not_allowed");
      expect(err.userMessage).toContain(what);
      expect(err.hint).toContain(`\`${risk}\` to \`debug.copy.allow\``);
      expect(sim.state.pods("ops").some((p) => String(p.metadata.name).startsWith(`${name}-pns-`))).toBe(false);
      const allowed = await debuggerFor(sim, { copy: { ...testDebugConfig.copy, allow: [risk] } });
      const a = await allowed.attach(await allowed.resolveTarget("ops", { kind: "pod", name }), {
        requestedBy: "U1",
        strategy: "copy",
        copies: ledger.of("ops"),
      });
      expect(a.strategy).toBe("copy");
    });

    it("does not run the source's init containers again unless debug.copy.initContainers, and says so", async () => {
      await solo("ops", "migrating", {
        initContainers: [{ name: "migrate", image: "busybox:1.36", command: ["true"] }],
      });
      const d = await debuggerFor(sim);
      const { attachment } = await attachTo(d, "ops", { kind: "pod", name: "migrating" }, { strategy: "copy" });
      expect(sim.state.pod("ops", attachment.pod).spec.initContainers.map((c: { name: string }) => c.name)).toEqual([
        attachment.container,
      ]);
      expect(attachment.note).toContain(
        "Its init containers (migrate) did not run again (`debug.copy.initContainers`)",
      );
    });
  });

  describe("limits", () => {
    it("caps the collector's output and marks the listing incomplete", async () => {
      const d = await debuggerFor(sim, {}, { maxListingBytes: 600 });
      const { location } = await attachTo(d, "default", { kind: "pod", name: "nginx" });
      const { listing } = await d.listProcesses(location);
      expect(listing.complete).toBe(false);
      expect(listing.processes.length).toBeLessThan(4);
    });

    it("refuses to attach to a pod that is not running", async () => {
      sim.faults.imagePullFailure("shop/missing:1");
      sim.state.createPod("default", {
        metadata: { name: "pending-one" },
        spec: { containers: [{ name: "c", image: "shop/missing:1" }] },
      });
      const d = await debuggerFor(sim);
      const resolved = await d.resolveTarget("default", { kind: "pod", name: "pending-one" });
      expect(resolved.pod.phase).toBe("Pending");
      const err = await failure(d.attach(resolved, { requestedBy: "U1" }));
      expect(err.code).toBe("exec_failed");
      expect(err.hint).toContain("--copy");
    });
  });

  describe("volume claims: a copy shares its source's claims", () => {
    const writer = (claimName: string): Json => ({
      volumes: [{ name: "data", persistentVolumeClaim: { claimName } }],
      containers: [{ ...sleeper("app", 3611), volumeMounts: [{ name: "data", mountPath: "/data" }] }],
    });
    const allowWriters = { copy: { ...testDebugConfig.copy, allow: ["writableVolumes" as const] } };
    const rwop =
      "0/1 nodes are available: 1 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod.";
    beforeAll(() => {
      sim.state.addNamespace("claims");
    });

    it("copies a pod with a ReadWriteOnce claim onto its node, sharing the claim, once writableVolumes allows it", async () => {
      sim.state.addClaim("claims", "data-rwo", ["ReadWriteOnce"]);
      await running("claims", "rwo-app", writer("data-rwo"));
      const refused = await failure(
        attachTo(await debuggerFor(sim), "claims", { kind: "pod", name: "rwo-app" }, { strategy: "copy" }),
      );
      expect(refused.code).toBe("not_allowed");
      expect(refused.userMessage).toContain("volume data (claim data-rwo) mounted writable by app");
      expect(refused.hint).toContain("`writableVolumes` to `debug.copy.allow`");

      const { attachment, progress } = await attachTo(
        await debuggerFor(sim, allowWriters, { shortId: counterIds("v") }),
        "claims",
        { kind: "pod", name: "rwo-app" },
        { strategy: "copy" },
      );
      expect(
        progress.some((p) =>
          p.includes("on node sim-node-1 (it mounts ReadWriteOnce volume claim data-rwo, which the copy shares)"),
        ),
      ).toBe(true);
      const copy = sim.state.pod("claims", attachment.pod);
      expect(copy.spec.nodeName).toBe("sim-node-1");
      expect(copy.spec.volumes).toContainEqual({ name: "data", persistentVolumeClaim: { claimName: "data-rwo" } });
      expect(sim.state.containerStatus("claims", attachment.pod, attachment.container)?.state?.running).toBeTruthy();
    });

    it("makes no copy of a pod with a ReadWriteOncePod claim, saying why; the scheduler keeps a second pod Pending", async () => {
      sim.state.addClaim("claims", "data-rwop", ["ReadWriteOncePod"]);
      await running("claims", "rwop-app", writer("data-rwop"));
      const err = await failure(
        attachTo(
          await debuggerFor(sim, allowWriters),
          "claims",
          { kind: "pod", name: "rwop-app" },
          { strategy: "copy" },
        ),
      );
      expect([err.code, err.userMessage]).toEqual([
        "not_allowed",
        "Pod rwop-app mounts volume claim data-rwop as ReadWriteOncePod: a copy shares its claims, and no second pod may mount that one while rwop-app runs (the copy would stay Pending), so pns makes no copy.",
      ]);
      expect(sim.state.pods("claims").some((p) => String(p.metadata.name).startsWith("rwop-app-pns-"))).toBe(false);

      // What a copy made anyway (kubectl debug --copy-to) meets: the scheduler's refusal, until the source goes.
      const core = (await buildClusterClients({ kind: "kubeconfig", path: sim.kubeconfigPath, context: null })).core;
      const second = await core.createNamespacedPod({
        namespace: "claims",
        body: { metadata: { name: "second" }, spec: { terminationGracePeriodSeconds: 0, ...writer("data-rwop") } },
      });
      expect([second.status?.phase, second.spec?.nodeName]).toEqual(["Pending", undefined]);
      const conditions = (await core.readNamespacedPod({ namespace: "claims", name: "second" })).status?.conditions;
      expect(conditions).toEqual([
        expect.objectContaining({ type: "PodScheduled", status: "False", reason: "Unschedulable" }),
      ]);
      expect(conditions?.[0]?.message?.startsWith(rwop)).toBe(true);
      expect(await podEvents(core, "claims", "second")).toEqual([
        expect.stringMatching(
          /^FailedScheduling: 0\/1 nodes are available: 1 node\(s\) unavailable due to PersistentVolumeClaim/,
        ),
      ]);
      sim.state.deletePod("claims", "rwop-app");
      await until(
        "second to run once the claim is free",
        () => sim.state.containerStatus("claims", "second", "app")?.state?.running,
      );
    });

    it("keeps a pod whose claim does not exist Pending until the claim is made", async () => {
      const core = (await buildClusterClients({ kind: "kubeconfig", path: sim.kubeconfigPath, context: null })).core;
      await core.createNamespacedPod({
        namespace: "claims",
        body: { metadata: { name: "early" }, spec: { terminationGracePeriodSeconds: 0, ...writer("later-0") } },
      });
      expect(sim.state.pod("claims", "early").status.conditions[0].message).toBe(
        '0/1 nodes are available: persistentvolumeclaim "later-0" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
      );
      await core.createNamespacedPersistentVolumeClaim({
        namespace: "claims",
        body: {
          metadata: { name: "later-0" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
      });
      const claim = await core.readNamespacedPersistentVolumeClaim({ namespace: "claims", name: "later-0" });
      expect(claim.status).toMatchObject({ phase: "Bound", accessModes: ["ReadWriteOnce"] });
      await until("early to run", () => sim.state.containerStatus("claims", "early", "app")?.state?.running);
    });
  });

  describe("an API server before 1.29 (--server-version 1.28): no native sidecars", () => {
    let old: Sim;
    beforeAll(async () => {
      old = await startSim(30, { runtime, scenario: "empty", serverVersion: "1.28" });
    }, 30_000);
    afterAll(async () => {
      await old?.close();
    });

    it("reports 1.28 on /version and drops restartPolicy from init containers", async () => {
      const clients = await buildClusterClients({ kind: "kubeconfig", path: old.kubeconfigPath, context: null });
      expect(await clients.kc.makeApiClient(VersionApi).getCode()).toMatchObject({ major: "1", minor: "28" });
      const created = await clients.core.createNamespacedPod({
        namespace: "default",
        body: {
          metadata: { name: "with-sidecar" },
          spec: {
            terminationGracePeriodSeconds: 0,
            initContainers: [{ ...sleeper("proxy", 3612), restartPolicy: "Always" }],
            containers: [sleeper("app", 3613)],
          },
        },
      });
      expect(created.spec?.initContainers?.[0]?.restartPolicy).toBeUndefined();
    });

    it("pns makes the copy again with the debug container beside the app, and it runs", async () => {
      old.state.createPod("default", {
        metadata: { name: "app" },
        spec: { terminationGracePeriodSeconds: 0, containers: [sleeper("app", 3614)] },
      });
      await until("app to run", () => old.state.containerStatus("default", "app", "app")?.state?.running);
      const d = await debuggerFor(old, {}, { shortId: counterIds("q") });
      const from = old.requests.entries.length;
      const { attachment, progress, location } = await attachTo(
        d,
        "default",
        { kind: "pod", name: "app" },
        { strategy: "copy" },
      );
      expect(progress).toContain(
        "this cluster has no native sidecars (Kubernetes before 1.29): the debug container runs beside the app containers…",
      );
      expect([requestsSince(old, from, "POST pods", 201), requestsSince(old, from, "DELETE pods")]).toEqual([2, 1]);
      const copy = old.state.pod("default", attachment.pod) as V1Pod;
      expect(copy.spec?.initContainers ?? []).toEqual([]);
      expect(copy.spec?.containers.map((c) => c.name)).toEqual(["app", attachment.container]);
      await until("the copy's app", () => old.state.containerStatus("default", attachment.pod, "app")?.state?.running);
      const { listing } = await d.listProcesses(location);
      expect(listing.processes[0]).toMatchObject({ pid: 1, role: "pause" });
      expect(byArgs(listing.processes, "sleep 3614")).toMatchObject({ container: "app", role: "app" });
      expect(listing.processes.some((p) => p.role === "debug" && p.container === attachment.container)).toBe(true);
    });
  });
});

// The emulated runtime only; each part says why in one line.
describe("the PodDebugger on the emulated seed", () => {
  beforeAll(async () => {
    sim = await startSim(30);
  });
  afterAll(async () => {
    await sim?.close();
  });

  // The seed places the task page's PIDs (1, 8, 14, 15) and users; a real kernel allocates its own.
  describe("the task page's walkthrough with its PIDs", () => {
    it("lists /pause, the nginx master and worker and sh; SIGHUP renews the worker; reads nginx.conf via /proc/8/root", async () => {
      const d = await debuggerFor(sim);
      const { attachment, location, progress } = await attachTo(d, "default", { kind: "auto", name: "nginx" });
      expect(attachment).toMatchObject({ strategy: "shared", pod: "nginx", targetContainer: null, reused: false });
      expect(progress).toContain("pulling image public.ecr.aws/docker/library/busybox:1.36…");

      const { listing } = await d.listProcesses(location);
      const rows = listing.processes.map((p) => [p.pid, p.user, p.container, p.role, p.args.join(" ")]);
      expect(rows.slice(0, 4)).toEqual([
        [1, "65535", null, "pause", "/pause"],
        [8, "root", "nginx", "app", "nginx: master process nginx -g daemon off;"],
        [14, "101", "nginx", "app", "nginx: worker process"],
        [15, "root", "shell", "app", "sh"],
      ]);
      expect(
        listing.processes.filter((p) => p.role === "debug").every((p) => p.container === attachment.container),
      ).toBe(true);

      const master = byArgs(listing.processes, "nginx: master")!;
      const { before, after } = await d.sendSignal({ location, fingerprint: fingerprint(master), signal: "HUP" });
      expect(byArgs(before.listing.processes, "nginx: worker")?.pid).toBe(14);
      expect(after).not.toBeNull();
      expect(byArgs(after!.listing.processes, "nginx: master")?.pid).toBe(8);
      const worker = byArgs(after!.listing.processes, "nginx: worker");
      expect(worker?.pid).toBeGreaterThan(15);
      expect(worker?.container).toBe("nginx");

      const file = await d.readFile({ location, pid: 8, path: "/etc/nginx/nginx.conf" });
      expect(file.binary).toBe(false);
      expect(file.text).toMatch(/^user nginx;\nworker_processes +\S+;\n/);
      expect(file.truncated).toBe(false);
    });
  });

  describe("the pod's health", () => {
    it("serves the summary above a table from the pod as read for the listing, and reads it again after a signal", async () => {
      const d = await debuggerFor(sim);
      const { location } = await attachTo(d, "default", { kind: "pod", name: "nginx" });
      await d.listProcesses(location);
      const from = sim.requests.entries.length;
      const listed = await d.podHealth("default", "nginx", { asListed: true });
      expect(sim.requests.entries.length).toBe(from);
      const now = await d.podHealth("default", "nginx");
      expect(sim.requests.entries.slice(from).map((e) => `${e.route} ${e.path}`)).toEqual([
        "GET pods /api/v1/namespaces/default/pods/nginx",
      ]);
      expect(listed.summary).toEqual(now.summary);
    });
  });

  // A real kernel cannot be made to reuse a PID on demand (state.recyclePid).
  describe("signals", () => {
    it("refuses a PID recycled between listing and signal", async () => {
      const d = await debuggerFor(sim);
      const { location } = await attachTo(d, "default", { kind: "pod", name: "nginx" });
      const { listing } = await d.listProcesses(location);
      const shell = byArgs(listing.processes, "sh")!;
      sim.state.recyclePid("default", "nginx", shell.pid, ["sh"]);
      const err = await failure(d.sendSignal({ location, fingerprint: fingerprint(shell), signal: "TERM" }));
      expect(err.code).toBe("process_changed");
    });
  });

  // The seed's Deployments, StatefulSet, ReplicaSet and DaemonSet run shop images the real runtime does not have.
  describe("target resolution", () => {
    beforeAll(async () => {
      await placed("default", {
        metadata: { name: "worker-b7x2q" },
        spec: { containers: [{ name: "w", image: "busybox:1.36", command: ["sleep", "9999"] }] },
      });
    });
    it.each([
      ["a pod by name", "default", { kind: "auto", name: "nginx" }, "pod nginx", /^nginx$/, 0],
      [
        "a deployment by name (kind auto)",
        "shop",
        { kind: "auto", name: "web" },
        "deployment web",
        /^web-7d4b9c6f8d-/,
        1,
      ],
      ["deploy/web", "shop", { kind: "deployment", name: "web" }, "deployment web", /^web-/, 1],
      ["a statefulset", "shop", { kind: "statefulset", name: "db" }, "statefulset db", /^db-0$/, 0],
      ["a daemonset by name", "ops", { kind: "auto", name: "agent" }, "daemonset agent", /^agent-/, 0],
      [
        "a replicaset",
        "shop",
        { kind: "replicaset", name: "billing-5f6c8d9b7c" },
        "replicaset billing-5f6c8d9b7c",
        /^billing-/,
        0,
      ],
      ["a label selector", "shop", { kind: "selector", selector: "app=web" }, "-l app=web", /^web-/, 1],
      ["pods named name-…", "default", { kind: "auto", name: "worker" }, "pods named worker-…", /^worker-b7x2q$/, 0],
    ] as const)("finds %s", async (_name, namespace, target, matchedBy, pod, others) => {
      const d = await debuggerFor(sim);
      const resolved = await d.resolveTarget(namespace, target as Target);
      expect(resolved.matchedBy).toBe(matchedBy);
      expect(resolved.pod.name).toMatch(pod);
      expect(resolved.candidates).toHaveLength(others);
      expect(resolved.pod.phase).toBe("Running");
    });

    it.each([
      ["an unknown name", { kind: "auto", name: "nope" }],
      ["an unknown deployment", { kind: "deployment", name: "nope" }],
      ["a selector matching nothing", { kind: "selector", selector: "app=nope" }],
    ] as const)("says not_found for %s", async (_name, target) => {
      const err = await failure((await debuggerFor(sim)).resolveTarget("shop", target as Target));
      expect(err.code).toBe("not_found");
      expect(err.userMessage).toContain("shop");
    });
  });
});
