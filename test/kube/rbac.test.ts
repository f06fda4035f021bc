import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AppsV1Api, AuthorizationV1Api, CoreV1Api } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

/** One permission a Kubernetes call needs, as RBAC names it. */
interface Permission {
  group: string;
  resource: string;
  verb: string;
  /** `namespace`: granted by a Role in the pod's namespace; `cluster`: only by a ClusterRole bound cluster-wide. */
  scope: "namespace" | "cluster";
  /** The code that needs it: a client-node method, or the exec / watch URL. */
  call: string;
}

const SRC = join(import.meta.dirname, "../../src/kube");
const sources = readdirSync(SRC)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(join(SRC, f), "utf8"));

// The kinds pns's calls name, as RBAC names them. A call on a kind missing here fails the test: add the kind, the
// rule to both manifests, and the entry to the inventory below.
const KINDS: Record<string, { group: string; resource: string }> = {
  Pod: { group: "", resource: "pods" },
  PodEphemeralcontainers: { group: "", resource: "pods/ephemeralcontainers" },
  PersistentVolumeClaim: { group: "", resource: "persistentvolumeclaims" },
  Event: { group: "", resource: "events" },
  Service: { group: "", resource: "services" },
  Namespace: { group: "", resource: "namespaces" },
  SelfSubjectAccessReview: { group: "authorization.k8s.io", resource: "selfsubjectaccessreviews" },
  Deployment: { group: "apps", resource: "deployments" },
  StatefulSet: { group: "apps", resource: "statefulsets" },
  DaemonSet: { group: "apps", resource: "daemonsets" },
  ReplicaSet: { group: "apps", resource: "replicasets" },
};
// client-node's method prefixes and the verb each sends (the generated API: read → GET, replace → PUT …).
const VERBS: Record<string, string> = {
  read: "get",
  list: "list",
  create: "create",
  delete: "delete",
  patch: "patch",
  replace: "update",
};
// Streaming helpers of client-node and the subresource each opens (a WebSocket upgrade is a GET; since 1.35
// create is also required, facts.md).
const STREAMS: Record<string, { resource: string; verbs: string[] }> = {
  Exec: { resource: "pods/exec", verbs: ["get", "create"] },
  Attach: { resource: "pods/attach", verbs: ["get", "create"] },
  PortForward: { resource: "pods/portforward", verbs: ["get", "create"] },
  Log: { resource: "pods/log", verbs: ["get"] },
};

function apiMethods(api: { prototype: object }): Set<string> {
  return new Set(Object.getOwnPropertyNames(api.prototype).filter((n) => n !== "constructor"));
}
const CLIENT_METHODS = new Set([...apiMethods(CoreV1Api), ...apiMethods(AppsV1Api), ...apiMethods(AuthorizationV1Api)]);

/**
 * Calls that need no rule in pns's manifests: the bootstrap role system:basic-user lets every authenticated identity
 * create SelfSubjectAccessReviews (kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), and
 * `/pns doctor` reads the namespace's Pod Security labels only where something else grants it, saying so otherwise.
 */
const GRANTED_ELSEWHERE = new Set(["createSelfSubjectAccessReview", "readNamespace"]);

/** The permission a client-node API method needs; throws for a method or kind the table does not know. */
function permissionOf(method: string): Permission {
  const m = /^(read|list|create|delete|patch|replace)(Namespaced)?([A-Z]\w*?)(ForAllNamespaces)?$/.exec(method);
  const kind = m ? KINDS[m[3] ?? ""] : undefined;
  const verb = m ? VERBS[m[1] ?? ""] : undefined;
  if (!m || !kind || !verb) throw new Error(`no RBAC entry for client-node's ${method}: add it to KINDS`);
  const clusterScoped = Boolean(m[4]) || (!m[2] && kind.resource === "namespaces");
  return { ...kind, verb, scope: clusterScoped ? "cluster" : "namespace", call: method };
}

