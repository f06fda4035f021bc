import type {
  CoreV1Api,
  KubeConfig,
  V1ContainerState,
  V1ContainerStatus,
  V1Pod,
  V1SecurityContext,
} from "@kubernetes/client-node";
import { PatchStrategy, setHeaderOptions, Watch } from "@kubernetes/client-node";
import type { AttachRequest } from "../app/ports/cluster.js";
import type { DebugResources } from "../core/config/types.js";
import { PnsError } from "../core/errors.js";
import type { DebugAttachment } from "../core/model.js";
import { placeCopy } from "./copy-placement.js";
import { securityContextFor, targetIdentity } from "./debug-profiles.js";
import {
  buildEphemeralContainer,
  buildPodCopy,
  chooseTargetContainer,
  copyPodName,
  debugContainerName,
  findReusableEphemeral,
  findStartingEphemeral,
  reusableCopyContainer,
} from "./debug-spec.js";
import {
  ephemeralUnsupported,
  httpCodeOf,
  isConflict,
  kubeCall,
  oneLine,
  statusOf,
  toPnsError,
} from "./kube-errors.js";
import { COPY_OF_ANNOTATION, DEBUG_CONTAINER_PREFIX, EXPIRES_AT_ANNOTATION, MANAGED_BY_SELECTOR } from "./labels.js";
import { podEvents } from "./pod-events.js";
import { captureRawBody, sendRawBody } from "./raw-json.js";

/** Debug container settings, from the config's `debug` section. */
export interface DebugSettings {
  /** Image of the debug container; it needs `sh`, `od`, `tr`, `head`, `sha256sum` and `sleep` (busybox has them). */
  image: string;
  /** `kubectl debug` profile of the debug container. @default "general" */
  profile: string;
  /** Seconds a debug container (and a copy) lives. */
  lifetimeSeconds: number;
  /** Milliseconds to wait for a debug container to run. @default 60000 */
  startTimeoutMs: number;
  /** Most pns debug containers one pod may carry. @default 5 */
  maxEphemeralContainers: number;
  /** Requests and limits of a copy's debug container. */
  resources: DebugResources;
  /** Keep every copy on its source's node. @default false */
  copySameNode: boolean;
}

/** What the session code uses from outside: clients, clock and ids. */
export interface SessionDeps {
  kc: KubeConfig;
  core: CoreV1Api;
  now: () => number;
  shortId: () => string;
}

/** A debug container must live at least this much longer to be reused. */
const MIN_REMAINING_MS = 60_000;

/** An attachment and the pod holding its debug container, as last seen (running). */
export interface Attached {
  attachment: DebugAttachment;
  pod: V1Pod;
}

