import type {
  CoreV1Api,
  KubeConfig,
  V1ContainerState,
  V1ContainerStatus,
  V1Pod,
  V1SecurityContext,
} from "@kubernetes/client-node";
import { PatchStrategy, setHeaderOptions, Watch } from "@kubernetes/client-node";
import type { AttachRequest, CopyLedger } from "../app/ports/cluster.js";
import type { CopyConfig, CopyRisk, DebugResources } from "../core/config/types.js";
import { PnsError } from "../core/errors.js";
import type { DebugAttachment } from "../core/model.js";
import { placeCopy } from "./copy-placement.js";
import { securityContextFor, targetIdentity } from "./debug-profiles.js";
import {
  buildEphemeralContainer,
  buildPodCopy,
  chooseTargetContainer,
  copyDebugContainer,
  copyHazards,
  copyNameSuffix,
  copyPodName,
  debugContainerName,
  findReusableEphemeral,
  findStartingEphemeral,
  reusableCopyContainer,
  skippedInitContainers,
} from "./debug-spec.js";
import {
  ephemeralUnsupported,
  httpCodeOf,
  isConflict,
  isNotFound,
  kubeCall,
  oneLine,
  statusOf,
  toPnsError,
} from "./kube-errors.js";
import { COPY_OF_ANNOTATION, DEBUG_CONTAINER_PREFIX, EXPIRES_AT_ANNOTATION } from "./labels.js";
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
  /** What a copy may take from its source (`debug.copy`). */
  copy: CopyConfig;
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

/** How long a copy another pns worker just created may go unrecorded before pns calls it not its own. */
const RECORD_WAIT_MS = 3000;
/** A copy younger than this may be a concurrent worker's, still being recorded. */
const JUST_CREATED_MS = 30_000;

/** The refusal for each risk a copy would take from its source, and the `debug.copy.allow` entry that permits it. */
const HAZARD_WORDS: Record<CopyRisk, string> = {
  hostPath: "the node's own files",
  privileged: "privileges over the node",
  hostNamespaces: "the node's network, processes or IPC",
  writableVolumes: "a second writer to the app's data",
};

/** Refuses a copy whose source takes what `debug.copy.allow` does not permit, naming each part and the key. */
function refuseHazards(source: V1Pod, settings: DebugSettings): void {
  const refused = copyHazards(source, settings.copy.initContainers).filter(
    (h) => !settings.copy.allow.includes(h.risk),
  );
  if (refused.length === 0) return;
  const name = source.metadata?.name ?? "";
  const risks = [...new Set(refused.map((h) => h.risk))];
  throw new PnsError(
    "not_allowed",
    `pns does not copy pod ${name}: a copy would take ${risks.map((r) => HAZARD_WORDS[r]).join(", ")} (${refused
      .map((h) => h.what)
      .join("; ")}).`,
    {
      hint: `Debug the pod itself, without \`--copy\` (an ephemeral container). If a copy is what you need and the risk is understood, a pns admin adds ${risks.map((r) => `\`${r}\``).join(", ")} to \`debug.copy.allow\`.`,
    },
  );
}

/** The refusal for a pod named like pns's copy that pns did not record creating. */
function notPnsCopy(name: string, namespace: string): PnsError {
  return new PnsError(
    "not_allowed",
    `A pod named ${name} already exists in namespace ${namespace}, and pns did not create it: pns neither uses nor deletes it.`,
    {
      hint: "Ask a cluster admin who made it (`kubectl get pod -o yaml`); once it is gone, `--copy` makes pns's own copy. Debug the pod itself, without `--copy`, meanwhile.",
    },
  );
}

/** What a progress line and the table say of every copy: it is a second instance of the app. */
export function secondInstanceNote(copyName: string, sourceName: string, skippedInits: string[]): string {
  const inits =
    skippedInits.length > 0
      ? ` Its init containers (${skippedInits.join(", ")}) did not run again (\`debug.copy.initContainers\`).`
      : "";
  return `Debug copy ${copyName} runs a second instance of pod ${sourceName}'s app (its queue consumers, cron jobs and writers too) until it stops or \`/pns cleanup\` deletes it; signals to it never reach ${sourceName}.${inits}`;
}

