import {
  AuthorizationV1Api,
  type CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
} from "@kubernetes/client-node";
import type { DebugConfig } from "../core/config/types.js";
import {
  type AccessCheck,
  type DenialEvent,
  type DoctorFacts,
  isDenialMessage,
  podSecurityLabels,
} from "../core/doctor/diagnose.js";
import { scriptArgv } from "../core/process/scripts.js";
import { securityContextFor, targetIdentity } from "./debug-profiles.js";
import { buildEphemeralContainer, chooseTargetContainer } from "./debug-spec.js";
import { httpCodeOf, oneLine, statusOf } from "./kube-errors.js";
import { DEBUG_CONTAINER_PREFIX } from "./labels.js";
import { execInContainer } from "./pod-exec.js";

/** What pns asks the API server it may do in the pod's namespace: every verb its commands use there. */
export const NEEDED_ACCESS: readonly Omit<AccessCheck, "allowed" | "reason">[] = [
  { verb: "get", resource: "pods", group: "", purpose: "read the pod", required: true },
  { verb: "list", resource: "pods", group: "", purpose: "find pods by workload or label", required: true },
  { verb: "watch", resource: "pods", group: "", purpose: "wait for its debug container to start", required: true },
  {
    verb: "patch",
    resource: "pods/ephemeralcontainers",
    group: "",
    purpose: "add its ephemeral debug container",
    required: true,
  },
  {
    verb: "create",
    resource: "pods/exec",
    group: "",
    purpose: "run its scripts in the debug container",
    required: true,
  },
  { verb: "get", resource: "pods/exec", group: "", purpose: "open the exec stream (a WebSocket GET)", required: true },
  { verb: "create", resource: "pods", group: "", purpose: "make debug copies (`--copy`)", required: false },
  { verb: "delete", resource: "pods", group: "", purpose: "delete expired debug copies", required: false },
  { verb: "list", resource: "events", group: "", purpose: "say why a debug container waits", required: false },
  {
    verb: "list",
    resource: "services",
    group: "",
    purpose: "compare ports with Services (`/pns ports`)",
    required: false,
  },
  { verb: "get", resource: "deployments", group: "apps", purpose: "resolve `deploy/…` targets", required: false },
];

const authz = new WeakMap<KubeConfig, AuthorizationV1Api>();

/** Asks one SelfSubjectAccessReview per needed verb, in parallel. */
export async function reviewAccess(kc: KubeConfig, namespace: string): Promise<AccessCheck[]> {
  let api = authz.get(kc);
  if (!api) {
    api = kc.makeApiClient(AuthorizationV1Api);
    authz.set(kc, api);
  }
  const client = api;
  return Promise.all(
    NEEDED_ACCESS.map(async (need): Promise<AccessCheck> => {
      const [resource = "", subresource] = need.resource.split("/");
      try {
        const review = await client.createSelfSubjectAccessReview({
          body: {
            apiVersion: "authorization.k8s.io/v1",
            kind: "SelfSubjectAccessReview",
            spec: {
              resourceAttributes: {
                namespace,
                verb: need.verb,
                group: need.group,
                resource,
                ...(subresource ? { subresource } : {}),
              },
            },
          },
        });
        const s = review.status;
        return { ...need, allowed: s?.allowed === true, reason: s?.reason || s?.evaluationError || null };
      } catch (err) {
        return { ...need, allowed: null, reason: oneLine(statusOf(err)?.message ?? String(err), 200) };
      }
    }),
  );
}

/** What the doctor needs besides the pod: the clients, the debug settings and the clock. */
export interface DoctorDeps {
  kc: KubeConfig;
  core: CoreV1Api;
  debug: DebugConfig;
  now: () => number;
}

