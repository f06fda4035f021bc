import https from "node:https";
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
  Watch,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually, type SimFixture, startFixture } from "./helpers.js";

let fx: SimFixture;
let core: CoreV1Api;
let apps: AppsV1Api;

beforeAll(async () => {
  fx = await startFixture();
  core = fx.kc.makeApiClient(CoreV1Api);
  apps = fx.kc.makeApiClient(AppsV1Api);
});
afterAll(async () => {
  await fx.close();
});
beforeEach(() => {
  fx.sim.faults.clear();
});

async function failure(p: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, body: JSON.parse(String(e.body)) };
    throw e;
  }
  throw new Error("expected the call to fail");
}

const strategic = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);

function debugContainer(name: string, extra: Record<string, unknown> = {}) {
  return { name, image: "busybox:1.36", command: ["sleep", "3600"], ...extra };
}

describe("discovery and auth", () => {
  it("reports version 1.31 and the resources kubectl needs", async () => {
    const res = await fetchJson("/version");
    expect(res).toMatchObject({ major: "1", minor: "31", gitVersion: "v1.31.0" });
    const v1 = (await fetchJson("/api/v1")) as {
      resources: { name: string; namespaced: boolean; shortNames?: string[] }[];
    };
    expect(v1.resources.find((r) => r.name === "pods")).toMatchObject({ namespaced: true, shortNames: ["po"] });
    const appsV1 = (await fetchJson("/apis/apps/v1")) as { resources: { name: string; shortNames: string[] }[] };
    expect(appsV1.resources.map((r) => r.shortNames[0]).sort()).toEqual(["deploy", "ds", "rs", "sts"]);
  });

  it("answers a wrong token with 401 and a Status", async () => {
    const kc = new KubeConfig();
    kc.loadFromString(fx.sim.kubeconfig.replace(fx.sim.token, "wrong-token"));
    await expect(kc.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: "default" })).rejects.toMatchObject({
      code: 401,
    });
    const res = await raw("/api/v1/namespaces/default/pods", "wrong-token");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ kind: "Status", status: "Failure", reason: "Unauthorized", code: 401 });
  });
});

