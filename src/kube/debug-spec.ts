import { createHash } from "node:crypto";
import type {
  V1Affinity,
  V1Container,
  V1EphemeralContainer,
  V1LabelSelector,
  V1Pod,
  V1PodAffinityTerm,
  V1SecurityContext,
  V1WeightedPodAffinityTerm,
} from "@kubernetes/client-node";
import type { CopyRisk, DebugResources } from "../core/config/types.js";
import { sameSecurityContext } from "./debug-profiles.js";
import {
  COPY_NAME_INFIX,
  COPY_OF_ANNOTATION,
  DEBUG_CONTAINER_PREFIX,
  DEFAULT_CONTAINER_ANNOTATION,
  EXPIRES_AT_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  PNS_ANNOTATION_PREFIX,
  REQUESTED_BY_ANNOTATION,
} from "./labels.js";

/** What every debug container pns builds has. */
export interface DebugContainerOptions {
  name: string;
  image: string;
  /** Seconds the container lives: it runs `sleep <lifetime>` and ends by itself. */
  lifetimeSeconds: number;
  securityContext: V1SecurityContext | undefined;
}

/** The debug container both strategies run: `sleep <lifetime>`, so it ends by itself. */
function debugContainer(options: DebugContainerOptions): V1Container {
  const container: V1Container = {
    name: options.name,
    image: options.image,
    command: ["sleep", String(options.lifetimeSeconds)],
    imagePullPolicy: "IfNotPresent",
    terminationMessagePolicy: "File",
  };
  if (options.securityContext) container.securityContext = options.securityContext;
  return container;
}

/** `pns-debug-<id>`. */
export function debugContainerName(shortId: string): string {
  return `${DEBUG_CONTAINER_PREFIX}-${shortId}`;
}

/**
 * The one name of the copy of a pod: five characters from a hash of its namespace, name and UID, so every pns
 * worker that copies this pod names the copy alike (a second create gets 409 AlreadyExists and reuses the first).
 */
export function copyNameSuffix(source: V1Pod): string {
  const m = source.metadata ?? {};
  const digest = createHash("sha256")
    .update(`${m.namespace ?? ""}/${m.name ?? ""}/${m.uid ?? ""}`)
    .digest();
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return Array.from(digest.subarray(0, 5), (b) => alphabet[b % alphabet.length]).join("");
}

/** True for a name pns gives its copies (`<pod>-pns-<id>`): one of the two marks, with the recorded UID, of pns's copy. */
export function isCopyName(name: string): boolean {
  return new RegExp(`.${COPY_NAME_INFIX}[a-z0-9]{5}$`).test(name);
}

/** One part of a pod spec that a copy would take from its source and that `debug.copy.allow` must name. */
export interface CopyHazard {
  risk: CopyRisk;
  /** What in the spec, for the refusal: "hostPath volume root (/ on the node)". */
  what: string;
}

// pkg/apis/core/types.go VolumeSource: the sources that reach storage outside the pod (a second writer to it).
const SHARED_VOLUME_SOURCES = [
  "persistentVolumeClaim",
  "nfs",
  "iscsi",
  "rbd",
  "cephfs",
  "glusterfs",
  "fc",
  "flexVolume",
  "azureFile",
  "azureDisk",
  "awsElasticBlockStore",
  "gcePersistentDisk",
  "cinder",
  "portworxVolume",
  "quobyte",
  "storageos",
  "vsphereVolume",
  "photonPersistentDisk",
  "scaleIO",
] as const;

/** The init containers a copy runs: all of them when `initContainers`, else only native sidecars (restartPolicy Always). */
export function copiedInitContainers(source: V1Pod, initContainers: boolean): V1Container[] {
  const all = source.spec?.initContainers ?? [];
  return initContainers ? all : all.filter((c) => c.restartPolicy === "Always");
}