/** Reads everything `/pns doctor` reports about a pod: API reads, a dry run, and one exec when a debug container runs. */
export async function doctorFacts(
  deps: DoctorDeps,
  pod: V1Pod,
  options: { container: string | null; copy: boolean },
): Promise<DoctorFacts> {
  const started = deps.now();
  const namespace = pod.metadata?.namespace ?? "default";
  const name = pod.metadata?.name ?? "";
  const spec = pod.spec;
  const shares = spec?.shareProcessNamespace === true;
  const strategy = options.copy || deps.debug.strategy === "copy" ? "copy" : shares ? "shared" : "ephemeral";
  const targetContainer = strategy === "ephemeral" ? chooseTargetContainer(pod, options.container) : null;
  const identity = targetIdentity(pod, chooseTargetContainer(pod, options.container));
  const target = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].find(
    (c) => c.name === chooseTargetContainer(pod, options.container),
  );
  const runAsNonRoot = target?.securityContext?.runAsNonRoot ?? spec?.securityContext?.runAsNonRoot ?? null;

  const [access, nsRead, events] = await Promise.all([
    reviewAccess(deps.kc, namespace),
    deps.core
      .readNamespace({ name: namespace })
      .then((ns) => ({ labels: ns.metadata?.labels ?? {}, problem: null }))
      .catch((err: unknown) => ({
        labels: null,
        problem:
          httpCodeOf(err) === 403
            ? "pns may not get namespaces (RBAC)"
            : oneLine(statusOf(err)?.message ?? String(err), 200),
      })),
    deps.core
      .listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${name}` })
      .then((l) => l.items)
      .catch(() => null),
  ]);

  const mayPatch = access.find((a) => a.resource === "pods/ephemeralcontainers")?.allowed === true;
  let dryRun: DoctorFacts["dryRun"] = null;
  if (strategy !== "copy" && mayPatch && spec) {
    const container = buildEphemeralContainer(
      {
        name: `${DEBUG_CONTAINER_PREFIX}-doctor`,
        image: deps.debug.image,
        lifetimeSeconds: 60,
        securityContext: securityContextFor(deps.debug.profile, identity),
      },
      targetContainer,
    );
    try {
      // dryRun=All: validation and admission run, nothing is stored (apiserver handlers/patch.go, `isDryRun`).
      await deps.core.patchNamespacedPodEphemeralcontainers(
        { name, namespace, dryRun: "All", body: { spec: { ephemeralContainers: [container] } } },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      );
      dryRun = { admitted: true };
    } catch (err) {
      dryRun = { admitted: false, message: oneLine(statusOf(err)?.message ?? String(err), 400) };
    }
  }

  const ephemeral = (spec?.ephemeralContainers ?? []).filter((c) => c.name.startsWith(DEBUG_CONTAINER_PREFIX));
  const statuses = new Map((pod.status?.ephemeralContainerStatuses ?? []).map((s) => [s.name, s]));
  const runningDebug = ephemeral.filter((c) => statuses.get(c.name)?.state?.running);

  let exec: DoctorFacts["exec"] = null;
  const live = runningDebug[0];
  if (live) {
    const t0 = deps.now();
    try {
      const result = await execInContainer(
        deps.kc,
        { namespace, pod: name, container: live.name },
        scriptArgv("true"),
        // The commands' own limit: a loaded node answers slowly (the view shows how long), it does not fail.
        { timeoutMs: deps.debug.execTimeoutMs, maxBytes: 64 },
      );
      exec =
        result.exitCode === 0
          ? { ok: true, ms: deps.now() - t0 }
          : { ok: false, message: `exit ${result.exitCode}: ${oneLine(result.stderr) || "no output"}` };
    } catch (err) {
      exec = { ok: false, message: oneLine(err instanceof Error ? err.message : String(err), 200) };
    }
  }

  const nodeOs = spec?.os?.name ?? spec?.nodeSelector?.["kubernetes.io/os"] ?? null;
  const denials: DenialEvent[] | null =
    events === null
      ? null
      : events
          .filter((e) => isDenialMessage(e.reason ?? "", e.message ?? ""))
          .map((e) => {
            const at = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
            return {
              reason: e.reason ?? "",
              message: oneLine(e.message ?? "", 300),
              at: at ? new Date(at).getTime() : null,
              count: e.count ?? 1,
            };
          })
          .sort((a, b) => (b.at ?? 0) - (a.at ?? 0));

  return {
    namespace,
    pod: name,
    phase: pod.status?.phase ?? "Unknown",
    access,
    podSecurity: nsRead.labels ? podSecurityLabels(nsRead.labels) : null,
    podSecurityProblem: nsRead.problem,
    dryRun,
    profile: deps.debug.profile,
    strategy,
    targetContainer,
    targetUid: identity.uid,
    runAsNonRoot,
    hostUsers: spec?.hostUsers ?? null,
    hostPID: spec?.hostPID === true,
    shareProcessNamespace: shares,
    os: nodeOs,
    nativeSidecars: (spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always").map((c) => c.name),
    debugContainers: { total: ephemeral.length, running: runningDebug.length, max: deps.debug.maxEphemeralContainers },
    denials,
    exec,
    elapsedMs: deps.now() - started,
  };
}
