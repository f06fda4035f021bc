import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { securityContextFor, targetIdentity } from "../../src/kube/debug-profiles.js";
import {
  buildEphemeralContainer,
  buildPodCopy,
  chooseTargetContainer,
  copyHazards,
  copyNameSuffix,
  copyPodName,
  DROPPED_ANNOTATIONS,
  findReusableEphemeral,
  isCopyName,
  selectsLabels,
  skippedInitContainers,
} from "../../src/kube/debug-spec.js";
import { toFileContent } from "../../src/kube/file-content.js";
import { MANAGED_BY_LABEL } from "../../src/kube/labels.js";
import { labelSelectorString, rankPods } from "../../src/kube/target.js";

const probe = { httpGet: { path: "/", port: 80 } };
const source: V1Pod = {
  metadata: {
    name: "web-7d9f-abcde",
    namespace: "shop",
    labels: { app: "web" },
    annotations: { "kubectl.kubernetes.io/default-container": "app", note: "x" },
    ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-7d9f", uid: "u" }],
  },
  spec: {
    nodeName: "node-1",
    containers: [
      { name: "sidecar", image: "envoy", readinessProbe: probe },
      { name: "app", image: "nginx", livenessProbe: probe, readinessProbe: probe, startupProbe: probe },
    ],
    ephemeralContainers: [{ name: "old", image: "busybox" }],
  },
};

describe("debug profiles", () => {
  it.each([
    ["general", { capabilities: { add: ["SYS_PTRACE"] } }],
    ["baseline", undefined],
    [
      "restricted",
      {
        runAsNonRoot: true,
        runAsUser: 65534,
        runAsGroup: 65534,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      },
    ],
    ["netadmin", { capabilities: { add: ["NET_ADMIN", "NET_RAW"] } }],
    ["sysadmin", { privileged: true }],
  ])("%s", (profile, want) => {
    expect(securityContextFor(profile)).toEqual(want);
  });

  it.each([
    ["the target's uid and gid", { uid: 101, gid: 102 }, { runAsUser: 101, runAsGroup: 102 }],
    ["nobody for an unknown uid and gid", { uid: null, gid: null }, { runAsUser: 65534, runAsGroup: 65534 }],
    [
      "nobody for a root target (restricted may not run as root)",
      { uid: 0, gid: 0 },
      { runAsUser: 65534, runAsGroup: 0 },
    ],
    [
      "the uid with nobody's group when only the uid is known",
      { uid: 1000, gid: null },
      { runAsUser: 1000, runAsGroup: 65534 },
    ],
  ])("restricted runs as %s", (_name, identity, want) => {
    expect(securityContextFor("restricted", identity)).toMatchObject({ runAsNonRoot: true, ...want });
  });

  it.each(["general", "baseline", "netadmin", "sysadmin"])("%s ignores the target's identity", (profile) => {
    expect(securityContextFor(profile, { uid: 101, gid: 101 })).toEqual(securityContextFor(profile));
  });

  it.each([
    ["the container's own securityContext", "app", { uid: 101, gid: 101 }],
    ["the pod's securityContext", "sidecar", { uid: 2000, gid: null }],
    ["an init container's", "init", { uid: 3000, gid: 3001 }],
    ["the pod's, for an unknown container", null, { uid: 2000, gid: null }],
  ])("targetIdentity reads %s", (_name, container, want) => {
    const pod: V1Pod = {
      spec: {
        securityContext: { runAsUser: 2000 },
        initContainers: [{ name: "init", securityContext: { runAsUser: 3000, runAsGroup: 3001 } }],
        containers: [{ name: "sidecar" }, { name: "app", securityContext: { runAsUser: 101, runAsGroup: 101 } }],
      },
    };
    expect(targetIdentity(pod, container)).toEqual(want);
  });

  it("lists the known profiles for an unknown one", () => {
    expect(() => securityContextFor("toString")).toThrow(/Unknown debug profile/);
  });
});