/** A plain HTTPS request with the kubeconfig's CA and the given token. */
function raw(path: string, token = fx.sim.token): Promise<{ status: number; body: Record<string, unknown> }> {
  const ca = Buffer.from(fx.kc.getCurrentCluster()?.caData ?? "", "base64");
  return new Promise((resolve, reject) => {
    https
      .get(`${fx.sim.url}${path}`, { ca, headers: { Authorization: `Bearer ${token}` } }, (r) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => resolve({ status: r.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
      })
      .on("error", reject);
  });
}

async function fetchJson(path: string): Promise<unknown> {
  return (await raw(path)).body;
}

describe("pods", () => {
  it("lists the seed's pods with statuses, container IDs and metadata", async () => {
    const list = await core.listPodForAllNamespaces();
    const names = list.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
    expect(names).toContain("default/nginx");
    expect(names.filter((n) => n.startsWith("shop/web-"))).toHaveLength(2);
    const nginx = await core.readNamespacedPod({ name: "nginx", namespace: "default" });
    expect(nginx.spec?.shareProcessNamespace).toBe(true);
    expect(nginx.status?.phase).toBe("Running");
    for (const s of nginx.status?.containerStatuses ?? []) {
      expect(s.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
      expect(s.state?.running?.startedAt).toBeInstanceOf(Date);
    }
    expect(nginx.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(nginx.metadata?.creationTimestamp).toBeInstanceOf(Date);
  });

  it.each([
    { name: "label selector", labelSelector: "app=web", fieldSelector: undefined, count: 2 },
    { name: "set-based selector", labelSelector: "app in (web,db)", fieldSelector: undefined, count: 3 },
    { name: "field selector on the name", labelSelector: undefined, fieldSelector: "metadata.name=db-0", count: 1 },
    { name: "no match", labelSelector: "app=nothing", fieldSelector: undefined, count: 0 },
  ])("filters with a $name", async ({ labelSelector, fieldSelector, count }) => {
    const list = await core.listNamespacedPod({ namespace: "shop", labelSelector, fieldSelector });
    expect(list.items).toHaveLength(count);
  });

  it("answers a missing pod with a 404 Status with details", async () => {
    const f = await failure(core.readNamespacedPod({ name: "nope", namespace: "default" }));
    expect(f.code).toBe(404);
    expect(f.body).toMatchObject({
      reason: "NotFound",
      message: 'pods "nope" not found',
      details: { name: "nope", kind: "pods" },
    });
  });

  it("creates a pod that goes Pending → Running, refuses a duplicate, deletes it with a DELETED watch event", async () => {
    // Its sleep is its PID namespace's init and ignores TERM: deleted, it stays Terminating for its 1 s grace period.
    const body: V1Pod = {
      metadata: { name: "tmp" },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{ name: "main", image: "busybox", command: ["sleep", "3600"] }],
      },
    };
    const created = await core.createNamespacedPod({ namespace: "default", body });
    expect(created.status?.phase).toBe("Pending");
    const dup = await failure(core.createNamespacedPod({ namespace: "default", body }));
    expect(dup).toMatchObject({ code: 409, body: { reason: "AlreadyExists" } });
    await eventually(async () => {
      const p = await core.readNamespacedPod({ name: "tmp", namespace: "default" });
      return p.status?.phase === "Running" ? p : undefined;
    });
    const events: string[] = [];
    const abort = await new Watch(fx.kc).watch(
      "/api/v1/namespaces/default/pods",
      { fieldSelector: "metadata.name=tmp", resourceVersion: created.metadata?.resourceVersion },
      (type) => events.push(type),
      () => {},
    );
    await core.deleteNamespacedPod({ name: "tmp", namespace: "default" });
    await eventually(() => (events.includes("DELETED") ? true : undefined));
    abort.abort();
    expect(events[events.length - 1]).toBe("DELETED");
    expect(events).toContain("MODIFIED");
  });

  it("rejects a stale resourceVersion in a patch with 409 Conflict", async () => {
    const f = await failure(
      core.patchNamespacedPod(
        { name: "nginx", namespace: "default", body: { metadata: { resourceVersion: "1", labels: { a: "b" } } } },
        strategic,
      ),
    );
    expect(f).toMatchObject({ code: 409, body: { reason: "Conflict" } });
    const ok = await core.patchNamespacedPod(
      { name: "nginx", namespace: "default", body: { metadata: { labels: { team: "web" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(ok.metadata?.labels).toEqual({ team: "web" });
  });
});

describe("apps", () => {
  it("serves the seed's workloads with selectors", async () => {
    const deps = await apps.listNamespacedDeployment({ namespace: "shop" });
    expect(deps.items.map((d) => d.metadata?.name).sort()).toEqual(["billing", "web"]);
    const web = await apps.readNamespacedDeployment({ name: "web", namespace: "shop" });
    expect(web.spec?.replicas).toBe(2);
    const rs = await apps.listNamespacedReplicaSet({ namespace: "shop", labelSelector: "app=web" });
    expect(rs.items[0]?.metadata?.name).toMatch(/^web-[a-z0-9]+$/);
    const sts = await apps.readNamespacedStatefulSet({ name: "db", namespace: "shop" });
    expect(sts.kind).toBe("StatefulSet");
    const ds = await apps.listDaemonSetForAllNamespaces();
    expect(ds.items.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`)).toEqual(["ops/agent"]);
  });
});

describe("ephemeral containers", () => {
  it("adds a debug container by strategic merge patch; it goes ContainerCreating → Running", async () => {
    const pod = await core.patchNamespacedPodEphemeralcontainers(
      {
        name: "nginx",
        namespace: "default",
        body: {
          spec: {
            ephemeralContainers: [
              debugContainer("dbg1", { securityContext: { capabilities: { add: ["SYS_PTRACE"] } } }),
            ],
          },
        },
      },
      strategic,
    );
    expect(pod.status?.ephemeralContainerStatuses?.[0]?.state?.waiting?.reason).toBe("ContainerCreating");
    const running = await eventually(async () => {
      const p = await core.readNamespacedPodEphemeralcontainers({ name: "nginx", namespace: "default" });
      return p.status?.ephemeralContainerStatuses?.find((s) => s.name === "dbg1" && s.state?.running) ?? undefined;
    });
    expect(running.containerID).toMatch(/^containerd:\/\//);
    expect(fx.sim.state.processes("default", "nginx", "dbg1").map((p) => p.args)).toEqual([["sleep", "3600"]]);
  });

  it("merges by name, ignores $setElementOrder and refuses removing one", async () => {
    await core.patchNamespacedPodEphemeralcontainers(
      {
        name: "nginx",
        namespace: "default",
        body: {
          spec: {
            "$setElementOrder/ephemeralContainers": [{ name: "dbg1" }, { name: "dbg2" }],
            ephemeralContainers: [debugContainer("dbg2")],
          },
        } as object,
      },
      strategic,
    );
    const names = fx.sim.state.pod("default", "nginx").spec.ephemeralContainers.map((c: { name: string }) => c.name);
    expect(names).toEqual(["dbg1", "dbg2"]);
    const f = await failure(
      core.patchNamespacedPodEphemeralcontainers(
        { name: "nginx", namespace: "default", body: { spec: { ephemeralContainers: [debugContainer("dbg3")] } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ),
    );
    expect(f).toMatchObject({ code: 422, body: { reason: "Invalid" } });
  });

  it("joins the target's PID namespace in a pod that does not share one", async () => {
    const web =
      (await core.listNamespacedPod({ namespace: "shop", labelSelector: "app=web" })).items[1]?.metadata?.name ?? "";
    await core.patchNamespacedPodEphemeralcontainers(
      {
        name: web,
        namespace: "shop",
        body: { spec: { ephemeralContainers: [debugContainer("dbg", { targetContainerName: "web" })] } },
      },
      strategic,
    );
    await eventually(() => fx.sim.state.processes("shop", web, "dbg")[0]);
    const procs = fx.sim.state.processes("shop", web);
    const dbg = procs.find((p) => p.container === "dbg");
    const sameNs = procs.filter((p) => p.pidNamespace === dbg?.pidNamespace).map((p) => [p.pid, p.args.join(" ")]);
    expect(sameNs).toEqual([
      [1, "node server.js"],
      [2, "sleep 3600"],
    ]);
  });

  it.each([
    {
      name: "unknown target",
      container: debugContainer("bad", { targetContainerName: "nope" }),
      field: "targetContainerName",
    },
    { name: "missing image", container: { name: "noimage" }, field: "image" },
    { name: "name of a container", container: debugContainer("nginx"), field: "name" },
  ])("rejects $name with 422", async ({ container, field }) => {
    const f = await failure(
      core.patchNamespacedPodEphemeralcontainers(
        { name: "nginx", namespace: "default", body: { spec: { ephemeralContainers: [container] } } },
        strategic,
      ),
    );
    expect(f.code).toBe(422);
    expect(JSON.stringify(f.body.details)).toContain(field);
  });

  it("refuses SYS_PTRACE under Pod Security with the API server's message", async () => {
    fx.sim.state.addNamespace("base", { "pod-security.kubernetes.io/enforce": "baseline" });
    fx.sim.state.createPod(
      "base",
      { metadata: { name: "x" }, spec: { containers: [{ name: "app", image: "busybox" }] } },
      { immediate: true },
    );
    const f = await failure(
      core.patchNamespacedPodEphemeralcontainers(
        {
          name: "x",
          namespace: "base",
          body: {
            spec: {
              ephemeralContainers: [
                debugContainer("d", { securityContext: { capabilities: { add: ["SYS_PTRACE"] } } }),
              ],
            },
          },
        },
        strategic,
      ),
    );
    expect(f.code).toBe(403);
    expect(f.body.message).toBe(
      'pods "x" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "d" must not include "SYS_PTRACE" in securityContext.capabilities.add)',
    );
    const create = await failure(
      core.createNamespacedPod({
        namespace: "locked",
        body: {
          metadata: { name: "copy" },
          spec: { containers: [debugContainer("d", { securityContext: { capabilities: { add: ["SYS_PTRACE"] } } })] },
        },
      }),
    );
    expect(create.code).toBe(403);
    expect(create.body.message).toContain('violates PodSecurity "restricted:latest"');
    expect(create.body.message).toContain(
      'container "d" must not include "SYS_PTRACE" in securityContext.capabilities.add',
    );
  });

  it("evaluates the whole pod on every ephemeral-containers update: an old debug container fails a new one", async () => {
    fx.sim.state.addNamespace("later");
    fx.sim.state.createPod(
      "later",
      { metadata: { name: "p" }, spec: { containers: [{ name: "app", image: "busybox" }] } },
      { immediate: true },
    );
    let existing: unknown[] = [];
    const add = (name: string, extra: Record<string, unknown> = {}) =>
      core.patchNamespacedPodEphemeralcontainers(
        {
          name: "p",
          namespace: "later",
          body: { spec: { ephemeralContainers: [...existing, debugContainer(name, extra)] } },
        },
        strategic,
      );
    const old = await add("old", { securityContext: { capabilities: { add: ["SYS_PTRACE"] } } });
    existing = old.spec?.ephemeralContainers ?? [];
    // The namespace is locked down after the first debug session.
    const labels = fx.sim.state.world.namespaces.get("later")?.labels ?? {};
    labels["pod-security.kubernetes.io/enforce"] = "baseline";
    labels["pod-security.kubernetes.io/enforce-version"] = "v1.31";
    const f = await failure(add("new"));
    expect([f.code, f.body.message]).toEqual([
      403,
      'pods "p" is forbidden: violates PodSecurity "baseline:v1.31": non-default capabilities (container "old" must not include "SYS_PTRACE" in securityContext.capabilities.add)',
    ]);
  });

  it("names every offending container in one reason, as Pod Security does", async () => {
    const f = await failure(
      core.createNamespacedPod({
        namespace: "base",
        body: {
          metadata: { name: "two" },
          spec: {
            containers: [
              debugContainer("a", { securityContext: { capabilities: { add: ["SYS_PTRACE"] } } }),
              debugContainer("b", { securityContext: { capabilities: { add: ["NET_ADMIN", "KILL"] } } }),
            ],
          },
        },
      }),
    );
    expect(f.body.message).toBe(
      'pods "two" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (containers "a", "b" must not include "NET_ADMIN", "SYS_PTRACE" in securityContext.capabilities.add)',
    );
  });

  it("lets targetContainerName name a native sidecar, and pod names be DNS subdomains", async () => {
    const pod = await core.createNamespacedPod({
      namespace: "default",
      body: {
        metadata: { name: "side.car-1" },
        spec: {
          initContainers: [{ name: "proxy", image: "busybox", command: ["sleep", "3600"], restartPolicy: "Always" }],
          containers: [{ name: "app", image: "busybox", command: ["sleep", "3600"] }],
        },
      },
    });
    expect(pod.metadata?.name).toBe("side.car-1");
    await eventually(() => fx.sim.state.containerStatus("default", "side.car-1", "proxy")?.state?.running);
    const patched = await core.patchNamespacedPodEphemeralcontainers(
      {
        name: "side.car-1",
        namespace: "default",
        body: { spec: { ephemeralContainers: [debugContainer("d", { targetContainerName: "proxy" })] } },
      },
      strategic,
    );
    expect(patched.spec?.ephemeralContainers?.[0]?.targetContainerName).toBe("proxy");
    const bad = await failure(
      core.createNamespacedPod({
        namespace: "default",
        body: { metadata: { name: "Bad_Name" }, spec: { containers: [{ name: "a", image: "busybox" }] } },
      }),
    );
    expect(bad.code).toBe(422);
  });

  it.each([
    {
      name: "a ResourceQuota on a pod without limits",
      admission: { quota: ["limits.cpu", "limits.memory"] },
      spec: {
        containers: [
          { name: "app", image: "busybox" },
          { name: "dbg", image: "busybox" },
        ],
      },
      message:
        'pods "p" is forbidden: failed quota: compute: must specify limits.cpu for: app,dbg; limits.memory for: app,dbg',
    },
    {
      name: "Priority admission on a copied spec.priority",
      admission: { priorityClasses: { high: 1000 } },
      spec: { priorityClassName: "high", priority: 0, containers: [{ name: "app", image: "busybox" }] },
      message:
        'pods "p" is forbidden: the integer value of priority (0) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
    },
    {
      name: "a LimitRange min",
      admission: { limitRangeMin: { cpu: "100m" } },
      spec: { containers: [{ name: "app", image: "busybox", resources: { requests: { cpu: "50m" } } }] },
      message: 'pods "p" is forbidden: minimum cpu usage per Container is 100m, but request is 50m',
    },
    {
      name: "a validating webhook",
      admission: { webhook: { name: "no-copies.example.com", message: "debug copies are not allowed here" } },
      spec: { containers: [{ name: "app", image: "busybox" }] },
      message: 'admission webhook "no-copies.example.com" denied the request: debug copies are not allowed here',
    },
  ])("refuses a new pod under $name, with the API server's 403", async ({ admission, spec, message }) => {
    const ns = `adm-${Math.random().toString(36).slice(2, 8)}`;
    fx.sim.state.addNamespace(ns, {}, admission);
    const f = await failure(core.createNamespacedPod({ namespace: ns, body: { metadata: { name: "p" }, spec } }));
    expect([f.code, f.body.message]).toEqual([403, message]);
  });

  it("exempts ephemeral containers from a quota, but not from a webhook that asks for them", async () => {
    fx.sim.state.addNamespace("quota", {}, { quota: ["limits.cpu"] });
    fx.sim.state.createPod(
      "quota",
      { metadata: { name: "p" }, spec: { containers: [{ name: "app", image: "busybox" }] } },
      { immediate: true },
    );
    const patched = await core.patchNamespacedPodEphemeralcontainers(
      { name: "p", namespace: "quota", body: { spec: { ephemeralContainers: [debugContainer("d")] } } },
      strategic,
    );
    expect(patched.spec?.ephemeralContainers?.map((c) => c.name)).toEqual(["d"]);
    fx.sim.state.addNamespace("hooked", {}, { webhook: { name: "audit.example.com", message: "no", ephemeral: true } });
    fx.sim.state.createPod(
      "hooked",
      { metadata: { name: "p" }, spec: { containers: [{ name: "app", image: "busybox" }] } },
      { immediate: true },
    );
    const f = await failure(
      core.patchNamespacedPodEphemeralcontainers(
        { name: "p", namespace: "hooked", body: { spec: { ephemeralContainers: [debugContainer("d")] } } },
        strategic,
      ),
    );
    expect([f.code, f.body.message]).toEqual([403, 'admission webhook "audit.example.com" denied the request: no']);
  });

  it("terminates a debug container when its command ends", async () => {
    await core.patchNamespacedPodEphemeralcontainers(
      {
        name: "db-0",
        namespace: "shop",
        body: { spec: { ephemeralContainers: [{ name: "short", image: "busybox", command: ["sleep", "0.3"] }] } },
      },
      strategic,
    );
    const done = await eventually(() => {
      const s = fx.sim.state.containerStatus("shop", "db-0", "short");
      return s?.state?.terminated ? s.state.terminated : undefined;
    });
    expect(done).toMatchObject({ exitCode: 0, reason: "Completed" });
  });
});

describe("faults and the request log", () => {
  it("fails the next request with a real Status, then recovers", async () => {
    fx.sim.faults.failNext("GET pods", 503, { message: "etcd is sad" });
    const f = await failure(core.readNamespacedPod({ name: "nginx", namespace: "default" }));
    expect(f).toMatchObject({
      code: 503,
      body: { kind: "Status", reason: "ServiceUnavailable", message: "etcd is sad" },
    });
    await expect(core.readNamespacedPod({ name: "nginx", namespace: "default" })).resolves.toBeTruthy();
  });

  it("fails a route until cleared", async () => {
    fx.sim.faults.fail("PATCH pods/ephemeralcontainers", 403);
    for (let i = 0; i < 2; i += 1) {
      const f = await failure(
        core.patchNamespacedPodEphemeralcontainers(
          { name: "nginx", namespace: "default", body: { spec: { ephemeralContainers: [] } } },
          strategic,
        ),
      );
      expect(f.body).toMatchObject({ reason: "Forbidden", code: 403 });
    }
    fx.sim.faults.clear();
    await expect(
      core.patchNamespacedPodEphemeralcontainers(
        { name: "nginx", namespace: "default", body: { spec: {} } },
        strategic,
      ),
    ).resolves.toBeTruthy();
  });

  it("delays a route", async () => {
    fx.sim.faults.latency("GET namespaces", 300);
    const t0 = Date.now();
    await core.readNamespace({ name: "shop" });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it("makes a debug container's image pull fail", async () => {
    fx.sim.faults.imagePullFailure("registry.example/missing:1");
    await core.patchNamespacedPodEphemeralcontainers(
      {
        name: "agent-h4v8n",
        namespace: "ops",
        body: { spec: { ephemeralContainers: [{ name: "pull", image: "registry.example/missing:1" }] } },
      },
      strategic,
    );
    const waiting = await eventually(() => {
      const w = fx.sim.state.containerStatus("ops", "agent-h4v8n", "pull")?.state?.waiting;
      return w?.reason === "ImagePullBackOff" ? w : undefined;
    });
    expect(waiting.message).toContain("registry.example/missing:1");
  });

  it("counts requests by route", async () => {
    fx.sim.requests.reset();
    await core.readNamespacedPod({ name: "nginx", namespace: "default" });
    await core.listNamespacedPod({ namespace: "default" });
    await apps.listNamespacedDeployment({ namespace: "shop" });
    expect(fx.sim.requests.count("GET pods")).toBe(2);
    expect(fx.sim.requests.count("GET deployments")).toBe(1);
    expect(fx.sim.requests.count()).toBe(3);
    expect(fx.sim.requests.entries[0]).toMatchObject({
      method: "GET",
      path: "/api/v1/namespaces/default/pods/nginx",
      status: 200,
    });
  });
});