/**
 * A copy of the pod that shares its process namespace, under the one name of that pod's copy: a running copy of that
 * name is reused, an ended one replaced, and a pod of that name pns did not record creating is refused, never touched.
 */
async function attachCopy(
  deps: SessionDeps,
  settings: DebugSettings,
  source: V1Pod,
  request: AttachRequest,
  securityContext: V1SecurityContext | undefined,
): Promise<Attached> {
  const namespace = source.metadata?.namespace ?? "default";
  const sourceName = source.metadata?.name ?? "";
  const ledger = request.copies;
  if (!ledger) {
    throw new PnsError(
      "not_allowed",
      `Debugging pod ${sourceName} needs a copy of it, and you may not make copies: a copy runs a second instance of the app.`,
      { hint: "Ask a pns admin to add you under `people.copy`, or debug the pod itself without `--copy`." },
    );
  }
  refuseHazards(source, settings);
  const copyName = copyPodName(sourceName, copyNameSuffix(source));
  const note = secondInstanceNote(copyName, sourceName, skippedInitContainers(source, settings.copy.initContainers));
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
      note,
    },
    pod,
  });
  const read = () => readIfExists(deps, namespace, copyName);
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await read();
    if (existing) {
      const uid = existing.metadata?.uid ?? "";
      if (!(await isRecorded(deps, ledger, existing))) throw notPnsCopy(copyName, namespace);
      if (existing.metadata?.annotations?.[COPY_OF_ANNOTATION] !== sourceName) throw notPnsCopy(copyName, namespace);
      const expiresAt = existing.metadata?.annotations?.[EXPIRES_AT_ANNOTATION] ?? "";
      const container = reusableCopyContainer(existing, settings.image, deps.now(), MIN_REMAINING_MS);
      if (container) return attachment(existing, container, true, expiresAt);
      const starting = startingCopyContainer(existing, settings.image, deps.now());
      if (starting) {
        // Another worker created it a moment ago: share it.
        const running = await waitForContainer(deps, settings, existing, starting, "copy", request.onProgress);
        return attachment(running, starting, true, expiresAt);
      }
      // pns's own copy, ended or about to: replace it (one already being deleted is only waited for).
      request.onProgress?.(`debug copy ${copyName} has ended; replacing it…`);
      if (!existing.metadata?.deletionTimestamp) await deleteCopy(deps, namespace, copyName, uid);
      await ledger.forget({ name: copyName, uid });
      await waitGone(deps, settings, existing);
      continue;
    }
    const created = await createCopy(deps, settings, source, copyName, request, ledger, securityContext, note);
    if (created === "conflict") continue;
    return attachment(created.pod, created.container, false, created.expiresAt);
  }
  throw new PnsError("unavailable", `Debug copy ${copyName} kept changing while pns attached to it: try again.`);
}

/**
 * Creates the copy under its one name, records its UID before anything uses it, and waits for its debug container.
 * "conflict" when another worker created that name first (the caller reads it and reuses it if pns's).
 */
