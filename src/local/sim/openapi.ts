import { failureStatus, StatusError } from "./status.js";
import type { Json } from "./world.js";

/**
 * The fields of the kinds the simulator validates, as a tree: a name maps to its sub-fields (objects), to `[fields]`
 * (lists of objects), or to null (a value, or a free-form map such as labels). From kubernetes api/openapi-spec
 * (core/v1 Pod), trimmed to what pods use.
 */
type Fields = { [name: string]: Fields | [Fields] | null };

const v = null;
const envVar: Fields = { name: v, value: v, valueFrom: v };
const resources: Fields = { limits: v, requests: v, claims: v };
const capabilities: Fields = { add: v, drop: v };
const securityContext: Fields = {
  allowPrivilegeEscalation: v,
  appArmorProfile: v,
  capabilities,
  privileged: v,
  procMount: v,
  readOnlyRootFilesystem: v,
  runAsGroup: v,
  runAsNonRoot: v,
  runAsUser: v,
  seLinuxOptions: v,
  seccompProfile: { type: v, localhostProfile: v },
  windowsOptions: v,
};
const probe: Fields = {
  exec: v,
  httpGet: v,
  tcpSocket: v,
  grpc: v,
  initialDelaySeconds: v,
  periodSeconds: v,
  timeoutSeconds: v,
  successThreshold: v,
  failureThreshold: v,
  terminationGracePeriodSeconds: v,
};
const container: Fields = {
  name: v,
  image: v,
  imagePullPolicy: v,
  command: v,
  args: v,
  workingDir: v,
  env: [envVar],
  envFrom: v,
  ports: [{ containerPort: v, hostPort: v, hostIP: v, name: v, protocol: v }],
  resources,
  resizePolicy: v,
  restartPolicy: v,
  securityContext,
  stdin: v,
  stdinOnce: v,
  tty: v,
  targetContainerName: v,
  terminationMessagePath: v,
  terminationMessagePolicy: v,
  volumeMounts: v,
  volumeDevices: v,
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle: v,
};
const podSpec: Fields = {
  activeDeadlineSeconds: v,
  affinity: v,
  automountServiceAccountToken: v,
  containers: [container],
  dnsConfig: v,
  dnsPolicy: v,
  enableServiceLinks: v,
  ephemeralContainers: [container],
  hostAliases: v,
  hostIPC: v,
  hostNetwork: v,
  hostPID: v,
  hostUsers: v,
  hostname: v,
  imagePullSecrets: v,
  initContainers: [container],
  nodeName: v,
  nodeSelector: v,
  os: v,
  overhead: v,
  preemptionPolicy: v,
  priority: v,
  priorityClassName: v,
  readinessGates: v,
  restartPolicy: v,
  runtimeClassName: v,
  schedulerName: v,
  securityContext: {
    fsGroup: v,
    fsGroupChangePolicy: v,
    runAsGroup: v,
    runAsNonRoot: v,
    runAsUser: v,
    seLinuxOptions: v,
    seccompProfile: { type: v, localhostProfile: v },
    supplementalGroups: v,
    sysctls: v,
    appArmorProfile: v,
    windowsOptions: v,
  },
  serviceAccount: v,
  serviceAccountName: v,
  setHostnameAsFQDN: v,
  shareProcessNamespace: v,
  subdomain: v,
  terminationGracePeriodSeconds: v,
  tolerations: v,
  topologySpreadConstraints: v,
  volumes: v,
};
const objectMeta: Fields = {
  name: v,
  generateName: v,
  namespace: v,
  labels: v,
  annotations: v,
  uid: v,
  resourceVersion: v,
  generation: v,
  creationTimestamp: v,
  deletionTimestamp: v,
  deletionGracePeriodSeconds: v,
  ownerReferences: v,
  finalizers: v,
  managedFields: v,
};
const POD: Fields = { apiVersion: v, kind: v, metadata: objectMeta, spec: podSpec, status: v };

/** Unknown fields of an object against a field tree, as JSON paths (`spec.containers[0].imagee`). */
function unknownFields(obj: Json, fields: Fields, at: string, out: string[]): void {
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return;
  for (const [k, val] of Object.entries(obj)) {
    const path = at ? `${at}.${k}` : k;
    if (!Object.hasOwn(fields, k)) {
      out.push(path);
      continue;
    }
    const sub = fields[k];
    if (sub === null || sub === undefined) continue;
    if (Array.isArray(sub)) {
      if (Array.isArray(val)) for (const [i, item] of val.entries()) unknownFields(item, sub[0], `${path}[${i}]`, out);
    } else unknownFields(val, sub, path, out);
  }
}

/**
 * Server-side field validation of a Pod (`?fieldValidation=Strict|Warn|Ignore`, the API server's default Warn): an
 * unknown field is a 400 under Strict (kubernetes apiserver `strict decoding error`), else dropped; returns warnings.
 */
export function validatePodFields(body: Json, mode: string | null): string[] {
  const unknown: string[] = [];
  unknownFields(body, POD, "", unknown);
  if (unknown.length === 0) return [];
  const list = unknown.map((u) => `unknown field "${u}"`);
  if ((mode ?? "").toLowerCase() === "strict")
    throw new StatusError(
      failureStatus(
        400,
        `Pod in version "v1" cannot be handled as a Pod: strict decoding error: ${list.join(", ")}`,
        "BadRequest",
      ),
    );
  return mode?.toLowerCase() === "ignore" ? [] : list;
}

const PARAMS = ["dryRun", "fieldManager", "fieldValidation"].map((name) => ({
  name,
  in: "query",
  schema: { type: "string", uniqueItems: true },
}));

/** `GET /openapi/v3`: the index of the OpenAPI v3 documents (one per group version). */
export function openapiIndex(): object {
  return {
    paths: {
      "api/v1": { serverRelativeURL: "/openapi/v3/api/v1?hash=SIM1" },
      "apis/apps/v1": { serverRelativeURL: "/openapi/v3/apis/apps/v1?hash=SIM1" },
    },
  };
}

/**
 * `GET /openapi/v3/api/v1`: the pod paths with their operations and query parameters, which is what kubectl reads to
 * use server-side field validation (kubernetes cli-runtime resource/query_param_verifier_v3.go).
 */
export function openapiCoreV1(): object {
  const gvk = { group: "", version: "v1", kind: "Pod" };
  const op = (action: string) => ({
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": gvk,
    parameters: PARAMS,
    responses: { "200": { description: "OK" } },
  });
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.31.0" },
    paths: {
      "/api/v1/namespaces/{namespace}/pods": { post: op("post") },
      "/api/v1/namespaces/{namespace}/pods/{name}": { patch: op("patch"), put: op("put") },
    },
    components: { schemas: {} },
  };
}

/** `GET /openapi/v3/apis/apps/v1`: no writable paths (the simulator's workloads are read-only). */
export function openapiAppsV1(): object {
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.31.0" },
    paths: {},
    components: { schemas: {} },
  };
}
