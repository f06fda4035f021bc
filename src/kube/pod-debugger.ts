import type { V1Pod } from "@kubernetes/client-node";
import picomatch from "picomatch";
import type {
  CleanupReport,
  ClusterDebugSession,
  DebugLocation,
  PodDebugger,
  ProcessSnapshot,
} from "../app/ports/cluster.js";
import { ReadDenied } from "../app/ports/cluster.js";
import type { ClusterAccess, DebugConfig } from "../core/config/types.js";
import { PnsError } from "../core/errors.js";
import type { DebugAttachment } from "../core/model.js";
import { attributeContainers, containerIdsOfCgroups } from "../core/process/attribute.js";
import { parseCollectorOutput } from "../core/process/parse-collector.js";
import {
  COLLECT_SCRIPT,
  READ_FILE_SCRIPT,
  ReadFileExit,
  SIGNAL_SCRIPT,
  SignalExit,
  scriptArgv,
} from "../core/process/scripts.js";
import type { ProcessInfo } from "../core/process/types.js";
import { SIGNALS } from "../core/signals.js";
import { type ClusterClients, type ClusterCredentialSources, clusterClients } from "./clusters.js";
import { type Attached, attachDebugContainer, type DebugSettings } from "./debug-session.js";
import { copyDebugContainer } from "./debug-spec.js";
import { toFileContent } from "./file-content.js";
import { isNotFound, kubeCall, oneLine, toPnsError } from "./kube-errors.js";
import {
  COPY_OF_ANNOTATION,
  DEBUG_CONTAINER_PREFIX,
  EXPIRES_AT_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  REQUESTED_BY_ANNOTATION,
} from "./labels.js";
import { type ExecResult, execInContainer } from "./pod-exec.js";
import { resolveTarget } from "./target.js";

/** What a PodDebugger uses besides the cluster: clock, ids, and how long to let a signal settle. */
export interface KubeDebuggerDeps {
  /** @default Date.now */
  now?: () => number;
  /** Short random suffix for names. @default 5 random [a-z0-9] */
  shortId?: () => string;
  /** The cluster's clients; by default built (and cached) from the cluster's access config. */
  clients?: ClusterClients;
  /** EKS and Secrets Manager access, for clusters of those kinds. @default none: kubeconfig files only */
  credentials?: ClusterCredentialSources;
  /** Milliseconds between a signal and the listing after it. @default 300 */
  settleMs?: number;
  /** Milliseconds to wait for a debug container to run. @default 60000 */
  startTimeoutMs?: number;
  /** Output cap of the collector in bytes. @default 8 MiB */
  maxListingBytes?: number;
}

/** The debugger's view of a cluster from the config: its name, access and the debug settings. */
export interface KubeClusterConfig {
  name: string;
  access: ClusterAccess;
  debug: DebugConfig;
}

/** How long a pod read by this debugger stands in for a fresh read. @default 30 s */
export const SEEN_POD_TTL_MS = 30_000;

/** Where to run scripts for an attachment. */
export function locationOf(namespace: string, attachment: DebugAttachment): DebugLocation {
  return {
    namespace,
    pod: attachment.pod,
    container: attachment.container,
    targetContainer: attachment.targetContainer,
  };
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Five random lowercase letters and digits, as kubectl uses for debug names. */
export function randomShortId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(5));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join("");
}

function checkPid(pid: number): void {
  if (!Number.isSafeInteger(pid) || pid < 1 || pid > 4_194_304) {
    throw new PnsError("invalid_command", `"${pid}" is not a process ID.`);
  }
}

function checkPath(path: string): void {
  const bad =
    !path.startsWith("/") ||
    path.length > 4096 ||
    path.includes("\0") ||
    path.split("/").some((segment) => segment === "..");
  if (bad) {
    throw new PnsError(
      "invalid_command",
      "The file must be an absolute path without `..`, like /etc/nginx/nginx.conf.",
    );
  }
}

