import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { failureStatus, StatusError } from "./status.js";

/** One rule of a Role or ClusterRole. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** The rules an identity holds: cluster-wide (ClusterRole) or in one namespace (Role). */
export interface RbacPolicy {
  /** The user the simulator's token authenticates as, as forbidden messages name it. */
  user: string;
  grants: { namespace: string | null; rule: PolicyRule }[];
}

/** What the authorizer is asked about one request (kubernetes apiserver `authorizer.Attributes`). */
export interface RequestAttributes {
  verb: string;
  group: string;
  /** `pods`, or `pods/exec` with its subresource. */
  resource: string;
  namespace: string | null;
  name: string | null;
}

/** Reads the Roles and ClusterRoles of a manifest (other kinds, bindings included, are ignored: all are bound). */
export function loadRbac(path: string, user = "system:serviceaccount:pns:pns"): RbacPolicy {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`cannot read the RBAC manifest ${path}: ${(e as Error).message}`);
  }
  const grants: RbacPolicy["grants"] = [];
  for (const doc of parseAllDocuments(text)) {
    const o = doc.toJS() as { kind?: string; metadata?: { namespace?: string }; rules?: PolicyRule[] } | null;
    if (!o || (o.kind !== "Role" && o.kind !== "ClusterRole")) continue;
    const namespace = o.kind === "Role" ? (o.metadata?.namespace ?? "default") : null;
    for (const rule of o.rules ?? []) grants.push({ namespace, rule });
  }
  if (grants.length === 0) throw new Error(`the RBAC manifest ${path} has no Role or ClusterRole rules`);
  return { user, grants };
}

const SELF_REVIEWS = new Set(["selfsubjectaccessreviews", "selfsubjectrulesreviews"]);

const VERBS: Record<string, string> = { POST: "create", PUT: "update", PATCH: "patch", DELETE: "delete" };

/**
 * The authorizer's attributes of a resource request, or null for a non-resource one (discovery, version, health),
 * which every authenticated user may make (the `system:discovery` role).
 */
export function attributesOf(method: string, url: URL): RequestAttributes | null {
  const seg = url.pathname.replace(/\/+$/, "").split("/").slice(1).map(decodeURIComponent);
  let rest: string[];
  let group: string;
  if (seg[0] === "api" && seg[1] === "v1") {
    group = "";
    rest = seg.slice(2);
  } else if (seg[0] === "apis" && seg.length >= 4) {
    group = seg[1] ?? "";
    rest = seg.slice(3);
  } else return null;
  let namespace: string | null = null;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1] ?? null;
    rest = rest.slice(2);
  }
  const [resource, name = null, sub] = rest;
  if (!resource) return null;
  const watch = ["1", "true"].includes(url.searchParams.get("watch") ?? "");
  let verb = VERBS[method] ?? "get";
  if (method === "GET") verb = name === null ? (watch ? "watch" : "list") : "get";
  // A namespace object is cluster-scoped: GET /api/v1/namespaces/x is `get namespaces x`.
  if (resource === "namespaces" && name !== null && sub === undefined && namespace === null)
    return { verb, group, resource, namespace: null, name };
  return { verb, group, resource: sub ? `${resource}/${sub}` : resource, namespace, name };
}

function allows(rule: PolicyRule, a: RequestAttributes): boolean {
  const any = (xs: string[] | undefined, x: string) => (xs ?? []).some((v) => v === "*" || v === x);
  if (!any(rule.apiGroups, a.group) || !any(rule.verbs, a.verb) || !any(rule.resources, a.resource)) return false;
  return !rule.resourceNames?.length || (a.name !== null && rule.resourceNames.includes(a.name));
}

/** True when some grant of the policy covers the request (kubernetes plugin/pkg/auth/authorizer/rbac `RuleAllows`). */
export function authorized(policy: RbacPolicy, a: RequestAttributes): boolean {
  // The bootstrap role system:basic-user, bound to system:authenticated, lets anyone review its own access
  // (kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go).
  if (a.group === "authorization.k8s.io" && a.verb === "create" && SELF_REVIEWS.has(a.resource)) return true;
  return policy.grants.some((g) => (g.namespace === null || g.namespace === a.namespace) && allows(g.rule, a));
}

/**
 * The API server's 403 for a request RBAC denies (kubernetes apiserver endpoints/handlers/responsewriters
 * `forbiddenMessage`): `pods "x" is forbidden: User "u" cannot patch resource "pods/ephemeralcontainers" in API group
 * "" in the namespace "default"`.
 */
export function forbidden(policy: RbacPolicy, a: RequestAttributes): StatusError {
  const [resource = "", sub] = a.resource.split("/");
  const what = a.name !== null ? `${resource} "${a.name}"` : resource;
  const subject = sub ? `resource "${resource}/${sub}"` : `resource "${resource}"`;
  const scope = a.namespace !== null ? `in the namespace "${a.namespace}"` : "at the cluster scope";
  const message = `${what} is forbidden: User "${policy.user}" cannot ${a.verb} ${subject} in API group "${a.group}" ${scope}`;
  return new StatusError(
    failureStatus(403, message, "Forbidden", {
      ...(a.name !== null ? { name: a.name } : {}),
      group: a.group,
      kind: resource,
    }),
  );
}