/** The source's init containers a copy leaves out (they run to completion: migrations, schema setup). */
export function skippedInitContainers(source: V1Pod, initContainers: boolean): string[] {
  const kept = new Set(copiedInitContainers(source, initContainers).map((c) => c.name));
  return (source.spec?.initContainers ?? []).filter((c) => !kept.has(c.name)).map((c) => c.name);
}

/**
 * What in the source's spec a copy must not take unless allowed: hostPath volumes, privileged containers (or
 * SYS_ADMIN/ALL added), the host's network, PID or IPC namespace, and claims or network volumes a copied container
 * mounts writable. `initContainers` says whether the copy runs the source's init containers (their mounts count).
 */
export function copyHazards(source: V1Pod, initContainers: boolean): CopyHazard[] {
  const spec = source.spec;
  if (!spec) return [];
  const hazards: CopyHazard[] = [];
  for (const key of ["hostNetwork", "hostPID", "hostIPC"] as const) {
    if (spec[key]) hazards.push({ risk: "hostNamespaces", what: `${key}: true` });
  }
  const containers = [...copiedInitContainers(source, initContainers), ...spec.containers];
  for (const c of containers) {
    const sc = c.securityContext;
    if (sc?.privileged) hazards.push({ risk: "privileged", what: `container ${c.name} runs privileged` });
    const added = (sc?.capabilities?.add ?? []).filter((cap) => ["ALL", "SYS_ADMIN", "CAP_SYS_ADMIN"].includes(cap));
    if (added.length > 0) hazards.push({ risk: "privileged", what: `container ${c.name} adds ${added.join(", ")}` });
  }
  for (const v of spec.volumes ?? []) {
    if (v.hostPath) {
      hazards.push({ risk: "hostPath", what: `hostPath volume ${v.name} (${v.hostPath.path} on the node)` });
      continue;
    }
    const kind = SHARED_VOLUME_SOURCES.find((k) => v[k] !== undefined);
    if (!kind) continue;
    if ((v[kind] as { readOnly?: boolean }).readOnly === true) continue;
    const writers = containers.filter((c) => (c.volumeMounts ?? []).some((m) => m.name === v.name && !m.readOnly));
    if (writers.length === 0) continue;
    const source = kind === "persistentVolumeClaim" ? `claim ${v.persistentVolumeClaim?.claimName}` : kind;
    hazards.push({
      risk: "writableVolumes",
      what: `volume ${v.name} (${source}) mounted writable by ${writers.map((c) => c.name).join(", ")}`,
    });
  }
  return hazards;
}

/** `<pod>-pns-<id>`, cut to the 63 characters a pod's hostname allows. */
export function copyPodName(pod: string, shortId: string): string {
  const suffix = `${COPY_NAME_INFIX}${shortId}`;
  return `${pod.slice(0, 63 - suffix.length).replace(/[-.]+$/, "")}${suffix}`;
}

/**
 * The container an ephemeral debug container targets: `-c` (a container, an init container or a native sidecar:
 * `targetContainerName` may name any of them), else the default-container annotation, else the first container.
 */
export function chooseTargetContainer(pod: V1Pod, requested?: string | null): string | null {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  const initNames = (pod.spec?.initContainers ?? []).map((c) => c.name);
  if (requested) return names.includes(requested) || initNames.includes(requested) ? requested : null;
  const annotated = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && names.includes(annotated)) return annotated;
  return names[0] ?? null;
}

/** The ephemeral debug container: `sleep <lifetime>`, with or without a target container. */
export function buildEphemeralContainer(
  options: DebugContainerOptions,
  targetContainerName: string | null,
): V1EphemeralContainer {
  const container: V1EphemeralContainer = { ...debugContainer(options), stdin: false, tty: false };
  if (targetContainerName) container.targetContainerName = targetContainerName;
  return container;
}

/** Who asked for a copy, and until when it may live. */
export interface CopyMetadata {
  requestedBy: string;
  expiresAt: string;
}