async function createCopy(
  deps: SessionDeps,
  settings: DebugSettings,
  source: V1Pod,
  copyName: string,
  request: AttachRequest,
  ledger: CopyLedger,
  securityContext: V1SecurityContext | undefined,
  note: string,
): Promise<{ pod: V1Pod; container: string; expiresAt: string } | "conflict"> {
  const namespace = source.metadata?.namespace ?? "default";
  const sourceName = source.metadata?.name ?? "";
  await ledger.beforeCreate();
  // The copy is built from the source as the server sends it: fields newer than client-node's models survive.
  const raw = captureRawBody();
  await kubeCall({ verb: "get", resource: "pods", namespace, name: sourceName }, () =>
    deps.core.readNamespacedPod({ name: sourceName, namespace }, raw.options),
  );
  const body0 = raw.json() as V1Pod;
  refuseHazards(body0, settings);
  const placement = await placeCopy(deps.core, body0, settings.copySameNode);
  const expiresAt = new Date(deps.now() + settings.lifetimeSeconds * 1000).toISOString();
  const debugName = freshName(body0, deps.shortId);
  let sidecar = true;
  for (;;) {
    const body = buildPodCopy(body0, copyName, {
      debug: { name: debugName, image: settings.image, lifetimeSeconds: settings.lifetimeSeconds, securityContext },
      resources: settings.resources,
      meta: { requestedBy: request.requestedBy, expiresAt },
      nodeName: placement.nodeName,
      sidecar,
      initContainers: settings.copy.initContainers,
    });
    const where = placement.nodeName ? ` on node ${placement.nodeName} (${placement.reason})` : "";
    request.onProgress?.(`creating debug copy ${copyName} of ${sourceName}${where}… ${note}`);
    let created: V1Pod;
    try {
      created = await deps.core.createNamespacedPod({ namespace, body }, sendRawBody(body));
    } catch (err) {
      // Another worker took the name first: AlreadyExists.
      if (isConflict(err)) return "conflict";
      throw toPnsError(err, { verb: "create", resource: "pods", namespace, name: copyName });
    }
    const uid = created.metadata?.uid ?? "";
    if (sidecar && !keptSidecar(created, debugName)) {
      // An API server without native sidecars (before 1.29, or the SidecarContainers gate off) drops restartPolicy
      // from init containers (pkg/api/pod/util.go dropDisabledFields): the debug container would block the app.
      await deleteCopy(deps, namespace, copyName, uid, 0);
      await waitGone(deps, settings, created);
      request.onProgress?.(
        "this cluster has no native sidecars (Kubernetes before 1.29): the debug container runs beside the app containers…",
      );
      sidecar = false;
      continue;
    }
    try {
      await ledger.record({ name: copyName, uid, copyOf: sourceName, expiresAt });
    } catch (err) {
      // Not recorded, so not pns's to keep: it goes at once.
      await deleteCopy(deps, namespace, copyName, uid, 0).catch(() => undefined);
      await ledger.forget({ name: copyName, uid }).catch(() => undefined);
      throw err;
    }
    const running = await waitForContainer(deps, settings, created, debugName, "copy", request.onProgress);
    return { pod: running, container: debugName, expiresAt };
  }
}

/** True when pns recorded this pod's UID; a copy created a moment ago gets a few seconds for its worker to record it. */
async function isRecorded(deps: SessionDeps, ledger: CopyLedger, pod: V1Pod): Promise<boolean> {
  const name = pod.metadata?.name ?? "";
  const uid = pod.metadata?.uid;
  if (!uid) return false;
  const created = Date.parse(String(pod.metadata?.creationTimestamp ?? ""));
  const young = Number.isFinite(created) && deps.now() - created < JUST_CREATED_MS;
  const end = Date.now() + (young ? RECORD_WAIT_MS : 0);
  for (;;) {
    if ((await ledger.recordedUid(name)) === uid) return true;
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The pod, or null when there is none of that name. */
async function readIfExists(deps: SessionDeps, namespace: string, name: string): Promise<V1Pod | null> {
  try {
    return await deps.core.readNamespacedPod({ name, namespace });
  } catch (err) {
    if (isNotFound(err)) return null;
    throw toPnsError(err, { verb: "get", resource: "pods", namespace, name });
  }
}

/**
 * Deletes pns's copy only while it is the pod pns recorded: the UID precondition makes the server refuse (409) a pod
 * recreated under that name since (staging/src/k8s.io/apiserver/pkg/storage/interfaces.go Preconditions.Check).
 */
async function deleteCopy(
  deps: SessionDeps,
  namespace: string,
  name: string,
  uid: string,
  gracePeriodSeconds?: number,
): Promise<void> {
  try {
    await deps.core.deleteNamespacedPod({
      name,
      namespace,
      ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }),
      body: { preconditions: { uid }, propagationPolicy: "Background" },
    });
  } catch (err) {
    if (isNotFound(err)) return;
    throw toPnsError(err, { verb: "delete", resource: "pods", namespace, name });
  }
}