/** Gets a debug container in the pod (or a copy of it), reusing a running one where it can. */
export async function attachDebugContainer(
  deps: SessionDeps,
  settings: DebugSettings,
  pod: V1Pod,
  request: AttachRequest,
): Promise<Attached> {
  const namespace = pod.metadata?.namespace ?? "default";
  const name = pod.metadata?.name ?? "";
  const shares = pod.spec?.shareProcessNamespace === true;
  const strategy = request.strategy ?? (shares ? "shared" : "ephemeral");
  // The container whose uid the `restricted` profile takes: the target, or the pod's default container.
  const identity = targetIdentity(pod, chooseTargetContainer(pod, request.container));
  const securityContext = securityContextFor(settings.profile, identity);
  if (strategy === "copy") return attachCopy(deps, settings, pod, request, securityContext);
  if (strategy === "shared" && !shares) {
    throw new PnsError("invalid_command", `Pod ${name} does not share its process namespace.`, {
      hint: "Leave the strategy out to target one container, or use `--copy` to debug a copy that shares it.",
    });
  }
  let targetContainerName: string | null = null;
  if (strategy === "ephemeral") {
    targetContainerName = chooseTargetContainer(pod, request.container);
    if (!targetContainerName) {
      const names = (pod.spec?.containers ?? []).map((c) => c.name).join(", ");
      const inits = (pod.spec?.initContainers ?? []).map((c) => c.name).join(", ");
      throw new PnsError("not_found", `Pod ${name} has no container "${request.container ?? ""}".`, {
        hint: `Its containers: ${names}.${inits ? ` Its init containers: ${inits}.` : ""}`,
      });
    }
  }
  const phase = pod.status?.phase ?? "Unknown";
  // A pod stuck in an init container is Pending: that init container may still be looked into when it runs.
  const targetRuns =
    targetContainerName !== null &&
    Boolean(pod.status?.initContainerStatuses?.find((s) => s.name === targetContainerName)?.state?.running);
  if (phase !== "Running" && !targetRuns) {
    throw new PnsError("exec_failed", `Pod ${name} is ${phase}: pns can only look into a running pod.`, {
      hint: "Pick a running pod, or use `--copy` to start a copy of it.",
    });
  }
  const want = { image: settings.image, targetContainerName, securityContext };
  const attachment = (container: string, reused: boolean, expiresAtMs: number | null, seen: V1Pod): Attached => ({
    attachment: {
      strategy,
      pod: name,
      container,
      image: settings.image,
      targetContainer: targetContainerName,
      copyOf: null,
      reused,
      expiresAt: new Date(expiresAtMs ?? deps.now() + settings.lifetimeSeconds * 1000).toISOString(),
    },
    pod: seen,
  });
  let current = pod;
  for (let attempt = 0; attempt < 3; attempt++) {
    // A debug container that joined an earlier instance of the target sees a dead namespace: never reuse it.
    const live = (c: string) => request.avoid !== c && joinedLiveTarget(current, c, targetContainerName);
    const reusable = findReusableEphemeral(current, want, deps.now(), MIN_REMAINING_MS, live);
    if (reusable) return attachment(reusable.name, true, reusable.expiresAtMs, current);
    const starting = findStartingEphemeral(current, want);
    if (starting) {
      const running = await waitForContainer(deps, settings, current, starting, "ephemeral", request.onProgress);
      return attachment(starting, true, startedAt(running, starting) + settings.lifetimeSeconds * 1000, running);
    }
    // Ephemeral containers are forever: past the cap, reuse a running one of another image, or refuse.
    const carried = pnsEphemeralCount(current);
    if (carried >= settings.maxEphemeralContainers) {
      const anyImage = findReusableEphemeral(current, { ...want, image: null }, deps.now(), MIN_REMAINING_MS, live);
      if (anyImage) return attachment(anyImage.name, true, anyImage.expiresAtMs, current);
      throw capReached(name, carried, settings.maxEphemeralContainers);
    }
    const container = buildEphemeralContainer(
      {
        name: freshName(current, deps.shortId),
        image: settings.image,
        lifetimeSeconds: settings.lifetimeSeconds,
        securityContext,
      },
      targetContainerName,
    );
    request.onProgress?.(`adding debug container ${container.name} to ${name}…`);
    try {
      const patched = await deps.core.patchNamespacedPodEphemeralcontainers(
        {
          name,
          namespace,
          // The resourceVersion makes the patch conditional: of two concurrent `ps`, one gets a 409 and reuses the other's.
          body: {
            metadata: { resourceVersion: current.metadata?.resourceVersion },
            spec: { ephemeralContainers: [container] },
          },
        },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      );
      const running = await waitForContainer(deps, settings, patched, container.name, "ephemeral", request.onProgress);
      const added = attachment(container.name, false, null, running);
      const notes = [
        whyNewNote(current, targetContainerName, request.avoid ?? null),
        nearCapNote(name, carried + 1, settings.maxEphemeralContainers),
      ].filter((n): n is string => n !== null);
      return notes.length > 0 ? { ...added, attachment: { ...added.attachment, note: notes.join(" ") } } : added;
    } catch (err) {
      if (!isConflict(err)) throw ephemeralPatchError(err, namespace, name);
      current = await kubeCall({ verb: "get", resource: "pods", namespace, name }, () =>
        deps.core.readNamespacedPod({ name, namespace }),
      );
    }
  }
  throw new PnsError("unavailable", `Pod ${name} kept changing while pns added its debug container: try again.`);
}