/** How a copy is built besides its debug container. */
export interface CopyOptions {
  debug: DebugContainerOptions;
  /** Requests and limits of the debug container (a quota on cpu or memory requires them on every container). */
  resources: DebugResources;
  meta: CopyMetadata;
  /** The node the copy must run on (the source's); null lets the scheduler choose. */
  nodeName: string | null;
  /**
   * The debug container as a native sidecar (`initContainers[0]`, `restartPolicy: Always`, Kubernetes 1.29+): it
   * starts before the source's init and app containers, so a copy whose app cannot start still gets one. False
   * appends it to the containers, for clusters whose API server drops `restartPolicy` on init containers.
   */
  sidecar: boolean;
  /** Run the source's init containers again (`debug.copy.initContainers`); else only its native sidecars stay. */
  initContainers: boolean;
}

/**
 * Annotations a copy does not keep, each describing the source object rather than what runs in it. Every other
 * annotation stays: admission webhooks read them (`sidecar.istio.io/status` keeps Istio from injecting a second proxy
 * into a copy that already has one; Vault's and Linkerd's markers likewise), as do AppArmor, seccomp and
 * `kubectl.kubernetes.io/default-container`.
 */
export const DROPPED_ANNOTATIONS: readonly string[] = [
  // kubectl apply's record of the source object: an apply diff against the copy would be wrong, and it is large.
  "kubectl.kubernetes.io/last-applied-configuration",
  // `kubectl rollout restart`'s stamp of the source's template.
  "kubectl.kubernetes.io/restartedAt",
  // Controller bookkeeping of the source's owners: revisions and the ReplicaSet's scale-down order.
  "deployment.kubernetes.io/revision",
  "deprecated.daemonset.template.generation",
  "controller.kubernetes.io/pod-deletion-cost",
  // A static pod's kubelet bookkeeping (its mirror pod): a copy is an ordinary API pod.
  "kubernetes.io/config.mirror",
  "kubernetes.io/config.hash",
  "kubernetes.io/config.seen",
  "kubernetes.io/config.source",
];