/**
 * Waits until this pod (its UID) is gone, so that its name is free, up to the start timeout. A deleted pod stays,
 * Terminating, until the kubelet has stopped its containers: up to its grace period (30 s by default). So the wait is
 * a watch of the pod from the version read (one request however long it takes), not a read every few hundred ms. A
 * watch that ends early (the server's timeout, a proxy, an ERROR event such as 410 Expired) is followed by a read
 * and, if the pod is still there, a new watch after a growing pause; a refusal (403) is the user's to see.
 */
async function waitGone(deps: SessionDeps, settings: DebugSettings, pod: V1Pod): Promise<void> {
  const namespace = pod.metadata?.namespace ?? "default";
  const name = pod.metadata?.name ?? "";
  const uid = pod.metadata?.uid;
  const end = Date.now() + settings.startTimeoutMs;
  let from = pod.metadata?.resourceVersion;
  for (let ended = 0; ; ended++) {
    if (ended > 0) {
      await new Promise((r) => setTimeout(r, Math.min(WATCH_BACKOFF_MAX_MS, WATCH_BACKOFF_MS * 2 ** (ended - 1))));
      const now = await readIfExists(deps, namespace, name);
      if (now === null || now.metadata?.uid !== uid) return;
      from = now.metadata?.resourceVersion;
    }
    const left = end - Date.now();
    if (left <= 0) {
      throw new PnsError(
        "timeout",
        `pns's ended debug copy ${name} was still being deleted after ${seconds(settings.startTimeoutMs)} s.`,
        { hint: "Try again in a minute." },
      );
    }
    if ((await watchUntilGone(deps, namespace, name, uid, from, left)) === "gone") return;
  }
}

/**
 * One watch of a pod from `resourceVersion`: "gone" on its DELETED event (or a pod of that name with another UID),
 * "ended" when the watch ends first or `ms` pass; rejects with the server's refusal.
 */
function watchUntilGone(
  deps: SessionDeps,
  namespace: string,
  name: string,
  uid: string | undefined,
  resourceVersion: string | undefined,
  ms: number,
): Promise<"gone" | "ended"> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let abort: AbortController | null = null;
    const finish = (outcome: "gone" | "ended" | PnsError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      abort?.abort();
      if (outcome instanceof PnsError) reject(outcome);
      else resolve(outcome);
    };
    const timer = setTimeout(() => finish("ended"), ms);
    const refused = (err: unknown) => toPnsError(err, { verb: "watch", resource: "pods", namespace, name });
    new Watch(deps.kc)
      .watch(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        { fieldSelector: `metadata.name=${name}`, ...(resourceVersion ? { resourceVersion } : {}) },
        (type: string, obj: V1Pod) => {
          if (type === "DELETED" && obj.metadata?.uid === uid) finish("gone");
          else if ((type === "ADDED" || type === "MODIFIED") && obj.metadata?.uid !== uid) finish("gone");
          // An ERROR event (410 Expired: the version is too old to watch from) ends this watch; a read follows.
          else if (type === "ERROR") finish("ended");
        },
        (err: unknown) => {
          if (err && httpCodeOf(err) !== null) finish(refused(err));
          else finish("ended");
        },
      )
      .then((controller) => {
        abort = controller;
        if (settled) controller.abort();
      })
      .catch((err: unknown) => finish(httpCodeOf(err) === null ? "ended" : refused(err)));
  });
}

/** The debug container of a copy that is still on its way up (not running, not ended), when the copy has time left. */
function startingCopyContainer(copy: V1Pod, image: string, nowMs: number): string | null {
  if (copy.metadata?.deletionTimestamp) return null;
  const phase = copy.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return null;
  const expires = Date.parse(copy.metadata?.annotations?.[EXPIRES_AT_ANNOTATION] ?? "");
  if (!Number.isNaN(expires) && expires - nowMs < MIN_REMAINING_MS) return null;
  const debug = copyDebugContainer(copy);
  if (!debug || debug.image !== image) return null;
  const state = stateOf(copy, debug.name);
  return state?.running || state?.terminated ? null : debug.name;
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
