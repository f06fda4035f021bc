import type { V1Container, V1EphemeralContainer, V1Pod, V1SecurityContext } from "@kubernetes/client-node";
import { sameSecurityContext } from "./debug-profiles.js";
import {
  COPY_NAME_INFIX,
  COPY_OF_ANNOTATION,
  DEBUG_CONTAINER_PREFIX,
  DEFAULT_CONTAINER_ANNOTATION,
  EXPIRES_AT_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
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

/**
 * A copy of the pod sharing its process namespace, as `kubectl debug --copy-to --share-processes --profile=general`
 * builds it: labels, annotations and probes stripped (no Service sends it traffic), nodeName cleared, ephemeral
 * containers dropped, the debug container appended. It stops itself when its lifetime is over.
 */
export function buildPodCopy(source: V1Pod, copyName: string, debug: DebugContainerOptions, meta: CopyMetadata): V1Pod {
  const spec = structuredClone(source.spec ?? { containers: [] });
  spec.nodeName = undefined;
  spec.ephemeralContainers = undefined;
  spec.shareProcessNamespace = true;
  spec.activeDeadlineSeconds = debug.lifetimeSeconds;
  const stripProbes = (c: V1Container): V1Container => ({
    ...c,
    livenessProbe: undefined,
    readinessProbe: undefined,
    startupProbe: undefined,
  });
  spec.containers = spec.containers.map(stripProbes);
  spec.containers.push(debugContainer(debug));
  return dropUndefined({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: copyName,
      namespace: source.metadata?.namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
      annotations: {
        [COPY_OF_ANNOTATION]: source.metadata?.name ?? "",
        [REQUESTED_BY_ANNOTATION]: meta.requestedBy,
        [EXPIRES_AT_ANNOTATION]: meta.expiresAt,
      },
    },
    spec,
  });
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
): ReusableContainer | null {
  const statuses = new Map((pod.status?.ephemeralContainerStatuses ?? []).map((s) => [s.name, s]));
  let best: ReusableContainer | null = null;
  for (const c of pod.spec?.ephemeralContainers ?? []) {
    if (!c.name.startsWith(DEBUG_CONTAINER_PREFIX)) continue;
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
  const debug = (copy.spec?.containers ?? []).find((c) => c.name.startsWith(DEBUG_CONTAINER_PREFIX));
  if (!debug || debug.image !== image) return null;
  const status = (copy.status?.containerStatuses ?? []).find((s) => s.name === debug.name);
  return status?.state?.running ? debug.name : null;
}
