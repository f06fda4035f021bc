/** Services of the simulator: stored as given, listed per namespace, and answered by SelfSubjectAccessReview. */
import { authorized, type RbacPolicy } from "./rbac.js";
import type { Json, World } from "./world.js";

const byWorld = new WeakMap<World, Json[]>();

/** The Services of a world (created on first use). */
export function servicesOf(world: World): Json[] {
  let list = byWorld.get(world);
  if (!list) {
    list = [];
    byWorld.set(world, list);
  }
  return list;
}

/** Adds a Service (`metadata.name`, `spec.selector`, `spec.ports`) to a namespace, as `kubectl apply` would. */
export function addService(world: World, namespace: string, service: Json): Json {
  const obj: Json = {
    kind: "Service",
    apiVersion: "v1",
    ...structuredClone(service),
    metadata: {
      ...service.metadata,
      namespace,
      uid: `svc-${namespace}-${service.metadata?.name}`,
      resourceVersion: world.currentRv(),
      creationTimestamp: new Date(0).toISOString(),
    },
  };
  // core/v1 defaulting (pkg/apis/core/v1/defaults.go SetDefaults_Service): protocol TCP, targetPort = port.
  obj.spec.type ??= "ClusterIP";
  obj.spec.ports = (obj.spec.ports ?? []).map((p: Json) => ({
    protocol: "TCP",
    ...p,
    targetPort: p.targetPort ?? p.port,
  }));
  servicesOf(world).push(obj);
  return obj;
}

/** `GET /api/v1/[namespaces/{ns}/]services`. */
export function listServices(world: World, namespace: string | null): Json {
  const items = servicesOf(world).filter((s) => namespace === null || s.metadata.namespace === namespace);
  return { kind: "ServiceList", apiVersion: "v1", metadata: { resourceVersion: world.currentRv() }, items };
}

/**
 * `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews`: the authorizer's answer for the token's own user
 * (kubernetes pkg/registry/authorization/selfsubjectaccessreview/rest.go); every request is allowed when the
 * simulator enforces no RBAC.
 */
export function selfSubjectAccessReview(rbac: RbacPolicy | null, body: Json): Json {
  const ra = body?.spec?.resourceAttributes;
  if (!ra) {
    return {
      ...body,
      status: { allowed: false, reason: "", evaluationError: "only resourceAttributes reviews are simulated" },
    };
  }
  const attrs = {
    verb: String(ra.verb ?? ""),
    group: String(ra.group ?? ""),
    resource: ra.subresource ? `${ra.resource}/${ra.subresource}` : String(ra.resource ?? ""),
    namespace: ra.namespace ? String(ra.namespace) : null,
    name: ra.name ? String(ra.name) : null,
  };
  const allowed = rbac === null || authorized(rbac, attrs);
  // The RBAC authorizer's reason names the binding that allowed it (plugin/pkg/auth/authorizer/rbac `RuleAllows`).
  const reason = allowed ? (rbac === null ? "no RBAC enforced" : `RBAC: allowed by ${rbac.user}'s roles`) : "";
  return {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    metadata: { creationTimestamp: null },
    spec: body.spec,
    status: { allowed, ...(reason ? { reason } : {}) },
  };
}