describe("chooseTargetContainer", () => {
  it.each([
    ["the default-container annotation", null, "app"],
    ["-c when it names a container", "sidecar", "sidecar"],
    ["nothing for an unknown -c", "nope", null],
  ])("takes %s", (_name, requested, want) => {
    expect(chooseTargetContainer(source, requested)).toBe(want);
  });

  it.each([
    ["an init container", "migrate"],
    ["a native sidecar", "proxy"],
  ])("takes -c naming %s (targetContainerName may name any non-ephemeral container)", (_name, requested) => {
    const withInits: V1Pod = {
      ...source,
      spec: {
        ...source.spec!,
        initContainers: [
          { name: "migrate", image: "migrate:1" },
          { name: "proxy", image: "envoy", restartPolicy: "Always" },
        ],
      },
    };
    expect(chooseTargetContainer(withInits, requested)).toBe(requested);
    // Without -c the default stays a regular container.
    expect(chooseTargetContainer(withInits, null)).toBe("app");
  });

  it("takes the first container without annotation", () => {
    expect(chooseTargetContainer({ ...source, metadata: { name: "p" } })).toBe("sidecar");
  });
});

describe("buildPodCopy", () => {
  const debug = {
    name: "pns-debug-q1w2e",
    image: "busybox:1.36",
    lifetimeSeconds: 3600,
    securityContext: securityContextFor("general"),
  };
  const resources = { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "250m", memory: "64Mi" } };
  const options = {
    debug,
    resources,
    meta: { requestedBy: "U123", expiresAt: "2026-11-30T05:00:00.000Z" },
    nodeName: null,
    sidecar: true,
    initContainers: true,
  };
  const rich: V1Pod = {
    ...source,
    metadata: {
      ...source.metadata,
      labels: { app: "web", "pod-template-hash": "7d9f" },
      annotations: {
        ...source.metadata?.annotations,
        "kubectl.kubernetes.io/last-applied-configuration": '{"kind":"Pod"}',
        "kubectl.kubernetes.io/restartedAt": "2026-11-30T03:00:00Z",
        "controller.kubernetes.io/pod-deletion-cost": "10",
        "sidecar.istio.io/status": '{"containers":["istio-proxy"]}',
        "pns.dev/expires-at": "old",
      },
    },
    spec: {
      ...source.spec!,
      priorityClassName: "high",
      priority: 1000,
      preemptionPolicy: "PreemptLowerPriority",
      initContainers: [{ name: "migrate", image: "migrate:1" }],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }] },
            ],
          },
        },
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: "web" } }, topologyKey: "kubernetes.io/hostname" },
          ],
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 50,
              podAffinityTerm: {
                labelSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["cache"] }] },
                topologyKey: "topology.kubernetes.io/zone",
              },
            },
          ],
        },
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] }, topologyKey: "zone" },
          ],
        },
      },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "zone",
          whenUnsatisfiable: "DoNotSchedule",
          labelSelector: { matchLabels: { app: "web" } },
        },
        {
          maxSkew: 1,
          topologyKey: "zone",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: { app: "db" } },
        },
      ],
    },
  };
  const copy = buildPodCopy(rich, copyPodName("web-7d9f-abcde", "q1w2e"), options);

  it("strips labels, probes, nodeName and ephemeral containers like kubectl debug --copy-to", () => {
    expect(copy.metadata?.name).toBe("web-7d9f-abcde-pns-q1w2e");
    expect(copy.metadata?.namespace).toBe("shop");
    expect(copy.metadata?.labels).toEqual({ [MANAGED_BY_LABEL]: "pns" });
    expect(copy.metadata?.ownerReferences).toBeUndefined();
    expect(copy.spec?.nodeName).toBeUndefined();
    expect(copy.spec?.ephemeralContainers).toBeUndefined();
    expect(copy.spec?.containers.map((c) => [c.livenessProbe, c.readinessProbe, c.startupProbe])).toEqual([
      [undefined, undefined, undefined],
      [undefined, undefined, undefined],
    ]);
  });

  it("keeps the source's annotations but for the denylist, and writes pns's own", () => {
    expect(copy.metadata?.annotations).toEqual({
      "kubectl.kubernetes.io/default-container": "app",
      note: "x",
      "sidecar.istio.io/status": '{"containers":["istio-proxy"]}',
      "pns.dev/copy-of": "web-7d9f-abcde",
      "pns.dev/requested-by": "U123",
      "pns.dev/expires-at": "2026-11-30T05:00:00.000Z",
    });
    for (const dropped of DROPPED_ANNOTATIONS) expect(copy.metadata?.annotations).not.toHaveProperty(dropped);
  });

  it("runs the debug container as a native sidecar that starts first, with small requests and limits", () => {
    expect(copy.spec?.initContainers?.map((c) => c.name)).toEqual(["pns-debug-q1w2e", "migrate"]);
    expect(copy.spec?.initContainers?.[0]).toMatchObject({
      image: "busybox:1.36",
      command: ["sleep", "3600"],
      restartPolicy: "Always",
      resources,
      securityContext: { capabilities: { add: ["SYS_PTRACE"] } },
    });
    expect(copy.spec?.containers.map((c) => c.name)).toEqual(["sidecar", "app"]);
    expect(copy.spec?.shareProcessNamespace).toBe(true);
    expect(copy.spec?.activeDeadlineSeconds).toBe(3600);
  });

  it("leaves out init containers that run to completion unless debug.copy.initContainers, keeps native sidecars", () => {
    const withSidecar: V1Pod = {
      ...rich,
      spec: {
        ...rich.spec!,
        initContainers: [
          ...(rich.spec?.initContainers ?? []),
          { name: "proxy", image: "envoy", restartPolicy: "Always", readinessProbe: probe },
        ],
      },
    };
    const skipped = buildPodCopy(withSidecar, "c", { ...options, initContainers: false });
    expect(skipped.spec?.initContainers?.map((c) => c.name)).toEqual(["pns-debug-q1w2e", "proxy"]);
    expect(skipped.spec?.initContainers?.[1]?.readinessProbe).toBeUndefined();
    expect(skippedInitContainers(withSidecar, false)).toEqual(["migrate"]);
    expect(skippedInitContainers(withSidecar, true)).toEqual([]);
    const legacy = buildPodCopy(source, "c", { ...options, initContainers: false, sidecar: false });
    expect(legacy.spec?.initContainers).toBeUndefined();
  });

  it("appends the debug container to the containers where the cluster has no native sidecars", () => {
    const legacy = buildPodCopy(rich, "c", { ...options, sidecar: false });
    expect(legacy.spec?.initContainers?.map((c) => c.name)).toEqual(["migrate"]);
    expect(legacy.spec?.containers.at(-1)).toMatchObject({ name: "pns-debug-q1w2e", resources });
    expect(legacy.spec?.containers.at(-1)?.restartPolicy).toBeUndefined();
  });

  it("drops priority and preemptionPolicy (Priority admission derives them) and keeps priorityClassName", () => {
    expect([copy.spec?.priority, copy.spec?.preemptionPolicy, copy.spec?.priorityClassName]).toEqual([
      undefined,
      undefined,
      "high",
    ]);
  });

  it("removes pod (anti-)affinity and spread that select the app's own labels, and keeps the rest", () => {
    expect(copy.spec?.affinity).toEqual({
      nodeAffinity: rich.spec?.affinity?.nodeAffinity,
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          rich.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0],
        ],
      },
    });
    expect(copy.spec?.topologySpreadConstraints).toEqual([rich.spec?.topologySpreadConstraints?.[1]]);
  });

  it("stays on a node only when told", () => {
    expect(buildPodCopy(rich, "c", { ...options, nodeName: "node-1" }).spec?.nodeName).toBe("node-1");
  });

  it("does not change its source", () => {
    expect(rich.spec?.containers[1]?.livenessProbe).toEqual(probe);
    expect(rich.spec?.priority).toBe(1000);
    expect(rich.spec?.initContainers).toHaveLength(1);
  });

  it("keeps fields client-node's models do not know", () => {
    const future = { ...rich, spec: { ...rich.spec!, someFutureField: { on: true } } } as V1Pod;
    expect((buildPodCopy(future, "c", options).spec as unknown as Record<string, unknown>).someFutureField).toEqual({
      on: true,
    });
  });

  it("keeps copy names within 63 characters", () => {
    expect(copyPodName("a".repeat(70), "xxxxx")).toHaveLength(63);
  });

  it("names the copy of one pod alike every time, and the copies of others (or a recreated pod) apart", () => {
    const uid = (u: string, name = "web-7d9f-abcde"): V1Pod => ({ metadata: { ...source.metadata, name, uid: u } });
    const one = copyNameSuffix(uid("a1"));
    expect(one).toMatch(/^[a-z0-9]{5}$/);
    expect(copyNameSuffix(uid("a1"))).toBe(one);
    expect(copyNameSuffix(uid("a2"))).not.toBe(one);
    expect(copyNameSuffix(uid("a1", "web-other"))).not.toBe(one);
    expect(isCopyName(copyPodName("web", one))).toBe(true);
    expect(isCopyName("web-pns-x")).toBe(false);
    expect(isCopyName("web")).toBe(false);
  });
});