/** True when a label selector selects these labels (the API's rules: null selects nothing, `{}` everything). */
export function selectsLabels(selector: V1LabelSelector | null | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const inValues = has && (e.values ?? []).includes(value ?? "");
    if (e.operator === "In" && !inValues) return false;
    if (e.operator === "NotIn" && inValues) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

/** True when a pod (anti-)affinity term or spread constraint counts the source's own pods. */
function selectsSource(
  term: { labelSelector?: V1LabelSelector | null; namespaces?: string[] | null; namespaceSelector?: unknown },
  labels: Record<string, string>,
  namespace: string,
): boolean {
  const sameNamespace =
    !term.namespaces?.length || term.namespaces.includes(namespace) || Boolean(term.namespaceSelector);
  return sameNamespace && selectsLabels(term.labelSelector, labels);
}

/** What V1PodAffinity and V1PodAntiAffinity have in common. */
interface PodAffinityTerms {
  requiredDuringSchedulingIgnoredDuringExecution?: V1PodAffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: V1WeightedPodAffinityTerm[];
}

/**
 * The source's affinity without the pod (anti-)affinity terms that select its own labels: the copy carries none of
 * them, so an anti-affinity "one per node" would keep it off every node the app runs on. Node affinity stays.
 */
function affinityWithoutSelf(
  affinity: V1Affinity | undefined,
  labels: Record<string, string>,
  namespace: string,
): V1Affinity | undefined {
  if (!affinity) return undefined;
  const strip = <T extends PodAffinityTerms>(a: T | undefined): T | undefined => {
    if (!a) return undefined;
    const required = a.requiredDuringSchedulingIgnoredDuringExecution?.filter(
      (t) => !selectsSource(t, labels, namespace),
    );
    const preferred = a.preferredDuringSchedulingIgnoredDuringExecution?.filter(
      (t) => !selectsSource(t.podAffinityTerm, labels, namespace),
    );
    if (!required?.length && !preferred?.length) return undefined;
    return {
      ...a,
      requiredDuringSchedulingIgnoredDuringExecution: required?.length ? required : undefined,
      preferredDuringSchedulingIgnoredDuringExecution: preferred?.length ? preferred : undefined,
    };
  };
  const out: V1Affinity = {
    ...affinity,
    podAffinity: strip(affinity.podAffinity),
    podAntiAffinity: strip(affinity.podAntiAffinity),
  };
  return out.nodeAffinity || out.podAffinity || out.podAntiAffinity ? out : undefined;
}

/**
 * A copy of the pod sharing its process namespace, as `kubectl debug --copy-to --share-processes` builds it, made to
 * run where the source runs: labels stripped (no Service or controller takes it), annotations kept but for
 * {@link DROPPED_ANNOTATIONS}, probes dropped, ephemeral containers dropped, `priority` and `preemptionPolicy` dropped
 * (the Priority admission plugin derives them from `priorityClassName` and refuses a copy that carries them),
 * pod (anti-)affinity and topology spread that select the app's own labels removed, nodeName only when it must stay.
 * The debug container is a native sidecar with small requests and limits. It stops itself when its lifetime is over.
 */
export function buildPodCopy(source: V1Pod, copyName: string, options: CopyOptions): V1Pod {
  const namespace = source.metadata?.namespace ?? "default";
  const labels = source.metadata?.labels ?? {};
  const spec = structuredClone(source.spec ?? { containers: [] });
  spec.nodeName = options.nodeName ?? undefined;
  spec.ephemeralContainers = undefined;
  spec.shareProcessNamespace = true;
  spec.activeDeadlineSeconds = options.debug.lifetimeSeconds;
  spec.priority = undefined;
  spec.preemptionPolicy = undefined;
  spec.affinity = affinityWithoutSelf(spec.affinity, labels, namespace);
  const spread = spec.topologySpreadConstraints?.filter((t) => !selectsSource(t, labels, namespace));
  spec.topologySpreadConstraints = spread?.length ? spread : undefined;
  const stripProbes = (c: V1Container): V1Container => ({
    ...c,
    livenessProbe: undefined,
    readinessProbe: undefined,
    startupProbe: undefined,
  });
  spec.containers = spec.containers.map(stripProbes);
  const debug: V1Container = {
    ...debugContainer(options.debug),
    resources: {
      requests: { ...options.resources.requests },
      limits: { ...options.resources.limits },
    },
  };
  // Init containers run to completion (migrations, schema setup): run again in a copy they would act twice.
  const inits = copiedInitContainers({ spec }, options.initContainers).map(stripProbes);
  spec.initContainers = inits.length > 0 ? inits : undefined;
  if (options.sidecar) spec.initContainers = [{ ...debug, restartPolicy: "Always" }, ...(spec.initContainers ?? [])];
  else spec.containers.push(debug);
  const kept = Object.entries(source.metadata?.annotations ?? {}).filter(
    ([k]) => !DROPPED_ANNOTATIONS.includes(k) && !k.startsWith(PNS_ANNOTATION_PREFIX),
  );
  return dropUndefined({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: copyName,
      namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      annotations: {
        ...Object.fromEntries(kept),
        [COPY_OF_ANNOTATION]: source.metadata?.name ?? "",
        [REQUESTED_BY_ANNOTATION]: options.meta.requestedBy,
        [EXPIRES_AT_ANNOTATION]: options.meta.expiresAt,
      },
    },
    spec,
  });
}

/** The debug container of a pns copy: its native sidecar, or (on clusters without sidecars) one of its containers. */
export function copyDebugContainer(copy: V1Pod): V1Container | undefined {
  return [...(copy.spec?.initContainers ?? []), ...(copy.spec?.containers ?? [])].find((c) =>
    c.name.startsWith(DEBUG_CONTAINER_PREFIX),
  );
}

function dropUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A running debug container pns may reuse instead of adding another. */
export interface ReusableContainer {
  name: string;
  /** When it stops by itself, epoch ms; null when unknown. */
  expiresAtMs: number | null;
}

/** Seconds in `sleep <n>`, the command pns gives its debug containers. */
function sleepSeconds(command: string[] | undefined): number | null {
  if (!command) return null;
  if (command[0] !== "sleep") return null;
  const n = Number(command[1]);
  return Number.isFinite(n) ? n : null;
}

function expiryOf(command: string[] | undefined, startedAt: Date | string | undefined): number | null {
  const seconds = sleepSeconds(command);
  if (seconds === null || !startedAt) return null;
  const start = new Date(startedAt).getTime();
  return Number.isNaN(start) ? null : start + seconds * 1000;
}

/**
 * Finds a running pns debug container of this pod with the same image, target and securityContext that lives at
 * least `minRemainingMs` more; the newest wins.
 */
export function findReusableEphemeral(
  pod: V1Pod,
  /** `image: null` takes any image. */
  want: { image: string | null; targetContainerName: string | null; securityContext: V1SecurityContext | undefined },
  nowMs: number,
  minRemainingMs: number,
  /** A further check by name (that it still sees a live target). @default every one */
  accept: (name: string) => boolean = () => true,
): ReusableContainer | null {
  const statuses = new Map((pod.status?.ephemeralContainerStatuses ?? []).map((s) => [s.name, s]));
  let best: ReusableContainer | null = null;
  for (const c of pod.spec?.ephemeralContainers ?? []) {
    if (!c.name.startsWith(DEBUG_CONTAINER_PREFIX) || !accept(c.name)) continue;
    if (want.image !== null && c.image !== want.image) continue;
    if ((c.targetContainerName ?? null) !== want.targetContainerName) continue;
    if (!sameSecurityContext(c.securityContext, want.securityContext)) continue;
    const running = statuses.get(c.name)?.state?.running;
    if (!running) continue;
    const expiresAtMs = expiryOf(c.command, running.startedAt);
    if (expiresAtMs !== null && expiresAtMs - nowMs < minRemainingMs) continue;
    if (!best || (expiresAtMs ?? 0) > (best.expiresAtMs ?? 0)) best = { name: c.name, expiresAtMs };
  }
  return best;
}

/** A pns debug container added to the pod but not running yet (another `ps` is starting it). */
export function findStartingEphemeral(
  pod: V1Pod,
  want: { image: string; targetContainerName: string | null; securityContext: V1SecurityContext | undefined },
): string | null {
  const statuses = new Map((pod.status?.ephemeralContainerStatuses ?? []).map((s) => [s.name, s]));
  for (const c of pod.spec?.ephemeralContainers ?? []) {
    if (!c.name.startsWith(DEBUG_CONTAINER_PREFIX)) continue;
    if (c.image !== want.image || (c.targetContainerName ?? null) !== want.targetContainerName) continue;
    if (!sameSecurityContext(c.securityContext, want.securityContext)) continue;
    const state = statuses.get(c.name)?.state;
    if (!state?.running && !state?.terminated) return c.name;
  }
  return null;
}

/** The debug container of a pns copy, if running and not about to expire. */
export function reusableCopyContainer(
  copy: V1Pod,
  image: string,
  nowMs: number,
  minRemainingMs: number,
): string | null {
  if (copy.metadata?.deletionTimestamp) return null;
  const expires = Date.parse(copy.metadata?.annotations?.[EXPIRES_AT_ANNOTATION] ?? "");
  if (!Number.isNaN(expires) && expires - nowMs < minRemainingMs) return null;
  const debug = copyDebugContainer(copy);
  if (!debug || debug.image !== image) return null;
  const statuses = [...(copy.status?.initContainerStatuses ?? []), ...(copy.status?.containerStatuses ?? [])];
  return statuses.find((s) => s.name === debug.name)?.state?.running ? debug.name : null;
}
