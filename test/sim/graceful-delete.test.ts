import { CoreV1Api, type V1Pod, Watch } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, kubectl, type SimFixture, startFixture } from "./helpers.js";
import { runtimes } from "./runtimes.js";

// Deleting a pod as the API server and the kubelet do it (kubernetes pkg/registry/core/pod/strategy.go
// CheckGracefulDelete, staging/src/k8s.io/apiserver/pkg/registry/rest/delete.go BeforeDelete), on every runtime.
describe.each(runtimes)("deleting a pod on the %s runtime", (runtime) => {
  let fx: SimFixture;
  let core: CoreV1Api;

  beforeAll(async () => {
    fx = await startFixture({ runtime, podStartDelayMs: 0 });
    core = fx.kc.makeApiClient(CoreV1Api);
  }, 40_000);
  afterAll(async () => {
    await fx?.close();
  }, 60_000);

  /** Creates a running busybox pod; `shared` puts its `sleep` under the sandbox, else the sleep is its PID 1. */
  async function running(name: string, opts: { shared: boolean; grace?: number }): Promise<V1Pod> {
    await core.createNamespacedPod({
      namespace: "default",
      body: {
        metadata: { name },
        spec: {
          shareProcessNamespace: opts.shared,
          ...(opts.grace === undefined ? {} : { terminationGracePeriodSeconds: opts.grace }),
          containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
        },
      },
    });
    await eventually(() => fx.sim.state.containerStatus("default", name, "app")?.state?.running, 20_000);
    return core.readNamespacedPod({ name, namespace: "default" });
  }

  /** The pod's watch events (type and deletionTimestamp) from `resourceVersion` until it is DELETED. */
  function eventsUntilDeleted(name: string, resourceVersion: string) {
    const seen: { type: string; deletionTimestamp: string | null }[] = [];
    let abort: AbortController | null = null;
    const done = new Promise<typeof seen>((resolve, reject) => {
      new Watch(fx.kc)
        .watch(
          "/api/v1/namespaces/default/pods",
          { fieldSelector: `metadata.name=${name}`, resourceVersion },
          (type: string, obj: V1Pod) => {
            const at = obj.metadata?.deletionTimestamp;
            seen.push({ type, deletionTimestamp: at ? new Date(at).toISOString() : null });
            if (type === "DELETED") resolve(seen);
          },
          (err: unknown) => err && reject(err),
        )
        .then((c) => {
          abort = c;
        }, reject);
    });
    return { done: done.finally(() => (abort as AbortController | null)?.abort()) };
  }

  it("marks a running pod Terminating, with when it is to be gone, and removes it once its containers stop", async () => {
    const pod = await running("graceful", { shared: true });
    const watch = eventsUntilDeleted("graceful", pod.metadata?.resourceVersion ?? "0");
    const before = Date.now();
    const answer = await core.deleteNamespacedPod({ name: "graceful", namespace: "default" });
    // deletionTimestamp: now plus the pod's grace period (30 s by default), not the moment of the request.
    const at = Date.parse(String((answer as V1Pod).metadata?.deletionTimestamp));
    expect(at - before).toBeGreaterThan(28_000);
    expect((answer as V1Pod).metadata?.deletionGracePeriodSeconds).toBe(30);
    // Its sleep is not a namespace's init, so TERM ends it and the pod goes long before its grace period ends.
    const events = await watch.done;
    expect(events.map((e) => e.type)).toEqual(["MODIFIED", "DELETED"]);
    expect(events[0]?.deletionTimestamp).not.toBeNull();
    expect(Date.now() - before).toBeLessThan(15_000);
  }, 30_000);

  it("keeps a pod whose PID 1 ignores TERM until the KILL at the end of its grace period", async () => {
    await running("stubborn", { shared: false, grace: 2 });
    const before = Date.now();
    await core.deleteNamespacedPod({ name: "stubborn", namespace: "default" });
    const listed = await kubectl(fx, ["get", "pod", "stubborn", "-n", "default", "--no-headers"]);
    expect(listed.stdout).toMatch(/^stubborn\s+1\/1\s+Terminating\s/);
    // A pod of that name cannot be made while this one is still there.
    const again = await core
      .createNamespacedPod({
        namespace: "default",
        body: { metadata: { name: "stubborn" }, spec: { containers: [{ name: "app", image: "busybox:1.36" }] } },
      })
      .then(
        () => null,
        (e: { code?: number }) => e.code,
      );
    expect(again).toBe(409);
    await eventually(() => (fx.sim.state.hasPod("default", "stubborn") ? undefined : true), 15_000);
    expect(Date.now() - before).toBeGreaterThanOrEqual(1900);
  }, 30_000);

  it("shortens a pending deletion's grace period on a second delete, never lengthens it", async () => {
    await running("shorten", { shared: false, grace: 60 });
    const first = (await core.deleteNamespacedPod({ name: "shorten", namespace: "default" })) as V1Pod;
    const longer = (await core.deleteNamespacedPod({
      name: "shorten",
      namespace: "default",
      gracePeriodSeconds: 120,
    })) as V1Pod;
    expect([longer.metadata?.deletionGracePeriodSeconds, String(longer.metadata?.deletionTimestamp)]).toEqual([
      60,
      String(first.metadata?.deletionTimestamp),
    ]);
    const shorter = (await core.deleteNamespacedPod({
      name: "shorten",
      namespace: "default",
      gracePeriodSeconds: 1,
    })) as V1Pod;
    expect(shorter.metadata?.deletionGracePeriodSeconds).toBe(1);
    await eventually(() => (fx.sim.state.hasPod("default", "shorten") ? undefined : true), 15_000);
  }, 30_000);

  it("starts no container of a pod being deleted, not even after its init container ends", async () => {
    // The init container's sleep is its namespace's init and ignores TERM: it ends by itself while the pod terminates.
    await core.createNamespacedPod({
      namespace: "default",
      body: {
        metadata: { name: "initial" },
        spec: {
          terminationGracePeriodSeconds: 3,
          initContainers: [{ name: "setup", image: "busybox:1.36", command: ["sleep", "1"] }],
          containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
        },
      },
    });
    await eventually(() => fx.sim.state.containerStatus("default", "initial", "setup")?.state?.running, 20_000);
    await core.deleteNamespacedPod({ name: "initial", namespace: "default" });
    let appRan = false;
    await eventually(() => {
      if (!fx.sim.state.hasPod("default", "initial")) return true;
      if (fx.sim.state.containerStatus("default", "initial", "app")?.state?.running) appRan = true;
      return undefined;
    }, 15_000);
    expect(appRan).toBe(false);
  }, 30_000);

  it("removes at once a pod deleted with a grace period of 0, and one no node was found for", async () => {
    await running("forced", { shared: false });
    await core.deleteNamespacedPod({ name: "forced", namespace: "default", gracePeriodSeconds: 0 });
    expect(fx.sim.state.hasPod("default", "forced")).toBe(false);
    await core.createNamespacedPod({
      namespace: "default",
      body: {
        metadata: { name: "nowhere" },
        spec: {
          volumes: [{ name: "data", persistentVolumeClaim: { claimName: "missing" } }],
          containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
        },
      },
    });
    await core.deleteNamespacedPod({ name: "nowhere", namespace: "default" });
    expect(fx.sim.state.hasPod("default", "nowhere")).toBe(false);
  }, 30_000);
});