describe("selectsLabels", () => {
  const labels = { app: "web", tier: "front" };
  it.each([
    ["null selects nothing", null, false],
    ["{} selects everything", {}, true],
    ["matchLabels", { matchLabels: { app: "web" } }, true],
    ["matchLabels of another app", { matchLabels: { app: "db" } }, false],
    ["In", { matchExpressions: [{ key: "tier", operator: "In", values: ["front", "back"] }] }, true],
    ["NotIn", { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }] }, false],
    ["Exists", { matchExpressions: [{ key: "app", operator: "Exists" }] }, true],
    ["DoesNotExist", { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, false],
    ["NotIn on a missing key", { matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, true],
  ])("%s", (_name, selector, want) => {
    expect(selectsLabels(selector, labels)).toBe(want);
  });
});

describe("findReusableEphemeral", () => {
  const now = Date.parse("2026-11-30T04:00:00Z");
  const want = { image: "busybox:1.36", targetContainerName: "app", securityContext: securityContextFor("general") };
  const withDebug = (c: ReturnType<typeof buildEphemeralContainer>, startedAt: string, running = true): V1Pod => ({
    ...source,
    spec: { ...source.spec!, ephemeralContainers: [c] },
    status: {
      ephemeralContainerStatuses: [
        {
          name: c.name,
          image: c.image!,
          imageID: "",
          ready: false,
          restartCount: 0,
          state: running ? { running: { startedAt: new Date(startedAt) } } : { terminated: { exitCode: 0 } },
        },
      ],
    },
  });
  const container = (over: Partial<typeof want> = {}, lifetime = 3600) =>
    buildEphemeralContainer(
      {
        name: "pns-debug-aaaaa",
        image: over.image ?? want.image,
        lifetimeSeconds: lifetime,
        securityContext: "securityContext" in over ? over.securityContext : want.securityContext,
      },
      over.targetContainerName === undefined ? want.targetContainerName : over.targetContainerName,
    );

  it.each([
    [
      "a running one of the same image, target and profile",
      container(),
      "2026-11-30T03:30:00Z",
      true,
      "pns-debug-aaaaa",
    ],
    ["not one of another image", container({ image: "alpine" }), "2026-11-30T03:30:00Z", true, null],
    ["not one with another target", container({ targetContainerName: "sidecar" }), "2026-11-30T03:30:00Z", true, null],
    ["not one of another profile", container({ securityContext: undefined }), "2026-11-30T03:30:00Z", true, null],
    ["not one about to end", container(), "2026-11-30T03:00:30Z", true, null],
    ["not one that ended", container(), "2026-11-30T03:30:00Z", false, null],
  ])("reuses %s", (_name, c, startedAt, running, want_) => {
    expect(findReusableEphemeral(withDebug(c, startedAt, running), want, now, 60_000)?.name ?? null).toBe(want_);
  });
});