function noShell(result: ExecResult, location: DebugLocation): PnsError | null {
  if (result.exitCode === 126 || result.exitCode === 127) {
    return new PnsError(
      "exec_failed",
      `The debug image in ${location.pod}/${location.container} lacks a tool pns needs: ${oneLine(result.stderr) || "sh"}.`,
      { hint: "Set `debug.image` to an image with busybox (sh, od, tr, head, sha256sum)." },
    );
  }
  return null;
}

/** Creates the PodDebugger of one cluster. */
export function createKubeDebugger(cluster: KubeClusterConfig, deps: KubeDebuggerDeps = {}): PodDebugger {
  const now = deps.now ?? Date.now;
  const shortId = deps.shortId ?? randomShortId;
  const settleMs = deps.settleMs ?? 300;
  const maxListingBytes = deps.maxListingBytes ?? 8 * 1024 * 1024;
  const settings: DebugSettings = {
    image: cluster.debug.image,
    profile: cluster.debug.profile,
    lifetimeSeconds: Math.max(60, Math.round(cluster.debug.containerLifetimeMs / 1000)),
    startTimeoutMs: deps.startTimeoutMs ?? 60_000,
    maxEphemeralContainers: cluster.debug.maxEphemeralContainers,
    resources: cluster.debug.resources,
    copySameNode: cluster.debug.copySameNode,
  };
  const clients = () =>
    deps.clients ? Promise.resolve(deps.clients) : clusterClients(cluster.name, cluster.access, now, deps.credentials);
  /** Pods seen lately, so listing right after attaching needs no second read. */
  const recent = new Map<string, { pod: V1Pod; at: number }>();
  const key = (namespace: string, pod: string) => `${namespace}/${pod}`;
  const seen = {
    set: (k: string, pod: V1Pod) => recent.set(k, { pod, at: now() }),
    get: (k: string) => {
      const entry = recent.get(k);
      return entry && now() - entry.at < SEEN_POD_TTL_MS ? entry.pod : undefined;
    },
  };
  /** Attaches in flight in this process, so two `ps` of one pod share one. */
  const attaching = new Map<string, Promise<Attached>>();

  const exec = async (location: DebugLocation, argv: string[], maxBytes: number) => {
    const c = await clients();
    return execInContainer(c.kc, location, argv, { timeoutMs: cluster.debug.execTimeoutMs, maxBytes });
  };

  const readPod = async (namespace: string, name: string): Promise<V1Pod> => {
    const c = await clients();
    const pod = await kubeCall({ verb: "get", resource: "pods", namespace, name }, () =>
      c.core.readNamespacedPod({ name, namespace }),
    );
    seen.set(key(namespace, name), pod);
    return pod;
  };

  const listProcesses = async (location: DebugLocation): Promise<ProcessSnapshot> => {
    const cachedPod = seen.get(key(location.namespace, location.pod));
    const [result, pod] = await Promise.all([
      exec(location, scriptArgv(COLLECT_SCRIPT), maxListingBytes),
      cachedPod ? Promise.resolve(cachedPod) : readPod(location.namespace, location.pod),
    ]);
    const failure = noShell(result, location);
    if (failure) throw failure;
    if (result.exitCode !== 0 && result.exitCode !== null) {
      throw new PnsError(
        "exec_failed",
        `Listing the processes of ${location.pod} failed (exit ${result.exitCode}): ${oneLine(result.stderr)}`,
      );
    }
    const listing = parseCollectorOutput(result.stdout.toString("utf8"), { maxProcesses: cluster.debug.maxProcesses });
    // Container IDs come from the pod's status; when a process sits in a container we do not know yet (started after
    // the pod was read), read the pod again.
    const options = { targetContainer: location.targetContainer ?? null };
    let attributed = attributeContainers(listing, pod, options);
    if (cachedPod && attributed.processes.some(unattributed)) {
      attributed = attributeContainers(listing, await readPod(location.namespace, location.pod), options);
    }
    return {
      listing: attributed,
      location,
      takenAt: new Date(now()).toISOString(),
    };
  };

  return {
    async isRunning(location) {
      const c = await clients();
      let pod: V1Pod;
      try {
        pod = await c.core.readNamespacedPod({ name: location.pod, namespace: location.namespace });
      } catch (err) {
        if (isNotFound(err)) return false;
        throw toPnsError(err, { verb: "get", resource: "pods", namespace: location.namespace, name: location.pod });
      }
      const statuses = [
        ...(pod.status?.initContainerStatuses ?? []),
        ...(pod.status?.containerStatuses ?? []),
        ...(pod.status?.ephemeralContainerStatuses ?? []),
      ];
      return Boolean(statuses.find((s) => s.name === location.container)?.state?.running);
    },

    async resolveTarget(namespace, target) {
      const c = await clients();
      const resolved = await resolveTarget(c, namespace, target);
      seen.set(key(namespace, resolved.pod.name), resolved.object as V1Pod);
      return resolved;
    },

    async attach(target, request) {
      const c = await clients();
      const strategyChoice = request.strategy ?? (cluster.debug.strategy === "copy" ? "copy" : null);
      const profile = request.profile ?? settings.profile;
      const flightKey = [
        target.namespace,
        target.pod.name,
        strategyChoice ?? "auto",
        request.container ?? "",
        profile,
      ].join("/");
      const inFlight = attaching.get(flightKey);
      // Another `ps` of this pod in this process is attaching: share its debug container.
      if (inFlight) return { ...(await inFlight).attachment, reused: true };
      const sessionDeps = { kc: c.kc, core: c.core, now, shortId };
      // Least privilege per action: a read that needs SYS_PTRACE asks for its own profile; the rest use debug.profile.
      const actionSettings = profile === settings.profile ? settings : { ...settings, profile };
      const run = async () => {
        try {
          return await attachDebugContainer(sessionDeps, actionSettings, target.object as V1Pod, {
            ...request,
            strategy: strategyChoice,
          });
        } catch (err) {
          // `auto` falls back to a copy when the cluster has no ephemeral containers.
          const fallback =
            strategyChoice === null &&
            cluster.debug.strategy === "auto" &&
            err instanceof PnsError &&
            err.code === "ephemeral_unsupported";
          if (!fallback) throw err;
          request.onProgress?.(`${err.userMessage} Debugging a copy of ${target.pod.name} instead…`);
          return attachDebugContainer(sessionDeps, actionSettings, target.object as V1Pod, {
            ...request,
            strategy: "copy",
          });
        }
      };
      const promise = run().finally(() => attaching.delete(flightKey));
      attaching.set(flightKey, promise);
      const { attachment, pod } = await promise;
      // The pod as seen when its debug container ran, so listing needs no second read.
      seen.set(key(target.namespace, attachment.pod), pod);
      return attachment;
    },

    listProcesses,

    async sendSignal(order) {
      checkPid(order.fingerprint.pid);
      if (!Object.hasOwn(SIGNALS, order.signal)) {
        throw new PnsError("invalid_command", `pns does not send ${order.signal}.`);
      }
      const before = await listProcesses(order.location);
      const { pid } = order.fingerprint;
      const target = before.listing.processes.find((p) => p.pid === pid);
      if (!target) throw processGone(pid);
      if (target.role === "pause") {
        throw new PnsError("not_allowed", `PID ${pid} is the pod's sandbox (/pause): pns does not signal it.`, {
          hint: "In a pod that shares its process namespace, PID 1 is /pause, not your application.",
        });
      }
      if (target.role === "debug") {
        throw new PnsError("not_allowed", `PID ${pid} belongs to pns's own debug container.`);
      }
      if (target.startTicks !== order.fingerprint.startTicks) throw processChanged(pid);
      const fp = order.fingerprint;
      const result = await exec(
        order.location,
        scriptArgv(SIGNAL_SCRIPT, [String(pid), order.signal, String(fp.startTicks), fp.cmdSha256]),
        64 * 1024,
      );
      switch (result.exitCode) {
        case SignalExit.sent:
          break;
        case SignalExit.gone:
          throw processGone(pid);
        case SignalExit.changed:
          throw processChanged(pid);
        case SignalExit.killFailed:
          throw new PnsError(
            "exec_failed",
            `The kernel refused SIG${order.signal} to PID ${pid}: ${oneLine(result.stderr) || "no reason given"}. Nothing was sent.`,
            { hint: signalRefusedHint(cluster.debug.profile) },
          );
        case SignalExit.toolMissing:
          throw new PnsError("exec_failed", "The debug image has no `sha256sum`, so pns cannot check the process.", {
            hint: "Set `debug.image` to a busybox image.",
          });
        default:
          throw (
            noShell(result, order.location) ??
            new PnsError("exec_failed", `The signal script failed (exit ${result.exitCode}): ${oneLine(result.stderr)}`)
          );
      }
      if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
      // The signal is sent: a failure to list afterwards must not make it look unsent (and be sent again).
      const after = await listProcesses(order.location).catch(() => null);
      return { before, after };
    },

    async readFile(request) {
      checkPid(request.pid);
      checkPath(request.path);
      const max = cluster.debug.maxFileBytes;
      const result = await exec(
        request.location,
        scriptArgv(READ_FILE_SCRIPT, [String(request.pid), request.path, String(max + 1)]),
        max + 1,
      );
      const where = `${request.path} of PID ${request.pid}`;
      switch (result.exitCode) {
        case ReadFileExit.ok:
        case null:
          return toFileContent(result.stdout.subarray(0, max), cluster.debug.maxFileLines, result.stdout.length > max);
        case ReadFileExit.missing:
          throw new PnsError("not_found", `There is no file ${where} (or the process is gone).`);
        case ReadFileExit.directory:
          throw new PnsError("invalid_command", `${where} is a directory: name a file.`);
        case ReadFileExit.unreadable:
          throw new PnsError("forbidden", `pns may not read ${where}: permission denied.`, {
            cause: new ReadDenied(oneLine(result.stderr) || "permission denied"),
            hint: "Reading another uid's files through /proc/PID/root needs SYS_PTRACE (the `general` debug profile, where Pod Security allows it) or the same uid (the `restricted` profile runs as the target container's uid).",
          });
        default:
          throw (
            noShell(result, request.location) ??
            new PnsError("exec_failed", `Reading ${where} failed (exit ${result.exitCode}): ${oneLine(result.stderr)}`)
          );
      }
    },

    async sessions(namespaces) {
      const c = await clients();
      return listSessions(c, namespaces);
    },

    async cleanup(namespaces, options = {}) {
      const c = await clients();
      const of = options.of ?? null;
      const all = (await listSessions(c, namespaces)).filter((s) => of === null || s.pod === of || s.copyOf === of);
      const report: CleanupReport = { deleted: [], kept: [], runningEphemeral: [], failed: [] };
      for (const session of all) {
        if (session.kind === "ephemeral") {
          report.runningEphemeral.push(session);
          continue;
        }
        const expires = Date.parse(session.expiresAt ?? "");
        const finished = session.state === "Succeeded" || session.state === "Failed";
        // A copy without a readable expiry is not ours to judge: keep it and show it.
        if (!(options.now || finished || (!Number.isNaN(expires) && expires <= now()))) {
          report.kept.push(session);
          continue;
        }
        try {
          await c.core.deleteNamespacedPod({
            name: session.pod,
            namespace: session.namespace,
            body: { propagationPolicy: "Background" },
          });
          report.deleted.push(session);
        } catch (err) {
          if (isNotFound(err)) report.deleted.push(session);
          else {
            const e = toPnsError(err, {
              verb: "delete",
              resource: "pods",
              namespace: session.namespace,
              name: session.pod,
            });
            report.failed.push({ session, message: e.userMessage });
          }
        }
      }
      return report;
    },
  };
}