/** Every permission the code in src/kube needs: API methods, streams and watch URLs found in its sources. */
function neededPermissions(): Permission[] {
  const found = new Map<string, Permission>();
  const add = (p: Permission) => found.set(`${p.call} ${p.verb} ${p.resource}`, p);
  for (const text of sources) {
    for (const [, method = ""] of text.matchAll(/\.(\w+)\(/g)) {
      if (CLIENT_METHODS.has(method)) add(permissionOf(method));
    }
    for (const [, helper = ""] of text.matchAll(/new (\w+)\(/g)) {
      const stream = STREAMS[helper];
      for (const verb of stream?.verbs ?? []) {
        add({ group: "", resource: stream?.resource ?? "", verb, scope: "namespace", call: `new ${helper}` });
      }
    }
    for (const [, path = ""] of text.matchAll(/\.watch\(\s*`([^`]+)`/g)) {
      const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/(namespaces\/\$\{[^}]+\}\/)?([a-z]+)$/.exec(path);
      if (!m) throw new Error(`no RBAC entry for the watch of ${path}`);
      add({
        group: m[1] ?? "",
        resource: m[3] ?? "",
        verb: "watch",
        scope: m[2] ? "namespace" : "cluster",
        call: `watch ${path.replace(/\$\{[^}]+\}/g, "{namespace}")}`,
      });
    }
  }
  return [...found.values()];
}

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
}
interface RbacObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string }[];
}

function manifest(file: string): RbacObject[] {
  const text = readFileSync(join(import.meta.dirname, "../../infra", file), "utf8");
  return parseAllDocuments(text).map((d) => d.toJS() as RbacObject);
}

const has = (list: string[] | undefined, value: string) => (list ?? []).some((x) => x === value || x === "*");
const grants = (rules: Rule[], p: Permission) =>
  rules.some(
    (r) =>
      !r.resourceNames?.length && has(r.apiGroups, p.group) && has(r.resources, p.resource) && has(r.verbs, p.verb),
  );
/** Every (group, resource, verb) a set of rules grants, for the least-privilege check. */
const granted = (rules: Rule[]) =>
  rules.flatMap((r) =>
    (r.apiGroups ?? []).flatMap((group) =>
      (r.resources ?? []).flatMap((resource) => (r.verbs ?? []).map((verb) => ({ group, resource, verb }))),
    ),
  );

const all = neededPermissions();
/** The calls the manifests must grant. */
const needed = all.filter((p) => !GRANTED_ELSEWHERE.has(p.call));
const key = (p: { group: string; resource: string; verb: string }) => `${p.group || "core"} ${p.resource} ${p.verb}`;

describe("the Kubernetes calls pns makes", () => {
  it("are exactly these (a new call must get an entry here and a rule in both manifests)", () => {
    expect(all.map((p) => `${p.call}: ${key(p)}${p.scope === "cluster" ? " (cluster)" : ""}`).sort()).toEqual(
      [
        "createNamespacedPod: core pods create",
        "createSelfSubjectAccessReview: authorization.k8s.io selfsubjectaccessreviews create",
        "listNamespacedService: core services list",
        "readNamespace: core namespaces get (cluster)",
        "deleteNamespacedPod: core pods delete",
        "listNamespacedEvent: core events list",
        "listNamespacedPod: core pods list",
        "listPodForAllNamespaces: core pods list (cluster)",
        "new Exec: core pods/exec create",
        "new Exec: core pods/exec get",
        "new Log: core pods/log get",
        "patchNamespacedPodEphemeralcontainers: core pods/ephemeralcontainers patch",
        "readNamespacedDaemonSet: apps daemonsets get",
        "readNamespacedDeployment: apps deployments get",
        "readNamespacedPersistentVolumeClaim: core persistentvolumeclaims get",
        "readNamespacedPod: core pods get",
        "readNamespacedReplicaSet: apps replicasets get",
        "readNamespacedStatefulSet: apps statefulsets get",
        "watch /api/v1/namespaces/{namespace}/pods: core pods watch",
      ].sort(),
    );
  });

  it("use only the core and apps clients", () => {
    const clients = sources.flatMap((t) => [...t.matchAll(/makeApiClient\((\w+)\)/g)].map((m) => m[1]));
    expect(new Set(clients)).toEqual(new Set(["CoreV1Api", "AppsV1Api", "AuthorizationV1Api"]));
  });
});

describe("infra/rbac.yaml (ClusterRole, bound cluster-wide)", () => {
  const objects = manifest("rbac.yaml");
  const role = objects.find((o) => o.kind === "ClusterRole");
  const binding = objects.find((o) => o.kind === "ClusterRoleBinding");
  const rules = role?.rules ?? [];

  it("grants every call pns makes", () => {
    expect(needed.filter((p) => !grants(rules, p)).map(key)).toEqual([]);
  });

  it("grants nothing pns does not use", () => {
    const used = new Set(needed.map(key));
    expect(
      granted(rules)
        .map(key)
        .filter((k) => !used.has(k)),
    ).toEqual([]);
    expect(rules.flatMap((r) => [...(r.apiGroups ?? []), ...(r.resources ?? []), ...(r.verbs ?? [])])).not.toContain(
      "*",
    );
  });

  it("binds the ClusterRole to the group EKS maps pns's role to", () => {
    expect(binding?.roleRef).toMatchObject({ kind: "ClusterRole", name: role?.metadata.name });
    expect(binding?.subjects).toEqual([expect.objectContaining({ kind: "Group", name: "pns-debuggers" })]);
  });
});

describe("infra/rbac-namespaced.yaml (Role and RoleBinding per namespace)", () => {
  const objects = manifest("rbac-namespaced.yaml");
  const role = objects.find((o) => o.kind === "Role");
  const binding = objects.find((o) => o.kind === "RoleBinding");
  const rules = role?.rules ?? [];
  const text = readFileSync(join(import.meta.dirname, "../../infra/rbac-namespaced.yaml"), "utf8");

  it("grants every call pns makes in a namespace", () => {
    expect(needed.filter((p) => p.scope === "namespace" && !grants(rules, p)).map(key)).toEqual([]);
  });

  it("leaves only the listing across namespaces (glob bindings) to the ClusterRole, and says so", () => {
    expect(needed.filter((p) => p.scope === "cluster").map((p) => p.call)).toEqual(["listPodForAllNamespaces"]);
    expect(text).toMatch(/bind channels to namespaces by name, not glob/);
  });

  it("grants nothing pns does not use", () => {
    const used = new Set(needed.map(key));
    expect(
      granted(rules)
        .map(key)
        .filter((k) => !used.has(k)),
    ).toEqual([]);
  });

  it("is namespaced, in one namespace, never kube-system, and warns against it", () => {
    expect(role?.metadata.namespace).toBeTruthy();
    expect(binding?.metadata.namespace).toBe(role?.metadata.namespace);
    expect(role?.metadata.namespace).not.toBe("kube-system");
    expect(text).toMatch(/Never bind pns in kube-system/);
    expect(binding?.roleRef).toMatchObject({ kind: "Role", name: role?.metadata.name });
    expect(binding?.subjects).toEqual([expect.objectContaining({ kind: "Group", name: "pns-debuggers" })]);
  });
});

describe("both manifests", () => {
  it.each(["rbac.yaml", "rbac-namespaced.yaml"])(
    "%s grants no pods/ephemeralcontainers get or update, no apps list, no namespaces",
    (file) => {
      const rules = manifest(file).flatMap((o) => o.rules ?? []);
      const keys = granted(rules).map(key);
      expect(keys).not.toContain("core pods/ephemeralcontainers get");
      expect(keys).not.toContain("core pods/ephemeralcontainers update");
      expect(keys.filter((k) => k.startsWith("apps ") && k.endsWith(" list"))).toEqual([]);
      expect(keys.filter((k) => k.startsWith("core namespaces"))).toEqual([]);
    },
  );
});