describe("toFileContent", () => {
  it.each([
    ["text", Buffer.from("a\nb\n"), 10, false, { text: "a\nb\n", binary: false, lines: 2, truncated: false }],
    ["text cut by lines", Buffer.from("1\n2\n3\n"), 2, false, { text: "1\n2\n", lines: 2, truncated: true }],
    ["a NUL byte", Buffer.from([0x41, 0, 0x42]), 10, false, { text: null, binary: true }],
    ["invalid UTF-8", Buffer.from([0xff, 0xfe, 0x41, 0xc3]), 10, false, { text: null, binary: true }],
    [
      "a multibyte character cut by the byte cap",
      Buffer.concat([Buffer.from("héllo wörld "), Buffer.from("é").subarray(0, 1)]),
      10,
      true,
      { text: "héllo wörld ", binary: false, truncated: true },
    ],
  ])("%s", (_name, bytes, lines, cut, want) => {
    expect(toFileContent(bytes, lines, cut)).toMatchObject(want);
  });
});

describe("target helpers", () => {
  it("turns selectors into label selector strings", () => {
    expect(
      labelSelectorString({
        matchLabels: { app: "web" },
        matchExpressions: [
          { key: "tier", operator: "In", values: ["a", "b"] },
          { key: "canary", operator: "DoesNotExist" },
        ],
      }),
    ).toBe("app=web,tier in (a,b),!canary");
  });

  it("ranks Running and Ready first, newest first", () => {
    const pod = (name: string, phase: string, ready: boolean, created: string): V1Pod => ({
      metadata: { name, creationTimestamp: new Date(created) },
      status: { phase, conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
    });
    const ranked = rankPods([
      pod("pending", "Pending", false, "2026-11-30T03:59:00Z"),
      pod("old-ready", "Running", true, "2026-11-30T01:00:00Z"),
      pod("not-ready", "Running", false, "2026-11-30T03:00:00Z"),
      pod("new-ready", "Running", true, "2026-11-30T02:00:00Z"),
    ]);
    expect(ranked.map((p) => p.metadata?.name)).toEqual(["new-ready", "old-ready", "not-ready", "pending"]);
  });
});

describe("copyHazards", () => {
  const pod = (spec: Partial<NonNullable<V1Pod["spec"]>>): V1Pod => ({
    metadata: { name: "p", namespace: "shop" },
    spec: { containers: [{ name: "app", image: "nginx" }], ...spec },
  });
  const risks = (p: V1Pod, inits = false) => copyHazards(p, inits).map((h) => `${h.risk}: ${h.what}`);

  it.each([
    ["a plain pod", pod({}), []],
    [
      "a hostPath volume",
      pod({ volumes: [{ name: "root", hostPath: { path: "/" } }] }),
      ["hostPath: hostPath volume root (/ on the node)"],
    ],
    [
      "a privileged container",
      pod({ containers: [{ name: "app", image: "x", securityContext: { privileged: true } }] }),
      ["privileged: container app runs privileged"],
    ],
    [
      "SYS_ADMIN added",
      pod({
        containers: [
          { name: "app", image: "x", securityContext: { capabilities: { add: ["NET_ADMIN", "SYS_ADMIN"] } } },
        ],
      }),
      ["privileged: container app adds SYS_ADMIN"],
    ],
    [
      "the host's namespaces",
      pod({ hostNetwork: true, hostPID: true, hostIPC: true }),
      ["hostNamespaces: hostNetwork: true", "hostNamespaces: hostPID: true", "hostNamespaces: hostIPC: true"],
    ],
    [
      "a claim mounted writable",
      pod({
        volumes: [{ name: "data", persistentVolumeClaim: { claimName: "pgdata" } }],
        containers: [{ name: "db", image: "x", volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql" }] }],
      }),
      ["writableVolumes: volume data (claim pgdata) mounted writable by db"],
    ],
    [
      "an NFS volume mounted writable",
      pod({
        volumes: [{ name: "share", nfs: { server: "nfs", path: "/x" } }],
        containers: [{ name: "app", image: "x", volumeMounts: [{ name: "share", mountPath: "/s" }] }],
      }),
      ["writableVolumes: volume share (nfs) mounted writable by app"],
    ],
    [
      "a claim mounted read-only, a read-only claim, an unmounted claim, an emptyDir",
      pod({
        volumes: [
          { name: "a", persistentVolumeClaim: { claimName: "a" } },
          { name: "b", persistentVolumeClaim: { claimName: "b", readOnly: true } },
          { name: "c", persistentVolumeClaim: { claimName: "c" } },
          { name: "tmp", emptyDir: {} },
        ],
        containers: [
          {
            name: "app",
            image: "x",
            volumeMounts: [
              { name: "a", mountPath: "/a", readOnly: true },
              { name: "b", mountPath: "/b" },
              { name: "tmp", mountPath: "/tmp" },
            ],
          },
        ],
      }),
      [],
    ],
  ] as const)("%s", (_name, p, expected) => {
    expect(risks(p)).toEqual(expected);
  });

  it("counts an init container's writable mount and privilege only when init containers run in the copy", () => {
    const p = pod({
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: "pgdata" } }],
      initContainers: [
        {
          name: "migrate",
          image: "x",
          securityContext: { privileged: true },
          volumeMounts: [{ name: "data", mountPath: "/d" }],
        },
      ],
    });
    expect(risks(p, false)).toEqual([]);
    expect(risks(p, true)).toEqual([
      "privileged: container migrate runs privileged",
      "writableVolumes: volume data (claim pgdata) mounted writable by migrate",
    ]);
  });
});
