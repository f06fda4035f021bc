import type { V1ContainerStateTerminated, V1Pod, V1PodList } from "@kubernetes/client-node";
import picomatch from "picomatch";
import type {
  CleanupReport,
  ClusterDebugSession,
  DebugLocation,
  ListOptions,
  PodDebugger,
  ProcessSnapshot,
  RecordedDebugContainer,
} from "../app/ports/cluster.js";
import type { ClusterAccess, DebugConfig } from "../core/config/types.js";
import { PnsError } from "../core/errors.js";
import { parseInspectOutput } from "../core/inspect/parse-inspect.js";
import type { DebugAttachment } from "../core/model.js";
import { parsePortsOutput } from "../core/ports/ports-output.js";
import { attributeContainers } from "../core/process/attribute.js";
import { ENVIRON_MAX_BYTES, INSPECT_GONE_EXIT, INSPECT_SCRIPT, PORTS_SCRIPT } from "../core/process/debug-scripts.js";
import {
  checkPath,
  parseReadFileReport,
  readFileArgs,
  readFileError,
  type SecretRule,
  secretRules,
} from "../core/process/file-read.js";
import { parseCollectorOutput } from "../core/process/parse-collector.js";
import { podSummaryOf } from "../core/process/pod-summary.js";
import {
  COLLECT_SCRIPT,
  collectArgs,
  READ_FILE_SCRIPT,
  ReadFileExit,
  SCRIPT_TIMED_OUT_EXIT,
  SIGNAL_SCRIPT,
  SIGNAL_SENDING_MARKER,
  SignalExit,
  scriptArgv,
} from "../core/process/scripts.js";
import { type DropReason, dispositionsOf, droppedMessage, signalDelivery } from "../core/process/signal-delivery.js";
import { SIGNALS, type SignalName } from "../core/signals.js";
import { type ClusterClients, type ClusterCredentialSources, clusterClients } from "./clusters.js";
import { type Attached, attachDebugContainer, type DebugSettings } from "./debug-session.js";
import { copyDebugContainer, isCopyName } from "./debug-spec.js";
import { doctorFacts } from "./doctor.js";
import { toFileContent } from "./file-content.js";
import {
  httpCodeOf,
  isConflict,
  isNotFound,
  type KubeOperation,
  kubeCall,
  oneLine,
  statusOf,
  toPnsError,
} from "./kube-errors.js";
import {
  COPY_OF_ANNOTATION,
  EXPIRES_AT_ANNOTATION,
  MANAGED_BY_LABEL,
  MANAGED_BY_SELECTOR,
  MANAGED_BY_VALUE,
  REQUESTED_BY_ANNOTATION,
} from "./labels.js";
import { type ExecResult, execInContainer } from "./pod-exec.js";
import { readContainerLogs } from "./pod-logs.js";
import { declaredPorts, podServices } from "./ports.js";
import { secretMountPaths } from "./secret-mounts.js";
import { podNames, resolveTarget } from "./target.js";

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
  /** Items per page (`limit`) when listing pns's copies. @default {@link COPIES_PAGE_SIZE} */
  listPageSize?: number;
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

