/** Discovery documents: /version, /api, /apis, /api/v1, /apis/apps/v1. */

/** The version the simulator reports by default: kubectl 1.31 then sends JSON everywhere. */
export const VERSION = {
  major: "1",
  minor: "31",
  gitVersion: "v1.31.0",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2024-08-13T07:28:49Z",
  goVersion: "go1.22.5",
  compiler: "gc",
  platform: "linux/amd64",
};

/** The minor versions `--server-version` accepts: 1.31 (the default) and 1.28 (no native sidecars). */
export const SERVER_VERSIONS = ["1.31", "1.28"] as const;

/** One of {@link SERVER_VERSIONS}. */
export type ServerVersion = (typeof SERVER_VERSIONS)[number];

/** `/version` of an API server of this minor version. */
export function versionInfo(version: ServerVersion): typeof VERSION {
  if (version === "1.31") return VERSION;
  return { ...VERSION, minor: "28", gitVersion: "v1.28.15", buildDate: "2024-10-22T20:28:14Z", goVersion: "go1.22.8" };
}

const READ = ["get", "list", "watch"];
const ALL = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** GET /api. */
export function apiVersions(): object {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:6443" }],
  };
}

/** GET /apis. */
export function apiGroupList(): object {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [appsGroup()],
  };
}

/** GET /apis/apps. */
export function appsGroup(): object {
  return {
    kind: "APIGroup",
    apiVersion: "v1",
    name: "apps",
    versions: [{ groupVersion: "apps/v1", version: "v1" }],
    preferredVersion: { groupVersion: "apps/v1", version: "v1" },
  };
}

/** GET /api/v1. */
export function coreResources(): object {
  return {
    kind: "APIResourceList",
    groupVersion: "v1",
    resources: [
      {
        name: "namespaces",
        singularName: "namespace",
        namespaced: false,
        kind: "Namespace",
        verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
        shortNames: ["ns"],
      },
      { name: "events", singularName: "event", namespaced: true, kind: "Event", verbs: READ, shortNames: ["ev"] },
      {
        name: "pods",
        singularName: "pod",
        namespaced: true,
        kind: "Pod",
        verbs: ALL,
        shortNames: ["po"],
        categories: ["all"],
      },
      {
        name: "pods/ephemeralcontainers",
        singularName: "",
        namespaced: true,
        kind: "Pod",
        verbs: ["get", "patch", "update"],
      },
      { name: "pods/exec", singularName: "", namespaced: true, kind: "PodExecOptions", verbs: ["create", "get"] },
      {
        name: "persistentvolumeclaims",
        singularName: "persistentvolumeclaim",
        namespaced: true,
        kind: "PersistentVolumeClaim",
        verbs: ["create", "get", "list"],
        shortNames: ["pvc"],
      },
      { name: "pods/status", singularName: "", namespaced: true, kind: "Pod", verbs: ["get", "patch", "update"] },
    ],
  };
}

/** GET /apis/apps/v1. */
export function appsResources(): object {
  const r = (name: string, kind: string, shortNames: string[]) => ({
    name,
    singularName: kind.toLowerCase(),
    namespaced: true,
    kind,
    verbs: READ,
    shortNames,
    categories: ["all"],
  });
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: "apps/v1",
    resources: [
      r("daemonsets", "DaemonSet", ["ds"]),
      r("deployments", "Deployment", ["deploy"]),
      r("replicasets", "ReplicaSet", ["rs"]),
      r("statefulsets", "StatefulSet", ["sts"]),
    ],
  };
}

/** The apps/v1 resources the simulator serves, by plural. */
export const APPS_KINDS: Record<string, string> = {
  deployments: "Deployment",
  statefulsets: "StatefulSet",
  daemonsets: "DaemonSet",
  replicasets: "ReplicaSet",
};
