import { describe, expect, it } from "vitest";
import { attributesOf } from "../../src/local/sim/rbac.js";
import { ContainerLog, parseLogQuery, selectLines } from "../../src/local/sim/runtime/logs.js";
import {
  capabilitiesOf,
  DEFAULT_CAPS,
  effectiveCaps,
  identityOf,
  qosClassOf,
} from "../../src/local/sim/runtime/security.js";

const pod = (spec: object = {}) => ({ name: "p", namespace: "ns", uid: "u-1", spec });
const root = { uid: 0, gid: 0 };

describe("capabilities as containerd computes them", () => {
  it.each([
    { name: "the default set", sc: {}, want: [...DEFAULT_CAPS] },
    {
      name: "drop ALL, add one",
      sc: { capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } },
      want: ["NET_BIND_SERVICE"],
    },
    { name: "add SYS_PTRACE", sc: { capabilities: { add: ["SYS_PTRACE"] } }, want: [...DEFAULT_CAPS, "SYS_PTRACE"] },
    { name: "drop KILL", sc: { capabilities: { drop: ["KILL"] } }, want: DEFAULT_CAPS.filter((c) => c !== "KILL") },
  ])("$name", ({ sc, want }) => {
    expect(capabilitiesOf(sc)).toEqual(want);
  });

  it("gives every capability to privileged, and none to a non-root process", () => {
    expect(capabilitiesOf({ privileged: true })).toContain("SYS_ADMIN");
    expect(effectiveCaps({ uid: 1000, caps: [...DEFAULT_CAPS] })).toEqual([]);
  });
});

describe("the kubelet's identity of a container", () => {
  it.each([
    {
      name: "runAsNonRoot on a root image without runAsUser",
      spec: { securityContext: { runAsNonRoot: true } },
      container: { name: "c" },
      want: {
        reason: "CreateContainerConfigError",
        message: 'container has runAsNonRoot and image will run as root (pod: "p_ns(u-1)", container: c)',
      },
    },
    {
      name: "runAsNonRoot with runAsUser 0",
      spec: {},
      container: { name: "c", securityContext: { runAsNonRoot: true, runAsUser: 0 } },
      want: {
        reason: "CreateContainerConfigError",
        message: `container's runAsUser breaks non-root policy (pod: "p_ns(u-1)", container: c)`,
      },
    },
    {
      name: "the container's user over the pod's, groups with the primary first",
      spec: { securityContext: { runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000], fsGroup: 2000 } },
      container: { name: "c", securityContext: { runAsUser: 1001, allowPrivilegeEscalation: false } },
      want: { uid: 1001, gid: 3000, additionalGids: [3000, 4000, 2000], noNewPrivileges: true },
    },
  ])("$name", ({ spec, container, want }) => {
    expect(identityOf(pod(spec), container, root)).toMatchObject(want);
  });
});

describe("QoS classes", () => {
  it.each([
    { name: "no resources", containers: [{}], want: "BestEffort" },
    { name: "a request", containers: [{ resources: { requests: { cpu: "10m" } } }], want: "Burstable" },
    {
      name: "limits equal to requests",
      containers: [{ resources: { limits: { cpu: "1", memory: "1Gi" } } }],
      want: "Guaranteed",
    },
  ])("$name → $want", ({ containers, want }) => {
    expect(qosClassOf({ containers })).toBe(want);
  });
});

describe("log selection", () => {
  it("takes the tail first, then the since filter, as the kubelet reads", () => {
    const log = new ContainerLog();
    log.write("stdout", "a\nb\nc\n");
    const old = new Date(Date.now() - 60_000);
    for (const l of log.lines.slice(0, 2)) l.time = old;
    const q = parseLogQuery(new URLSearchParams("tailLines=2&sinceSeconds=30"));
    expect(selectLines(log, q).map((l) => l.text)).toEqual(["c"]);
  });
});

describe("RBAC attributes of a request", () => {
  it.each([
    ["GET", "/api/v1/namespaces/d/pods", { verb: "list", resource: "pods", namespace: "d", name: null }],
    ["GET", "/api/v1/pods?watch=true", { verb: "watch", resource: "pods", namespace: null }],
    [
      "PATCH",
      "/api/v1/namespaces/d/pods/x/ephemeralcontainers",
      { verb: "patch", resource: "pods/ephemeralcontainers" },
    ],
    [
      "GET",
      "/apis/apps/v1/namespaces/d/deployments/w",
      { verb: "get", group: "apps", resource: "deployments", name: "w" },
    ],
    ["GET", "/api/v1/namespaces/d", { verb: "get", resource: "namespaces", namespace: null, name: "d" }],
  ] as const)("%s %s", (method, path, want) => {
    expect(attributesOf(method, new URL(path, "https://sim"))).toMatchObject(want);
  });
});