function noShell(result: ExecResult, location: DebugLocation): PnsError | null {
  if (result.exitCode === SCRIPT_TIMED_OUT_EXIT && result.stderr.includes("pns: timed out")) {
    return new PnsError(
      "timeout",
      `The command in ${location.pod}/${location.container} ran past its time limit, and pns ended it in the container.`,
      { hint: "Try again; if it keeps happening, the node may be overloaded or a process's /proc entry stuck." },
    );
  }
  if (result.exitCode === 126 || result.exitCode === 127) {
    return new PnsError(
      "exec_failed",
      `The debug image in ${location.pod}/${location.container} lacks a tool pns needs: ${oneLine(result.stderr) || "sh"}.`,
      { hint: "Set `debug.image` to an image with busybox (sh, od, tr, head, sha256sum, stat, readlink)." },
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
  const pageSize = deps.listPageSize ?? COPIES_PAGE_SIZE;
  const settings: DebugSettings = {
    image: cluster.debug.image,
    profile: cluster.debug.profile,
    lifetimeSeconds: Math.max(60, Math.round(cluster.debug.containerLifetimeMs / 1000)),
    startTimeoutMs: deps.startTimeoutMs ?? 60_000,
    maxEphemeralContainers: cluster.debug.maxEphemeralContainers,
    resources: cluster.debug.resources,
    copySameNode: cluster.debug.copySameNode,
    copy: cluster.debug.copy,
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

  const exec = async (location: DebugLocation, argv: string[], maxBytes: number, resolveOnBreak = false) => {
    const c = await clients();
    return execInContainer(c.kc, location, argv, { timeoutMs: cluster.debug.execTimeoutMs, maxBytes, resolveOnBreak });
  };
  // Scripts end by themselves a little after the client gives up on them (WATCHDOG_PROLOGUE).
  const bounded = { timeoutSeconds: Math.min(3600, Math.ceil(cluster.debug.execTimeoutMs / 1000) + 10) };

  const readPod = async (namespace: string, name: string): Promise<V1Pod> => {
    const c = await clients();
    const pod = await kubeCall({ verb: "get", resource: "pods", namespace, name }, () =>
      c.core.readNamespacedPod({ name, namespace }),
    );
    seen.set(key(namespace, name), pod);
    return pod;
  };

  const listProcesses = async (location: DebugLocation, list: ListOptions = {}): Promise<ProcessSnapshot> => {
    const cachedPod = seen.get(key(location.namespace, location.pod));
    const args = list.cpuSampleSeconds === undefined ? [] : collectArgs(list.cpuSampleSeconds);
    const [result, pod] = await Promise.all([
      exec(location, scriptArgv(COLLECT_SCRIPT, args, bounded), maxListingBytes),
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
    if (cachedPod && (attributed.outside?.processes ?? 0) > 0) {
      attributed = attributeContainers(listing, await readPod(location.namespace, location.pod), options);
    }
    return {
      listing: attributed,
      location,
      takenAt: new Date(now()).toISOString(),
    };
  };

  const isRunning = async (location: DebugLocation): Promise<boolean> => {
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
  };

  return {
    isRunning,

    async resolveTarget(namespace, target) {
      const c = await clients();
      const resolved = await resolveTarget(c, namespace, target);
      seen.set(key(namespace, resolved.pod.name), resolved.object as V1Pod);
      return resolved;
    },

    async podNames(namespace, limit) {
      const c = await clients();
      return podNames(c.core, namespace, limit);
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
      if (inFlight && !request.avoid) return { ...(await inFlight).attachment, reused: true };
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

    async listPorts(location, sourcePod) {
      const c = await clients();
      const podOf = async () => seen.get(key(location.namespace, sourcePod)) ?? readPod(location.namespace, sourcePod);
      const [result, pod] = await Promise.all([exec(location, scriptArgv(PORTS_SCRIPT), maxListingBytes), podOf()]);
      const failure = noShell(result, location);
      if (failure) throw failure;
      if (result.exitCode !== 0 && result.exitCode !== null) {
        throw new PnsError(
          "exec_failed",
          `Reading the sockets of ${location.pod} failed (exit ${result.exitCode}): ${oneLine(result.stderr)}`,
        );
      }
      const services = await podServices(c.core, pod);
      return {
        output: parsePortsOutput(result.stdout.toString("utf8")),
        declared: declaredPorts(pod),
        services: services.services,
        servicesProblem: services.problem,
      };
    },

    async inspectProcess(location, pid) {
      checkPid(pid);
      const result = await exec(
        location,
        scriptArgv(INSPECT_SCRIPT, [String(pid), String(ENVIRON_MAX_BYTES)]),
        4 * ENVIRON_MAX_BYTES,
      );
      if (result.exitCode === INSPECT_GONE_EXIT) {
        throw new PnsError("process_gone", `PID ${pid} has exited.`, {
          hint: "List the processes again with `/pns ps` and pick the process anew.",
        });
      }
      const failure = noShell(result, location);
      if (failure) throw failure;
      if (result.exitCode !== 0 && result.exitCode !== null) {
        throw new PnsError(
          "exec_failed",
          `Inspecting PID ${pid} failed (exit ${result.exitCode}): ${oneLine(result.stderr)}`,
        );
      }
      return parseInspectOutput(result.stdout.toString("utf8"), ENVIRON_MAX_BYTES);
    },

    async doctor(target, request) {
      const c = await clients();
      return doctorFacts({ kc: c.kc, core: c.core, debug: cluster.debug, now }, target.object as V1Pod, request);
    },

    async sendSignal(order) {
      checkPid(order.fingerprint.pid);
      if (!Object.hasOwn(SIGNALS, order.signal)) {
        throw new PnsError("invalid_command", `pns does not send ${order.signal}.`);
      }
      const before = await listProcesses(order.location);
      const { pid } = order.fingerprint;
      const target = before.listing.processes.find((p) => p.pid === pid);
      if (!target && before.listing.outside?.hostPID) {
        throw new PnsError(
          "not_allowed",
          `PID ${pid} is not a process of pod ${order.location.pod}'s containers: the pod shares the node's PID namespace (hostPID), and pns signals only the pod's own processes.`,
        );
      }
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
      // Never send what the kernel would drop: kill(2) succeeds all the same, and "sent" would be a lie.
      const delivery = signalDelivery(order.signal, dispositionsOf(target));
      if (delivery.kind === "dropped") throw signalDropped(order.signal, pid, delivery.reason);
      const fp = order.fingerprint;
      const result = await exec(
        order.location,
        scriptArgv(SIGNAL_SCRIPT, [String(pid), order.signal, String(fp.startTicks), fp.cmdSha256], bounded),
        64 * 1024,
        true,
      );
      const marked = result.stdout.toString("utf8").split("\n").includes(SIGNAL_SENDING_MARKER);
      // The marker came right before kill, then the stream broke or the script was killed (137): the target was its
      // namespace's init and took the debug container down with it (linux kernel/pid_namespace.c zap_pid_namespace).
      if (marked && (result.broken || result.exitCode === 137 || result.exitCode === null)) {
        return { before, after: null, targetExited: true };
      }
      if (result.broken) {
        throw new PnsError(
          "exec_failed",
          `The connection to ${order.location.pod}/${order.location.container} closed before the signal script reached kill: nothing was sent.`,
          { hint: "Try again: pns starts a new debug container when the old one has ended." },
        );
      }
      switch (result.exitCode) {
        case SignalExit.sent:
          break;
        case SignalExit.gone:
          throw processGone(pid);
        case SignalExit.changed:
          throw processChanged(pid);
        case SignalExit.dropped: {
          const reason = /^pns: dropped (\w+)$/m.exec(result.stdout.toString("utf8"))?.[1] ?? "";
          throw signalDropped(order.signal, pid, isDropReason(reason) ? reason : "init_no_handler");
        }
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
      const at = /^pns: at (\d{9,11})$/m.exec(result.stdout.toString("utf8"))?.[1];
      const sentAt = at === undefined ? null : new Date(Number(at) * 1000).toISOString();
      if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
      // The signal is sent: a failure to list afterwards must not make it look unsent (and be sent again).
      const after = await listProcesses(order.location).catch(() => null);
      // PID 1 exiting a moment after the script ended ends the debug container all the same.
      if (after === null && pid === 1 && !(await isRunning(order.location).catch(() => true))) {
        return { before, after: null, targetExited: true, sentAt };
      }
      return { before, after, sentAt };
    },

    async readLogs(request) {
      return readContainerLogs(await clients(), request);
    },

    async podHealth(namespace, name, options = {}) {
      const pod = (options.asListed ? seen.get(key(namespace, name)) : undefined) ?? (await readPod(namespace, name));
      const ready = pod.status?.conditions?.find((c) => c.type === "Ready")?.status;
      return { summary: podSummaryOf(pod), ready: ready === "True" ? true : ready === "False" ? false : null };
    },

    async readFile(request) {
      checkPid(request.pid);
      checkPath(request.path);
      const { location } = request;
      const max = cluster.debug.maxFileBytes;
      let rules: SecretRule[] = [];
      const container = request.container ?? null;
      if (request.secrets !== "allow") {
        const pod =
          seen.get(key(location.namespace, location.pod)) ?? (await readPod(location.namespace, location.pod));
        rules = secretRules(secretMountPaths(pod, container));
      }
      const result = await exec(
        location,
        scriptArgv(READ_FILE_SCRIPT, readFileArgs(request.pid, request.path, max + 1, rules)),
        max + 1,
      );
      const report = parseReadFileReport(result.stderr);
      if (result.exitCode === ReadFileExit.ok || result.exitCode === null) {
        const content = toFileContent(
          result.stdout.subarray(0, max),
          cluster.debug.maxFileLines,
          result.stdout.length > max,
        );
        return { ...content, path: report.file ?? request.path, via: report.via };
      }
      const where = { pid: request.pid, path: request.path, container, pod: location.pod, rules };
      throw (
        readFileError(result.exitCode, report, where) ??
        noShell(result, location) ??
        new PnsError(
          "exec_failed",
          `Reading ${request.path} of PID ${request.pid} failed (exit ${result.exitCode}): ${oneLine(result.stderr)}`,
        )
      );
    },

    async sessions(namespaces, recorded = []) {
      const c = await clients();
      return listSessions(c, namespaces, recorded, pageSize);
    },

    async cleanup(namespaces, options) {
      const c = await clients();
      const of = options.of ?? null;
      const all = (await listSessions(c, namespaces, options.recorded, pageSize)).filter(
        (s) => (of === null || s.pod === of || s.copyOf === of) && (s.kind === "copy" || s.state === "Running"),
      );
      const report: CleanupReport = { deleted: [], kept: [], runningEphemeral: [], failed: [], notOwned: [] };
      for (const session of all) {
        if (session.kind === "ephemeral") {
          report.runningEphemeral.push(session);
          continue;
        }
        // A label anyone with `create pods` can set: only a copy named like pns's whose UID pns recorded is pns's.
        const recorded = options.owned.get(`${session.namespace}/${session.pod}`);
        if (!isCopyName(session.pod) || recorded === undefined || recorded !== session.uid) {
          report.notOwned.push(session);
          continue;
        }
        // Deleted already (by an earlier run, a user): it goes when the kubelet has stopped it; a second DELETE
        // would change nothing (staging/src/k8s.io/apiserver/pkg/registry/rest/delete.go BeforeDelete).
        if (session.state === "Terminating") {
          report.deleted.push(session);
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
          // The UID precondition: a pod made under this name since it was listed is not deleted (409 instead).
          await c.core.deleteNamespacedPod({
            name: session.pod,
            namespace: session.namespace,
            body: { propagationPolicy: "Background", preconditions: { uid: recorded } },
          });
          report.deleted.push(session);
        } catch (err) {
          if (isNotFound(err)) report.deleted.push(session);
          else if (isConflict(err)) report.notOwned.push(session);
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

/** What lets a debug container signal another uid: CAP_KILL (linux kernel/signal.c kill_ok_by_cred), not SYS_PTRACE. */
export function signalRefusedHint(profile: string): string {
  return profile === "restricted"
    ? "The `restricted` profile drops CAP_KILL, so it signals only processes of the target container's uid: use `debug.profile: baseline` where Pod Security allows it (CAP_KILL is in the default set)."
    : "Signalling another uid's process needs CAP_KILL (in the runtime's default set, allowed by Pod Security baseline): check that the debug profile does not drop it. SYS_PTRACE does not help.";
}

const DROP_REASONS: readonly DropReason[] = ["init_uncatchable", "init_no_handler", "ignored", "ignored_by_default"];

function isDropReason(s: string): s is DropReason {
  return (DROP_REASONS as readonly string[]).includes(s);
}

/** A signal the kernel would drop: refused, with why and what works instead. */
function signalDropped(signal: SignalName, pid: number, reason: DropReason): PnsError {
  const { message, hint } = droppedMessage(signal, pid, reason);
  return new PnsError("not_allowed", message, { hint });
}

function processGone(pid: number): PnsError {
  return new PnsError("process_gone", `PID ${pid} has exited.`, {
    hint: "List the processes again with `/pns ps` and pick the process anew.",
  });
}

function processChanged(pid: number): PnsError {
  return new PnsError(
    "process_changed",
    `PID ${pid} is now another process (it started at another time or runs another command).`,
    { hint: "List the processes again with `/pns ps` and pick the process anew." },
  );
}

/** Items per page when listing pns's copies: a namespace rarely holds more, and a page stays small. */
export const COPIES_PAGE_SIZE = 100;

/** Recorded pods read at once when reporting ephemeral debug containers. */
const READ_CONCURRENCY = 8;

/**
 * pns's copies (label-selected, paginated, per namespace: across namespaces only when a glob asks) and the live state
 * of the debug containers pns recorded attaching in these namespaces (one read per recorded pod; a deleted pod is
 * left out). Never lists the cluster's other pods.
 */
async function listSessions(
  c: ClusterClients,
  namespaces: readonly string[],
  recorded: readonly RecordedDebugContainer[] = [],
  pageSize = COPIES_PAGE_SIZE,
): Promise<ClusterDebugSession[]> {
  const allowed = picomatch([...namespaces]);
  const copies: V1Pod[] = [];
  if (namespaces.some((n) => picomatch.scan(n).isGlob)) {
    const all = await pagedList(pageSize, { verb: "list", resource: "pods", namespace: "(all namespaces)" }, (page) =>
      c.core.listPodForAllNamespaces({ labelSelector: MANAGED_BY_SELECTOR, ...page }),
    );
    copies.push(...all.filter((p) => allowed(p.metadata?.namespace ?? "")));
  } else {
    for (const namespace of new Set(namespaces)) {
      copies.push(
        ...(await pagedList(pageSize, { verb: "list", resource: "pods", namespace }, (page) =>
          c.core.listNamespacedPod({ namespace, labelSelector: MANAGED_BY_SELECTOR, ...page }),
        )),
      );
    }
  }
  const sessions = copies.filter((p) => p.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE).map(copySession);
  const copyKeys = new Set(sessions.map((s) => `${s.namespace}/${s.pod}`));
  const byPod = new Map<string, { namespace: string; pod: string; containers: Set<string> }>();
  for (const r of recorded) {
    const k = `${r.namespace}/${r.pod}`;
    if (!allowed(r.namespace) || copyKeys.has(k)) continue;
    const entry = byPod.get(k) ?? { namespace: r.namespace, pod: r.pod, containers: new Set<string>() };
    entry.containers.add(r.container);
    byPod.set(k, entry);
  }
  const pods = [...byPod.values()];
  for (let i = 0; i < pods.length; i += READ_CONCURRENCY) {
    const read = await Promise.all(pods.slice(i, i + READ_CONCURRENCY).map((p) => ephemeralSessions(c, p)));
    sessions.push(...read.flat());
  }
  return sessions;
}

/** Every item of a list, page by page (`limit`/`continue`); a 410 Expired token goes on with the one it carries. */
async function pagedList(
  pageSize: number,
  op: KubeOperation,
  list: (page: { limit: number; _continue?: string }) => Promise<V1PodList>,
): Promise<V1Pod[]> {
  const items: V1Pod[] = [];
  let token: string | undefined;
  let restarts = 0;
  do {
    let page: V1PodList;
    try {
      page = await list({ limit: pageSize, ...(token ? { _continue: token } : {}) });
    } catch (err) {
      // The continue token outlived etcd's compaction (kube-apiserver etcd3/errors.go): the Status carries a token for
      // the rest, read at the latest revision; a copy seen twice or changed meanwhile is judged again on the next run.
      const next = (statusOf(err) as { metadata?: { continue?: string } } | null)?.metadata?.continue;
      if (httpCodeOf(err) === 410 && restarts++ < 3) {
        token = next || undefined;
        if (!next) items.length = 0;
        continue;
      }
      throw toPnsError(err, op);
    }
    items.push(...page.items);
    token = page.metadata?._continue || undefined;
  } while (token);
  return items;
}

/** A copy as a session: its annotations say whose and until when; its debug container says if it still runs. */
function copySession(pod: V1Pod): ClusterDebugSession {
  const annotations = pod.metadata?.annotations ?? {};
  const debug = copyDebugContainer(pod);
  const status = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find(
    (s) => s.name === debug?.name,
  );
  const phase = pod.status?.phase ?? "Unknown";
  const finished = phase === "Succeeded" || phase === "Failed";
  const running = status?.state?.running;
  // Deleted and waiting for the kubelet to stop it, as kubectl shows it (pkg/printers/internalversion printPod).
  const terminating = Boolean(pod.metadata?.deletionTimestamp);
  return {
    kind: "copy",
    namespace: pod.metadata?.namespace ?? "",
    pod: pod.metadata?.name ?? "",
    container: debug?.name ?? "",
    image: debug?.image ?? "",
    copyOf: annotations[COPY_OF_ANNOTATION] ?? null,
    requestedBy: annotations[REQUESTED_BY_ANNOTATION] ?? null,
    expiresAt: annotations[EXPIRES_AT_ANNOTATION] ?? null,
    state: terminating ? "Terminating" : phase,
    startedAt: isoOf(running?.startedAt),
    blind: terminating
      ? "the debug copy is being deleted"
      : finished || (phase === "Running" && status && !running)
        ? stoppedWords(status?.state?.terminated)
        : null,
    blindSince: isoOf(status?.state?.terminated?.finishedAt),
    uid: pod.metadata?.uid ?? null,
  };
}

/** The recorded debug containers of one pod, read live: none when the pod is gone. */
async function ephemeralSessions(
  c: ClusterClients,
  recorded: { namespace: string; pod: string; containers: Set<string> },
): Promise<ClusterDebugSession[]> {
  const { namespace, pod: name } = recorded;
  let pod: V1Pod;
  try {
    pod = await c.core.readNamespacedPod({ name, namespace });
  } catch (err) {
    if (isNotFound(err)) return [];
    const e = toPnsError(err, { verb: "get", resource: "pods", namespace, name });
    return [...recorded.containers].map((container) => ({
      ...unknownSession(namespace, name, container),
      blind: `pns could not read the pod: ${e.userMessage}`,
      blindSince: null,
    }));
  }
  const statuses = new Map((pod.status?.ephemeralContainerStatuses ?? []).map((s) => [s.name, s]));
  const appStatuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const out: ClusterDebugSession[] = [];
  for (const e of pod.spec?.ephemeralContainers ?? []) {
    if (!recorded.containers.has(e.name)) continue;
    const state = statuses.get(e.name)?.state;
    const running = state?.running;
    const seconds = e.command?.[0] === "sleep" ? Number(e.command[1]) : Number.NaN;
    const started = running?.startedAt ? new Date(running.startedAt).getTime() : Number.NaN;
    const expires = started + seconds * 1000;
    let blind: string | null = null;
    let blindSince: string | null = null;
    if (!running) {
      blind = state?.terminated ? stoppedWords(state.terminated) : "it has not started";
      blindSince = isoOf(state?.terminated?.finishedAt);
    } else if (e.targetContainerName) {
      // A target that restarted after the debug container joined it runs in a PID namespace the debug container
      // never saw (kubelet starts a new container; the old namespace's processes are gone).
      const target = appStatuses.find((s) => s.name === e.targetContainerName);
      const targetStarted = target?.state?.running?.startedAt;
      const last = target?.lastState?.terminated;
      if (!target?.state?.running) blind = `${e.targetContainerName} is not running`;
      else if (targetStarted && new Date(targetStarted).getTime() > started) {
        blind = `${e.targetContainerName} restarted${last?.reason ? ` (${last.reason})` : ""}`;
        blindSince = isoOf(targetStarted);
      }
    }
    out.push({
      kind: "ephemeral",
      namespace,
      pod: name,
      container: e.name,
      image: e.image ?? "",
      copyOf: null,
      requestedBy: null,
      expiresAt: Number.isFinite(expires) ? new Date(expires).toISOString() : null,
      state: running ? "Running" : state?.terminated ? "Terminated" : "Waiting",
      startedAt: isoOf(running?.startedAt),
      blind,
      blindSince,
      uid: pod.metadata?.uid ?? null,
    });
  }
  return out;
}

function unknownSession(namespace: string, pod: string, container: string): ClusterDebugSession {
  return {
    kind: "ephemeral",
    namespace,
    pod,
    container,
    image: "",
    copyOf: null,
    requestedBy: null,
    expiresAt: null,
    state: "Unknown",
    startedAt: null,
    blind: null,
    blindSince: null,
    uid: null,
  };
}

/** "the debug container stopped (Completed, exit 0)", from a terminated state. */
function stoppedWords(t: V1ContainerStateTerminated | undefined): string {
  if (!t) return "the debug container is not running";
  const why = [t.reason, t.exitCode !== undefined ? `exit ${t.exitCode}` : null].filter(Boolean).join(", ");
  return `the debug container stopped${why ? ` (${why})` : ""}`;
}

/** A client-node time (a Date, or a string from raw JSON) as ISO 8601; null when absent. */
function isoOf(t: Date | string | undefined | null): string | null {
  if (!t) return null;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