/** A container's status by name, whichever list holds it. */
function containerStatusOf(pod: V1Pod, container: string): V1ContainerStatus | undefined {
  return [
    ...(pod.status?.ephemeralContainerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ].find((s) => s.name === container);
}

function epochOf(at: Date | string | undefined | null): number | null {
  if (!at) return null;
  const ms = new Date(at).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/**
 * True when the debug container may still see the target: no target (a shared namespace), or it started no earlier
 * than the target's running instance. A target that restarted after the debug container joined it took that
 * namespace with it: when a PID namespace's init exits the kernel kills every process in it (linux
 * kernel/pid_namespace.c `zap_pid_namespace`) and the kubelet never restarts an ephemeral container, but its status
 * may still say running until the kubelet's next relist.
 */
export function joinedLiveTarget(pod: V1Pod, debugContainer: string, target: string | null): boolean {
  if (target === null) return true;
  const running = containerStatusOf(pod, target)?.state?.running;
  if (!running) return false;
  const debugStart = epochOf(containerStatusOf(pod, debugContainer)?.state?.running?.startedAt);
  const targetStart = epochOf(running.startedAt);
  // Start times are whole seconds: one in the same second counts as joined.
  return debugStart === null || targetStart === null || debugStart >= targetStart;
}

/** `08:22 UTC` of an instant. */
function clockTime(at: Date | string): string {
  return `${new Date(at).toISOString().slice(11, 16)} UTC`;
}

/**
 * Why pns attached a new debug container where it had one for this target: the target restarted since (when, and how
 * its last instance ended, as its `lastState` says), the old one no longer saw the target's processes, or it ended.
 * Null when pns had none, or the old one still runs (another image or profile).
 */
export function whyNewNote(pod: V1Pod, target: string | null, blind: string | null): string | null {
  // pns's earlier debug containers for this target, oldest first: the last one is the one it would have reused.
  const earlier = (pod.spec?.ephemeralContainers ?? []).filter(
    (c) => c.name.startsWith(DEBUG_CONTAINER_PREFIX) && (c.targetContainerName ?? null) === target,
  );
  const previous = earlier.at(-1);
  if (!previous) return null;
  const state = containerStatusOf(pod, previous.name)?.state;
  const joinedAt = epochOf(state?.running?.startedAt ?? state?.terminated?.startedAt);
  const targetStatus = target ? containerStatusOf(pod, target) : undefined;
  const last = targetStatus?.lastState?.terminated;
  const endedAt = epochOf(last?.finishedAt);
  if (target && last && endedAt !== null && (joinedAt === null || endedAt >= joinedAt - 1000)) {
    const how =
      last.reason && last.reason !== "Error"
        ? last.reason
        : `${last.reason ?? "exited"} (exit code ${last.exitCode}${last.signal ? `, signal ${last.signal}` : ""})`;
    return `${target} restarted at ${clockTime(last.finishedAt as Date | string)}, ${how}; attached a new debug container.`;
  }
  if (blind) {
    return `The debug container ${blind} no longer saw the processes of ${target ?? "the pod"}; attached a new debug container.`;
  }
  const ended = state?.terminated;
  if (!ended) return null;
  const why =
    ended.exitCode === 0 && ended.reason === "Completed"
      ? "its lifetime ran out"
      : `${ended.reason ?? "exited"}, exit code ${ended.exitCode}`;
  return `The debug container ${previous.name} ended (${why}); attached a new debug container.`;
}

/** pns's ephemeral debug containers in the pod, running or ended: the pod keeps them all until it is replaced. */
export function pnsEphemeralCount(pod: V1Pod): number {
  return (pod.spec?.ephemeralContainers ?? []).filter((c) => c.name.startsWith(DEBUG_CONTAINER_PREFIX)).length;
}

function capReached(pod: string, carried: number, cap: number): PnsError {
  return new PnsError(
    "not_allowed",
    `Pod ${pod} already carries ${carried} pns debug containers (the limit is ${cap}), and ephemeral containers can never be removed.`,
    {
      hint: "Use `--copy` to debug a copy of the pod, or restart the pod through its controller (`kubectl rollout restart`) for a clean one. `debug.maxEphemeralContainers` sets the limit.",
    },
  );
}

/** A warning once a pod nears the cap; null while it is far from it. */
export function nearCapNote(pod: string, carried: number, cap: number): string | null {
  if (carried < cap - 1) return null;
  return carried >= cap
    ? `Pod ${pod} now carries ${carried} pns debug containers, the most pns adds: the next new one needs \`--copy\` or a restart of the pod.`
    : `Pod ${pod} now carries ${carried} of at most ${cap} pns debug containers (they can never be removed): pns adds ${cap - carried} more, then asks for \`--copy\` or a restart of the pod.`;
}

function ephemeralPatchError(err: unknown, namespace: string, pod: string): PnsError {
  if (err instanceof PnsError) return err;
  const code = httpCodeOf(err);
  const status = statusOf(err) as { details?: { name?: string } } | null;
  // kubectl's rule: a 404 naming the pod means the pod is gone; a bare 404 means the subresource does not exist.
  if (code === 404 && status?.details?.name) {
    return new PnsError("not_found", `Pod ${pod} is gone from namespace ${namespace}.`, { cause: err });
  }
  if (code === 404 || code === 405 || code === 415) return ephemeralUnsupported(err);
  const translated = toPnsError(err, { verb: "patch", resource: "pods/ephemeralcontainers", namespace, name: pod });
  if (translated.code === "forbidden") {
    return new PnsError("forbidden", translated.userMessage, {
      cause: err,
      hint: `${translated.hint ?? ""} Or use \`--copy\`, which needs \`create pods\` instead.`.trim(),
    });
  }
  return translated;
}

/** A copy of the pod that shares its process namespace, reusing a running copy of the same pod. */
async function attachCopy(
  deps: SessionDeps,
  settings: DebugSettings,
  source: V1Pod,
  request: AttachRequest,
  securityContext: V1SecurityContext | undefined,
): Promise<Attached> {
  const namespace = source.metadata?.namespace ?? "default";
  const sourceName = source.metadata?.name ?? "";
  const attachment = (pod: V1Pod, container: string, reused: boolean, expiresAt: string): Attached => ({
    attachment: {
      strategy: "copy",
      pod: pod.metadata?.name ?? "",
      container,
      image: settings.image,
      targetContainer: null,
      copyOf: sourceName,
      reused,
      expiresAt,
    },
    pod,
  });
  const copies = await kubeCall({ verb: "list", resource: "pods", namespace }, () =>
    deps.core.listNamespacedPod({ namespace, labelSelector: MANAGED_BY_SELECTOR }),
  );
  for (const copy of copies.items) {
    if (copy.metadata?.annotations?.[COPY_OF_ANNOTATION] !== sourceName) continue;
    const container = reusableCopyContainer(copy, settings.image, deps.now(), MIN_REMAINING_MS);
    if (container) {
      return attachment(copy, container, true, copy.metadata?.annotations?.[EXPIRES_AT_ANNOTATION] ?? "");
    }
  }
  // The copy is built from the source as the server sends it: fields newer than client-node's models survive.
  const raw = captureRawBody();
  await kubeCall({ verb: "get", resource: "pods", namespace, name: sourceName }, () =>
    deps.core.readNamespacedPod({ name: sourceName, namespace }, raw.options),
  );
  const fresh = raw.json() as V1Pod;
  const placement = await placeCopy(deps.core, fresh, settings.copySameNode);
  const expiresAt = new Date(deps.now() + settings.lifetimeSeconds * 1000).toISOString();
  const debugName = freshName(fresh, deps.shortId);
  let sidecar = true;
  for (let attempt = 0; ; attempt++) {
    const copyName = copyPodName(sourceName, deps.shortId());
    const body = buildPodCopy(fresh, copyName, {
      debug: { name: debugName, image: settings.image, lifetimeSeconds: settings.lifetimeSeconds, securityContext },
      resources: settings.resources,
      meta: { requestedBy: request.requestedBy, expiresAt },
      nodeName: placement.nodeName,
      sidecar,
    });
    const where = placement.nodeName ? ` on node ${placement.nodeName} (${placement.reason})` : "";
    request.onProgress?.(`creating debug copy ${copyName} of ${sourceName}${where}…`);
    let created: V1Pod;
    try {
      created = await deps.core.createNamespacedPod({ namespace, body }, sendRawBody(body));
    } catch (err) {
      // A name taken by chance: draw another.
      if (isConflict(err) && attempt < 2) continue;
      throw toPnsError(err, { verb: "create", resource: "pods", namespace, name: copyName });
    }
    if (sidecar && !keptSidecar(created, debugName)) {
      // An API server without native sidecars (before 1.29, or the SidecarContainers gate off) drops restartPolicy
      // from init containers (pkg/api/pod/util.go dropDisabledFields): the debug container would block the app.
      await kubeCall({ verb: "delete", resource: "pods", namespace, name: copyName }, () =>
        deps.core.deleteNamespacedPod({ name: copyName, namespace, gracePeriodSeconds: 0 }),
      );
      request.onProgress?.(
        "this cluster has no native sidecars (Kubernetes before 1.29): the debug container runs beside the app containers…",
      );
      sidecar = false;
      continue;
    }
    const running = await waitForContainer(deps, settings, created, debugName, "copy", request.onProgress);
    return attachment(running, debugName, false, expiresAt);
  }
}

/** True when the server kept the debug container a native sidecar. */
function keptSidecar(created: V1Pod, debugName: string): boolean {
  return (created.spec?.initContainers ?? []).some((c) => c.name === debugName && c.restartPolicy === "Always");
}

/** Where the debug container lives: an ephemeral container of the pod, or a container of a pns copy. */
type ContainerKind = "ephemeral" | "copy";

/** A container's state by name, whichever list holds it (names are unique across a pod's containers). */
function stateOf(pod: V1Pod, container: string): V1ContainerState | undefined {
  const statuses = [
    ...(pod.status?.ephemeralContainerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  return statuses.find((s) => s.name === container)?.state;
}

function startedAt(pod: V1Pod, container: string): number {
  const at = stateOf(pod, container)?.running?.startedAt;
  return at ? new Date(at).getTime() : Date.now();
}

// pkg/kubelet/images/types.go: the image errors. ErrImagePull and RegistryUnavailable end in neither Error nor BackOff.
const IMAGE_PULL_REASONS = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "ImageInspectError",
  "RegistryUnavailable",
  "SignatureValidationFailed",
]);
// The waiting reasons of a container that is still on its way (pkg/kubelet/kubelet_pods.go).
const STARTING_REASONS = new Set(["ContainerCreating", "PodInitializing"]);

/**
 * True when a waiting reason means the container will not start by waiting: the image errors, and any reason ending
 * in `Error` or `BackOff` (CreateContainerConfigError, RunContainerError, PreStartHookError, CrashLoopBackOff …).
 */
export function isFatalWaitingReason(reason: string): boolean {
  if (STARTING_REASONS.has(reason)) return false;
  return IMAGE_PULL_REASONS.has(reason) || /(?:Error|BackOff)$/.test(reason);
}

/** Decides from one pod state: running (the pod), a failure, or keep waiting with a progress line. */
export function checkContainer(
  pod: V1Pod,
  container: string,
  kind: ContainerKind,
  image: string,
): { done: true } | { error: PnsError } | { progress: string } {
  const state = stateOf(pod, container);
  if (state?.running) return { done: true };
  const podName = pod.metadata?.name ?? "";
  if (state?.terminated) {
    const t = state.terminated;
    return {
      error: new PnsError(
        "exec_failed",
        `The debug container ${container} in ${podName} exited (${t.reason ?? `code ${t.exitCode}`}).`,
        { hint: t.message ? oneLine(t.message) : "Check that the debug image has `sleep` and `sh`." },
      ),
    };
  }
  const reason = state?.waiting?.reason ?? "";
  const said = state?.waiting?.message ? `: ${oneLine(state.waiting.message, 200)}` : "";
  if (IMAGE_PULL_REASONS.has(reason)) {
    return {
      error: new PnsError("image_pull", `The debug image ${image} could not be pulled (${reason}).`, {
        hint: `Check \`debug.image\` in the pns config and that the nodes can pull it (air-gapped clusters: mirror it into a registry they reach).${said ? ` ${said.slice(2)}` : ""}`,
      }),
    };
  }
  if (isFatalWaitingReason(reason)) {
    const crashing = reason === "CrashLoopBackOff";
    return {
      error: new PnsError(
        "exec_failed",
        crashing
          ? `The debug container ${container} in ${podName} keeps exiting (CrashLoopBackOff)${said}.`
          : `The debug container ${container} in ${podName} could not start (${reason})${said}.`,
        crashing ? { hint: "Check that `debug.image` has `sleep` and `sh` (busybox has them)." } : undefined,
      ),
    };
  }
  const phase = pod.status?.phase;
  if (kind === "copy" && (phase === "Failed" || phase === "Succeeded")) {
    return { error: new PnsError("exec_failed", `The debug copy ${podName} stopped (${phase}).`) };
  }
  const unschedulable = (pod.status?.conditions ?? []).find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unschedulable) return { progress: `waiting for a node for ${podName}: ${oneLine(unschedulable.message ?? "")}` };
  if (reason && !STARTING_REASONS.has(reason)) return { progress: `the debug container is ${reason}${said}…` };
  return { progress: `pulling image ${image}…` };
}

/**
 * Waits until the container runs: first from the pod at hand, then by watching the pod (fieldSelector on its name).
 * Throws image_pull, exec_failed or timeout. Returns the pod in which it runs.
 */
export async function waitForContainer(
  deps: SessionDeps,
  settings: DebugSettings,
  pod: V1Pod,
  container: string,
  kind: ContainerKind,
  onProgress?: (message: string) => void,
): Promise<V1Pod> {
  const first = checkContainer(pod, container, kind, settings.image);
  if ("done" in first) return pod;
  if ("error" in first) throw first.error;
  let lastProgress = "";
  const report = (line: string) => {
    if (line !== lastProgress) onProgress?.(line);
    lastProgress = line;
  };
  report(first.progress);
  const namespace = pod.metadata?.namespace ?? "default";
  const name = pod.metadata?.name ?? "";
  return new Promise<V1Pod>((resolve, reject) => {
    let settled = false;
    let abort: AbortController | null = null;
    const finish = (outcome: { pod: V1Pod } | { error: PnsError }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(halfway);
      abort?.abort();
      if ("pod" in outcome) resolve(outcome.pod);
      else reject(outcome.error);
    };
    // The pod's events say what its status does not (FailedScheduling, FailedMount, Pulling): halfway through the
    // wait they become a progress line, and at its end they go into the timeout's message.
    const events = () => bounded(podEvents(deps.core, namespace, name), EVENTS_WAIT_MS, []);
    const halfway = setTimeout(() => {
      void events().then((said) => {
        if (!settled && said[0]) report(`${said[0]}…`);
      });
    }, settings.startTimeoutMs / 2);
    const timer = setTimeout(() => {
      void events().then((said) =>
        finish({
          error: new PnsError(
            "timeout",
            `The debug container ${container} in ${name} was not running after ${seconds(settings.startTimeoutMs)} s (${lastProgress.replace(/…$/, "")}).${said.length > 0 ? ` Events: ${said.join("; ")}.` : ""}`,
            { hint: "Try again in a minute; the image may still be pulling." },
          ),
        }),
      );
    }, settings.startTimeoutMs);
    // Watches closed by a proxy (or the server's timeout) are made again after a growing pause, so a proxy that
    // closes every watch at once costs a few requests a second at most, not a tight loop; an event resets it.
    let closes = 0;
    const again = () => {
      const delay = Math.min(WATCH_BACKOFF_MAX_MS, WATCH_BACKOFF_MS * 2 ** Math.min(closes, 10));
      closes++;
      setTimeout(() => !settled && startWatch(), delay);
    };
    const startWatch = () => {
      new Watch(deps.kc)
        .watch(
          `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
          { fieldSelector: `metadata.name=${name}` },
          (type: string, obj: V1Pod) => {
            if (type === "DELETED") {
              finish({ error: new PnsError("not_found", `Pod ${name} was deleted while pns waited for it.`) });
              return;
            }
            if (type !== "ADDED" && type !== "MODIFIED") return;
            const check = checkContainer(obj, container, kind, settings.image);
            if ("done" in check) finish({ pod: obj });
            else if ("error" in check) finish({ error: check.error });
            else {
              if (type === "MODIFIED") closes = 0;
              report(check.progress);
            }
          },
          (err: unknown) => {
            if (settled) return;
            // The server ends watches now and then, and proxies close idle ones: watch again unless it refused us.
            const code = httpCodeOf(err);
            if (err && code !== null) {
              finish({ error: toPnsError(err, { verb: "watch", resource: "pods", namespace, name }) });
            } else again();
          },
        )
        .then((controller) => {
          abort = controller;
          if (settled) controller.abort();
        })
        .catch((err: unknown) => {
          if (settled) return;
          // A connection a proxy reset is tried again like a closed watch; an answer from the server is not.
          if (httpCodeOf(err) === null && closes < WATCH_MAX_RETRIES) again();
          else finish({ error: toPnsError(err, { verb: "watch", resource: "pods", namespace, name }) });
        });
    };
    startWatch();
  });
}

/** First pause before a closed watch is made again; it doubles with each close in a row. */
export const WATCH_BACKOFF_MS = 100;
/** Longest pause between two watches. */
export const WATCH_BACKOFF_MAX_MS = 5000;
/** Watches that fail to connect, in a row, before the wait gives up (the start timeout bounds it anyway). */
const WATCH_MAX_RETRIES = 8;

/** How long a timeout waits for the pod's events before it reports without them. */
const EVENTS_WAIT_MS = 2000;

/** The promise's value, or `fallback` when it takes longer than `ms`. */
function bounded<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const t = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      () => {
        clearTimeout(t);
        resolve(fallback);
      },
    );
  });
}

function seconds(ms: number): string {
  return ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000));
}

/** A debug container name no container of the pod has yet (a patch with a taken name would modify that container). */
function freshName(pod: V1Pod, shortId: () => string): string {
  const taken = new Set(
    [
      ...(pod.spec?.containers ?? []),
      ...(pod.spec?.initContainers ?? []),
      ...(pod.spec?.ephemeralContainers ?? []),
    ].map((c) => c.name),
  );
  for (let i = 0; i < 10; i++) {
    const name = debugContainerName(shortId());
    if (!taken.has(name)) return name;
  }
  throw new PnsError("internal", "pns could not find a free name for its debug container.");
}