/** An app process in a container cgroup that no container status names. */
function unattributed(p: ProcessInfo): boolean {
  return p.container === null && p.role === "app" && containerIdsOfCgroups(p.cgroups).length > 0;
}

/** What lets a debug container signal another uid: CAP_KILL (linux kernel/signal.c kill_ok_by_cred), not SYS_PTRACE. */
export function signalRefusedHint(profile: string): string {
  return profile === "restricted"
    ? "The `restricted` profile drops CAP_KILL, so it signals only processes of the target container's uid: use `debug.profile: baseline` where Pod Security allows it (CAP_KILL is in the default set)."
    : "Signalling another uid's process needs CAP_KILL (in the runtime's default set, allowed by Pod Security baseline): check that the debug profile does not drop it. SYS_PTRACE does not help.";
}

function processGone(pid: number): PnsError {
  return new PnsError("process_gone", `PID ${pid} has exited: no signal was sent.`, {
    hint: "List the processes again with `/pns ps` and pick the process anew.",
  });
}

function processChanged(pid: number): PnsError {
  return new PnsError(
    "process_changed",
    `PID ${pid} is now another process (it started at another time or runs another command): no signal was sent.`,
    { hint: "List the processes again with `/pns ps` and pick the process anew." },
  );
}

/** Lists pns's copies and running ephemeral debug containers in these namespaces (names or globs). */
async function listSessions(c: ClusterClients, namespaces: readonly string[]): Promise<ClusterDebugSession[]> {
  const globs = namespaces.filter((n) => picomatch.scan(n).isGlob);
  let pods: V1Pod[];
  if (globs.length > 0) {
    const allowed = picomatch([...namespaces]);
    const list = await kubeCall({ verb: "list", resource: "pods", namespace: "(all namespaces)" }, () =>
      c.core.listPodForAllNamespaces({}),
    );
    pods = list.items.filter((p) => allowed(p.metadata?.namespace ?? ""));
  } else {
    const lists = await Promise.all(
      namespaces.map((namespace) =>
        kubeCall({ verb: "list", resource: "pods", namespace }, () => c.core.listNamespacedPod({ namespace })),
      ),
    );
    pods = lists.flatMap((l) => l.items);
  }
  const sessions: ClusterDebugSession[] = [];
  for (const pod of pods) {
    const namespace = pod.metadata?.namespace ?? "";
    const name = pod.metadata?.name ?? "";
    if (pod.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE) {
      const annotations = pod.metadata.annotations ?? {};
      const debug = copyDebugContainer(pod);
      sessions.push({
        kind: "copy",
        namespace,
        pod: name,
        container: debug?.name ?? "",
        image: debug?.image ?? "",
        copyOf: annotations[COPY_OF_ANNOTATION] ?? null,
        requestedBy: annotations[REQUESTED_BY_ANNOTATION] ?? null,
        expiresAt: annotations[EXPIRES_AT_ANNOTATION] ?? null,
        state: pod.status?.phase ?? "Unknown",
      });
      continue;
    }
    const statuses = new Map((pod.status?.ephemeralContainerStatuses ?? []).map((s) => [s.name, s]));
    for (const e of pod.spec?.ephemeralContainers ?? []) {
      if (!e.name.startsWith(DEBUG_CONTAINER_PREFIX)) continue;
      const running = statuses.get(e.name)?.state?.running;
      if (!running) continue;
      const seconds = e.command?.[0] === "sleep" ? Number(e.command[1]) : Number.NaN;
      const started = running.startedAt ? new Date(running.startedAt).getTime() : Number.NaN;
      const expires = started + seconds * 1000;
      sessions.push({
        kind: "ephemeral",
        namespace,
        pod: name,
        container: e.name,
        image: e.image ?? "",
        copyOf: null,
        requestedBy: null,
        expiresAt: Number.isFinite(expires) ? new Date(expires).toISOString() : null,
        state: "Running",
      });
    }
  }
  return sessions;
}
