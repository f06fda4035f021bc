import type { CoreV1Api, KubeConfig, V1ContainerState, V1Pod, V1SecurityContext } from "@kubernetes/client-node";
import { PatchStrategy, setHeaderOptions, Watch } from "@kubernetes/client-node";
import type { AttachRequest } from "../app/ports/cluster.js";
import { PnsError } from "../core/errors.js";
import type { DebugAttachment } from "../core/model.js";
import { securityContextFor } from "./debug-profiles.js";
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
import { COPY_OF_ANNOTATION, EXPIRES_AT_ANNOTATION, MANAGED_BY_SELECTOR } from "./labels.js";

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

const IMAGE_PULL_REASONS = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"]);
const START_FAILURE_REASONS = new Set(["CreateContainerConfigError", "CreateContainerError", "RunContainerError"]);

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
  const securityContext = securityContextFor(settings.profile);
  if (strategy === "copy") return attachCopy(deps, settings, pod, request, securityContext);
  const phase = pod.status?.phase ?? "Unknown";
  if (phase !== "Running") {
    throw new PnsError("exec_failed", `Pod ${name} is ${phase}: pns can only look into a running pod.`, {
      hint: "Pick a running pod, or use `--copy` to start a copy of it.",
    });
  }
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
      throw new PnsError("not_found", `Pod ${name} has no container "${request.container ?? ""}".`, {
        hint: `Its containers: ${names}.`,
      });
    }
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
    const reusable = findReusableEphemeral(current, want, deps.now(), MIN_REMAINING_MS);
    if (reusable) return attachment(reusable.name, true, reusable.expiresAtMs, current);
    const starting = findStartingEphemeral(current, want);
    if (starting) {
      const running = await waitForContainer(deps, settings, current, starting, "ephemeral", request.onProgress);
      return attachment(starting, true, startedAt(running, starting) + settings.lifetimeSeconds * 1000, running);
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
      return attachment(container.name, false, null, running);
    } catch (err) {
      if (!isConflict(err)) throw ephemeralPatchError(err, namespace, name);
      current = await kubeCall({ verb: "get", resource: "pods", namespace, name }, () =>
        deps.core.readNamespacedPod({ name, namespace }),
      );
    }
  }
  throw new PnsError("unavailable", `Pod ${name} kept changing while pns added its debug container: try again.`);
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
      hint: "Or use `--copy`, which needs `create pods` instead.",
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
  const expiresAt = new Date(deps.now() + settings.lifetimeSeconds * 1000).toISOString();
  const debugName = freshName(source, deps.shortId);
  for (let attempt = 0; ; attempt++) {
    const copyName = copyPodName(sourceName, deps.shortId());
    const body = buildPodCopy(
      source,
      copyName,
      { name: debugName, image: settings.image, lifetimeSeconds: settings.lifetimeSeconds, securityContext },
      { requestedBy: request.requestedBy, expiresAt },
    );
    request.onProgress?.(`creating debug copy ${copyName} of ${sourceName}…`);
    try {
      const created = await deps.core.createNamespacedPod({ namespace, body });
      const running = await waitForContainer(deps, settings, created, debugName, "container", request.onProgress);
      return attachment(running, debugName, false, expiresAt);
    } catch (err) {
      // A name taken by chance: draw another.
      if (isConflict(err) && attempt < 2) continue;
      throw toPnsError(err, { verb: "create", resource: "pods", namespace, name: copyName });
    }
  }
}

type ContainerKind = "ephemeral" | "container";

function stateOf(pod: V1Pod, container: string, kind: ContainerKind): V1ContainerState | undefined {
  const statuses = kind === "ephemeral" ? pod.status?.ephemeralContainerStatuses : pod.status?.containerStatuses;
  return statuses?.find((s) => s.name === container)?.state;
}

function startedAt(pod: V1Pod, container: string): number {
  const kind: ContainerKind = (pod.spec?.ephemeralContainers ?? []).some((c) => c.name === container)
    ? "ephemeral"
    : "container";
  const at = stateOf(pod, container, kind)?.running?.startedAt;
  return at ? new Date(at).getTime() : Date.now();
}

/** Decides from one pod state: running (the pod), a failure, or keep waiting (null) with a progress line. */
export function checkContainer(
  pod: V1Pod,
  container: string,
  kind: ContainerKind,
  image: string,
): { done: true } | { error: PnsError } | { progress: string } {
  const state = stateOf(pod, container, kind);
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
  const waiting = state?.waiting;
  if (waiting?.reason && IMAGE_PULL_REASONS.has(waiting.reason)) {
    return {
      error: new PnsError("image_pull", `The debug image ${image} could not be pulled (${waiting.reason}).`, {
        hint: `Check \`debug.image\` in the pns config and that the nodes can pull it.${waiting.message ? ` ${oneLine(waiting.message, 200)}` : ""}`,
      }),
    };
  }
  if (waiting?.reason && START_FAILURE_REASONS.has(waiting.reason)) {
    return {
      error: new PnsError(
        "exec_failed",
        `The debug container ${container} could not start (${waiting.reason}): ${oneLine(waiting.message ?? "", 200)}`,
      ),
    };
  }
  const phase = pod.status?.phase;
  if (kind === "container" && (phase === "Failed" || phase === "Succeeded")) {
    return { error: new PnsError("exec_failed", `The debug copy ${podName} stopped (${phase}).`) };
  }
  const unschedulable = (pod.status?.conditions ?? []).find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unschedulable) return { progress: `waiting for a node for ${podName}: ${oneLine(unschedulable.message ?? "")}` };
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
      abort?.abort();
      if ("pod" in outcome) resolve(outcome.pod);
      else reject(outcome.error);
    };
    const timer = setTimeout(
      () =>
        finish({
          error: new PnsError(
            "timeout",
            `The debug container ${container} in ${name} was not running after ${seconds(settings.startTimeoutMs)} s (${lastProgress.replace(/…$/, "")}).`,
            { hint: "Try again in a minute; the image may still be pulling." },
          ),
        }),
      settings.startTimeoutMs,
    );
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
            else report(check.progress);
          },
          (err: unknown) => {
            if (settled) return;
            // The server ends watches now and then: watch again unless it refused us.
            const code = httpCodeOf(err);
            if (err && code !== null) {
              finish({ error: toPnsError(err, { verb: "watch", resource: "pods", namespace, name }) });
            } else {
              setTimeout(() => !settled && startWatch(), err ? 500 : 0);
            }
          },
        )
        .then((controller) => {
          abort = controller;
          if (settled) controller.abort();
        })
        .catch((err: unknown) =>
          finish({ error: toPnsError(err, { verb: "watch", resource: "pods", namespace, name }) }),
        );
    };
    startWatch();
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
