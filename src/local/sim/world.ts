import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { NamespaceAdmission } from "./admission.js";
import { ClaimStore } from "./claims.js";
import type { SimClock } from "./clock.js";
import type { ServerVersion } from "./discovery.js";
import type { Faults } from "./faults.js";
import {
  commOf,
  type ImageProfile,
  nginxWorkerPlan,
  type ProcessPlan,
  planOf,
  profileOf,
  type SimFile,
} from "./images.js";
import { ContainerLog } from "./runtime/logs.js";
import type { RealRuntime } from "./runtime/real.js";
import { capabilitiesOf, effectiveCaps, identityOf, isConfigError, qosClassOf } from "./runtime/security.js";
import { alreadyExists, failureStatus, notFound, StatusError } from "./status.js";

// biome-ignore lint/suspicious/noExplicitAny: pod specs are free-form JSON, as the API server receives them
export type Json = any;

/** One simulated process. */
export interface SimProcess {
  pid: number;
  ppid: number;
  uid: number;
  args: string[];
  comm: string;
  /** One-letter state as in /proc/PID/stat. */
  state: string;
  startTicks: number;
  utime: number;
  stime: number;
  rssKb: number | null;
  /** Owning container; null for the pod sandbox (`/pause`). */
  container: string | null;
  role: "pause" | "main" | "child" | "exec";
  /** The container (or sandbox) id in the process's cgroup path. */
  cgroupId: string;
  /** Signals it has a handler for (a namespace's init gets only these, KILL and STOP never, from inside). */
  handles: number[];
  /** Signals it ignores (its SigIgn); none when absent. */
  ignores?: number[];
  /** False after a uid change: only CAP_SYS_PTRACE gives ptrace-read access to it. */
  dumpable: boolean;
  /** Called when a signal ends an exec'd process. */
  onKilled?: (signal: number) => void;
  /** The whole cgroup path of a process outside the pod (the node's, another pod's); unset: from `cgroupId`. */
  cgroupPath?: string;
  /** The collector's runtime markers in its maps and binary (`ProcessPlan.markers`). */
  markers?: string[];
}

/** A PID namespace: PIDs are allocated upward, skipping those in use. */
export interface PidNamespace {
  id: number;
  nextPid: number;
  procs: Map<number, SimProcess>;
}

/** What the runtime knows of one container (regular or ephemeral). */
export interface ContainerRuntime {
  name: string;
  image: string;
  ephemeral: boolean;
  /** An init container (a native sidecar when its restartPolicy is Always). */
  init: boolean;
  /** The image digest reference the runtime reports; null: derived from the image name. */
  imageId: string | null;
  /** One log per container instance, oldest first (the last is the current one). */
  logs: ContainerLog[];
  phase: "waiting" | "running" | "terminated";
  reason: string;
  message: string | null;
  containerId: string | null;
  restartCount: number;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  lastTerminated: Json | null;
  pidNs: PidNamespace | null;
  /** The container's capability set (containerd's defaults, adds, drops); a process holds it only as root. */
  caps: string[];
  uid: number;
  profile: ImageProfile;
  files: Map<string, SimFile>;
  mainPid: number | null;
}

/** One simulated pod. */
export interface SimPod {
  namespace: string;
  name: string;
  uid: string;
  metadata: Json;
  spec: Json;
  createdAt: string;
  resourceVersion: string;
  phase: "Pending" | "Running" | "Succeeded" | "Failed";
  startTime: string | null;
  sandboxId: string;
  sharedNs: PidNamespace | null;
  containers: Map<string, ContainerRuntime>;
  podIP: string;
  timers: Set<NodeJS.Timeout>;
  /** The scheduler's FailedScheduling message while it cannot place the pod (no node yet); absent once placed. */
  unschedulable?: string;
  /** Set while the pod is Terminating: when its deletion was asked for (epoch ms), and its grace period. */
  deletion?: { requestedAt: number; graceSeconds: number };
}

/** How often the kubelet relists containers to see that they stopped (pkg/kubelet/kubelet.go `plegRelistPeriod`). */
const KUBELET_RELIST_MS = 1000;

/** A watch event on pods. */
export interface PodEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: Json;
  namespace: string;
  resourceVersion: number;
}

/** A namespace. */
export interface SimNamespace {
  name: string;
  /** Admission it turns on beyond Pod Security (quota, LimitRange, priority, a webhook). */
  admission?: NamespaceAdmission;
  uid: string;
  labels: Record<string, string>;
  createdAt: string;
  resourceVersion: string;
}

/** A process as tests see it. */
export interface ProcessView
  extends Pick<SimProcess, "pid" | "ppid" | "uid" | "args" | "comm" | "state" | "startTicks"> {
  container: string | null;
  /** Which PID namespace of the pod it lives in (one per pod when shared). */
  pidNamespace: number;
}

/** Options when placing a pod in the world. */
export interface PlaceOptions {
  /** Start the containers now instead of after the image-pull delay (seeded pods). */
  immediate?: boolean;
  /** Seconds ago the pod (and its processes) started. @default 0 */
  ageSeconds?: number;
  /** PIDs for each container's processes (main first, then children) in start order; `sandbox` for `/pause`. */
  pids?: Record<string, number[]>;
  /** The next PID of the shared namespace after seeding. */
  nextPid?: number;
}

const signalNumbers: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  CHLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  WINCH: 28,
};

/** The number of a signal name (`HUP`, `SIGHUP`, `1`); null when unknown. */
export function signalNumber(name: string): number | null {
  if (/^\d+$/.test(name)) {
    const n = Number(name);
    return n >= 0 && n <= 64 ? n : null;
  }
  const key = name.toUpperCase().replace(/^SIG/, "");
  return signalNumbers[key] ?? null;
}

const ignoredByDefault = new Set([0, 17, 23, 28]);
const stopSignals = new Set([19, 20, 21, 22]);

/** The outcome of sending a signal. */
export type SignalOutcome = "sent" | "no_such_process" | "not_permitted";

function hex64(): string {
  return randomBytes(32).toString("hex");
}

/** A stable image digest reference for an image name, as container statuses show it. */
function imageId(image: string): string {
  const repo = image.split("@")[0]?.replace(/:[^/:]+$/, "") ?? image;
  const first = repo.split("/")[0] ?? "";
  const full = repo.includes("/") ? (first.includes(".") ? repo : `docker.io/${repo}`) : `docker.io/library/${repo}`;
  return `${full}@sha256:${createHash("sha256").update(image).digest("hex")}`;
}

/** `busybox:1.36` → `docker.io/library/busybox:1.36`, as containerd names a pulled image. */
function qualifiedImage(image: string): string {
  const [name = image, digest] = image.split("@");
  const first = name.split("/")[0] ?? "";
  const full = name.includes("/")
    ? first.includes(".") || first.includes(":")
      ? name
      : `docker.io/${name}`
    : `docker.io/library/${name}`;
  if (digest) return `${full}@${digest}`;
  return /:[^/]+$/.test(full) ? full : `${full}:latest`;
}

function nowIso(offsetMs = 0): string {
  return new Date(Date.now() - offsetMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Writes nginx's `[notice]` lines to a container's current log, as its error log on stderr shows them. */
function nginxNotice(rt: Pick<ContainerRuntime, "logs">, pid: number, lines: string[]): void {
  const log = rt.logs.at(-1);
  if (!log) return;
  const t = new Date().toISOString().replace("T", " ").slice(0, 19).replace(/-/g, "/");
  for (const l of lines) log.write("stderr", `${t} [notice] ${pid}#${pid}: ${l}\n`);
}

/** True for `sleep N`, the one command an emulated container ends by itself. */
function isSleep(argv: string[]): boolean {
  return commOf(argv[0] ?? "") === "sleep" && argv.length === 2 && /^\d+(\.\d+)?$/.test(argv[1] ?? "");
}

/** The uid of a pod sandbox's pause process. */
const PAUSE_UID = 65535;

/** The simulated cluster: namespaces, pods with their containers and processes, apps workloads. */
export class World {
  readonly namespaces = new Map<string, SimNamespace>();
  readonly pods = new Map<string, SimPod>();
  /** apps/v1 objects by `kind/namespace/name`. */
  readonly workloads = new Map<string, Json>();
  private rv = 1000;
  private nsIds = 0;
  private readonly listeners = new Set<(e: PodEvent) => void>();
  /** Recent events, replayed to watches that start from an older resourceVersion. */
  readonly history: PodEvent[] = [];
  private closed = false;
  private podIps = 10;
  /** Containers read /proc/PID/cgroup through a cgroup namespace (relative paths, `0::/` for their own). */
  cgroupNamespaces = false;
  /** The real runtime (runc, crun) when pods are real containers; null: the emulated runtime. */
  real: RealRuntime | null = null;
  private nodeNs: PidNamespace | null = null;
  /** Events the kubelet would record for pods (core/v1 Event), oldest first. */
  readonly events: Json[] = [];
  /** The kubelet's crash back-off before a second restart, doubling after (ms). */
  restartBackoffMs = 10_000;
  /** The Kubernetes version the API server is: 1.28 has no native sidecars. */
  serverVersion: ServerVersion = "1.31";
  /** PersistentVolumeClaims; the scheduler checks pods' claims against them. */
  readonly claims = new ClaimStore(() => this.nextRv());

  constructor(
    readonly clock: SimClock,
    readonly faults: Faults,
    readonly podStartDelayMs: number,
  ) {}

  /** The next resourceVersion. */
  nextRv(): string {
    this.rv += 1;
    return String(this.rv);
  }

  /** Revisions below this are compacted (etcd): list continue tokens from before them answer 410 Expired. */
  compactedRv = 0;

  /** Compacts history up to now, as etcd does every few minutes for the API server. */
  compact(): void {
    this.compactedRv = this.rv;
  }

  /** The latest resourceVersion handed out. */
  currentRv(): string {
    return String(this.rv);
  }

  /** Subscribes to pod events; returns the unsubscribe function. */
  onPodEvent(listener: (e: PodEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops every timer; the world no longer changes. */
  close(): void {
    this.closed = true;
    for (const pod of this.pods.values()) this.clearTimers(pod);
    this.listeners.clear();
  }

  /** Adds a namespace (labels such as `pod-security.kubernetes.io/enforce`). */
  addNamespace(
    name: string,
    labels: Record<string, string> = {},
    ageSeconds = 0,
    admission?: NamespaceAdmission,
  ): SimNamespace {
    const ns: SimNamespace = {
      name,
      ...(admission ? { admission } : {}),
      uid: randomUUID(),
      labels: { "kubernetes.io/metadata.name": name, ...labels },
      createdAt: nowIso(ageSeconds * 1000),
      resourceVersion: this.nextRv(),
    };
    this.namespaces.set(name, ns);
    return ns;
  }

  /** Adds an apps/v1 object (Deployment, ReplicaSet, StatefulSet, DaemonSet). */
  addWorkload(obj: Json, ageSeconds = 0): Json {
    const meta = obj.metadata;
    meta.uid ??= randomUUID();
    meta.creationTimestamp ??= nowIso(ageSeconds * 1000);
    meta.resourceVersion = this.nextRv();
    meta.generation ??= 1;
    this.workloads.set(`${obj.kind}/${meta.namespace}/${meta.name}`, obj);
    return obj;
  }

  /** The key of a pod in {@link World.pods}. */
  podKey(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  /** The pod, or a 404 StatusError. */
  getPod(namespace: string, name: string): SimPod {
    const pod = this.pods.get(this.podKey(namespace, name));
    if (!pod) throw notFound("pods", name);
    return pod;
  }

  /** The pod, or undefined. */
  findPod(namespace: string, name: string): SimPod | undefined {
    return this.pods.get(this.podKey(namespace, name));
  }

  /** Creates a pod from its JSON (POST pods, seed), schedules its start. */
  createPod(namespace: string, body: Json, opts: PlaceOptions = {}): SimPod {
    if (!this.namespaces.has(namespace)) throw notFound("namespaces", namespace);
    const metadata = structuredClone(body.metadata ?? {});
    let name: string = metadata.name ?? "";
    if (!name && metadata.generateName) name = `${metadata.generateName}${randomBytes(3).toString("hex").slice(0, 5)}`;
    if (this.pods.has(this.podKey(namespace, name))) throw alreadyExists("pods", name);
    const spec = structuredClone(body.spec ?? {});
    // A pod created with a nodeName bypasses the scheduler; one without is placed by it (the sim's one node).
    const scheduled = typeof spec.nodeName === "string" && spec.nodeName !== "";
    spec.containers ??= [];
    spec.restartPolicy ??= "Always";
    spec.nodeName ??= "sim-node-1";
    spec.schedulerName ??= "default-scheduler";
    spec.serviceAccountName ??= "default";
    spec.terminationGracePeriodSeconds ??= 30;
    spec.dnsPolicy ??= "ClusterFirst";
    for (const c of [...spec.containers, ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])]) {
      c.terminationMessagePath ??= "/dev/termination-log";
      c.terminationMessagePolicy ??= "File";
      c.imagePullPolicy ??= c.image?.includes(":") && !c.image.endsWith(":latest") ? "IfNotPresent" : "Always";
      c.resources ??= {};
    }
    const ageMs = (opts.ageSeconds ?? 0) * 1000;
    delete metadata.generateName;
    const pod: SimPod = {
      namespace,
      name,
      uid: randomUUID(),
      metadata: { ...metadata, name, namespace },
      spec,
      createdAt: nowIso(ageMs),
      resourceVersion: this.nextRv(),
      phase: "Pending",
      startTime: null,
      sandboxId: hex64(),
      sharedNs: null,
      containers: new Map(),
      podIP: `10.244.0.${this.podIps++}`,
      timers: new Set(),
    };
    pod.metadata.uid = pod.uid;
    for (const c of spec.initContainers ?? []) pod.containers.set(c.name, this.newRuntime(pod, c, false, true));
    for (const c of spec.containers) pod.containers.set(c.name, this.newRuntime(pod, c, false));
    this.pods.set(this.podKey(namespace, name), pod);
    const refused = scheduled ? null : this.claims.unschedulable(pod, this.pods.values());
    if (refused) {
      pod.unschedulable = refused;
      delete spec.nodeName;
      this.recordEvent(pod, "Warning", "FailedScheduling", refused, undefined, "default-scheduler");
      this.emit("ADDED", pod);
      return pod;
    }
    this.emit("ADDED", pod);
    this.run(pod, opts);
    return pod;
  }

  /** The kubelet starts a placed pod: after the image-pull delay unless `immediate`. */
  private run(pod: SimPod, opts: PlaceOptions): void {
    const real = this.real;
    if (real) {
      this.later(pod, opts.immediate ? 0 : this.podStartDelayMs, () => real.startPod(pod));
    } else if (opts.immediate) {
      this.startPod(pod, opts);
    } else {
      this.later(pod, this.podStartDelayMs, () => this.startPod(pod, {}));
    }
  }

  /** The scheduler's retry after a pod or claim changed: places the pods it could not place before, when it now can. */
  reschedule(): void {
    for (const pod of this.pods.values()) {
      if (!pod.unschedulable || this.claims.unschedulable(pod, this.pods.values())) continue;
      delete pod.unschedulable;
      pod.spec.nodeName = "sim-node-1";
      this.touch(pod);
      this.run(pod, {});
    }
  }

  /**
   * Deletes a pod as the API server does. A scheduled pod that has not finished, deleted with a grace period, is
   * only marked (deletionTimestamp, deletionGracePeriodSeconds; a MODIFIED event) and stays, Terminating, while the
   * kubelet stops it: TERM to each container, KILL at the end of the grace period; it goes (DELETED) once its
   * containers have stopped. A grace of 0, an unscheduled pod or a finished one goes at once
   * (kubernetes pkg/registry/core/pod/strategy.go `CheckGracefulDelete`). A second delete may shorten the grace
   * period, never lengthen it (staging/src/k8s.io/apiserver/pkg/registry/rest/delete.go `BeforeDelete`).
   */
  deletePod(namespace: string, name: string, graceSeconds = 0): Json {
    const pod = this.getPod(namespace, name);
    const finished = pod.phase === "Succeeded" || pod.phase === "Failed";
    if (graceSeconds <= 0 || !pod.spec.nodeName || pod.unschedulable || finished) return this.removePod(pod, 0);
    const now = Date.now();
    const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    if (pod.deletion) {
      // Only shorter: the deletionTimestamp moves back by the difference, never into the past.
      if (graceSeconds < pod.deletion.graceSeconds) {
        const ends = Math.max(now, pod.deletion.requestedAt + graceSeconds * 1000);
        pod.deletion.graceSeconds = graceSeconds;
        pod.metadata.deletionTimestamp = stamp(ends);
        pod.metadata.deletionGracePeriodSeconds = graceSeconds;
        this.later(pod, ends - now, () => this.removePod(pod, 0));
        this.touch(pod);
      }
      return this.renderPod(pod);
    }
    // deletionTimestamp is when the pod is to be gone: now plus the grace period.
    pod.deletion = { requestedAt: now, graceSeconds };
    pod.metadata.deletionTimestamp = stamp(now + graceSeconds * 1000);
    pod.metadata.deletionGracePeriodSeconds = graceSeconds;
    this.touch(pod);
    if (this.real) {
      // The real runtime TERMs each container and KILLs what is left at the end of the grace period.
      void this.real.deletePod(pod, graceSeconds).then(() => this.removePodIfPresent(pod));
    } else {
      // What stops on TERM stops at once, and the kubelet sees it within a relist; a container whose main process
      // ignores TERM (a `sleep` that is its PID namespace's init, without a handler) runs until the KILL at the end
      // of the grace period.
      const stopsOnTerm = [...pod.containers.values()].every(
        (rt) => rt.phase !== "running" || this.stopsOnTerm(pod, rt),
      );
      const ms = Math.min(graceSeconds * 1000, stopsOnTerm ? KUBELET_RELIST_MS : Number.POSITIVE_INFINITY);
      this.later(pod, ms, () => this.removePod(pod, 0));
    }
    return this.renderPod(pod);
  }

  /** True when the container's main process ends on TERM: it is not its namespace's init, or it handles TERM. */
  private stopsOnTerm(pod: SimPod, rt: ContainerRuntime): boolean {
    const ns = rt.pidNs ?? pod.sharedNs;
    const main = rt.mainPid === null ? undefined : ns?.procs.get(rt.mainPid);
    if (!main) return true;
    return main.pid !== 1 || main.handles.includes(15);
  }

  /** Removes a pod the real runtime has stopped, unless it went already (or a new pod took its name). */
  private removePodIfPresent(pod: SimPod): void {
    if (this.closed || this.pods.get(this.podKey(pod.namespace, pod.name)) !== pod) return;
    this.removePod(pod, 0);
  }

  /** Removes a pod's object now; watchers get a DELETED event. The real runtime stops what is still running. */
  private removePod(pod: SimPod, graceSeconds: number): Json {
    const { namespace, name } = pod;
    this.clearTimers(pod);
    this.pods.delete(this.podKey(namespace, name));
    if (!pod.deletion) void this.real?.deletePod(pod, graceSeconds);
    for (const rt of pod.containers.values()) rt.logs.at(-1)?.end();
    // Running commands (exec sessions) die with the pod.
    for (const ns of this.namespacesOf(pod)) for (const p of ns.procs.values()) p.onKilled?.(9);
    pod.resourceVersion = this.nextRv();
    const obj = this.renderPod(pod);
    obj.metadata.deletionTimestamp ??= nowIso();
    obj.metadata.deletionGracePeriodSeconds = 0;
    this.push({ type: "DELETED", object: obj, namespace, resourceVersion: Number(pod.resourceVersion) });
    this.reschedule();
    return obj;
  }

  /** Adds ephemeral containers (already validated) and starts them after the pull delay. */
  addEphemeralContainers(pod: SimPod, added: Json[]): void {
    pod.spec.ephemeralContainers ??= [];
    for (const c of added) {
      c.terminationMessagePath ??= "/dev/termination-log";
      c.terminationMessagePolicy ??= "File";
      c.imagePullPolicy ??= "IfNotPresent";
      c.resources ??= {};
      pod.spec.ephemeralContainers.push(c);
      const rt = this.newRuntime(pod, c, true);
      pod.containers.set(c.name, rt);
      const real = this.real;
      this.later(pod, this.podStartDelayMs, () => (real ? real.startEphemeral(pod, rt) : this.pullAndStart(pod, rt)));
    }
    this.touch(pod);
  }

  /** Marks a pod changed: new resourceVersion, MODIFIED event. */
  touch(pod: SimPod): void {
    if (!this.pods.has(this.podKey(pod.namespace, pod.name))) return;
    pod.resourceVersion = this.nextRv();
    this.emit("MODIFIED", pod);
  }

  /** The container spec of a runtime container. */
  containerSpec(pod: SimPod, name: string): Json | undefined {
    return [...(pod.spec.initContainers ?? []), ...pod.spec.containers, ...(pod.spec.ephemeralContainers ?? [])].find(
      (c: Json) => c.name === name,
    );
  }

  private newRuntime(pod: SimPod, c: Json, ephemeral: boolean, init = false): ContainerRuntime {
    const profile = profileOf(c.image ?? "", pod.name);
    const uid = c.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser ?? 0;
    return {
      name: c.name,
      image: c.image ?? "",
      ephemeral,
      init,
      imageId: null,
      logs: [],
      phase: "waiting",
      reason: "ContainerCreating",
      message: null,
      containerId: null,
      restartCount: 0,
      startedAt: null,
      finishedAt: null,
      exitCode: null,
      lastTerminated: null,
      pidNs: null,
      caps: capabilitiesOf(c.securityContext),
      uid,
      profile,
      files: new Map(Object.entries(profile.files)),
      mainPid: null,
    };
  }

  private later(pod: SimPod, ms: number, fn: () => void): void {
    if (this.closed) return;
    const t = setTimeout(() => {
      pod.timers.delete(t);
      if (this.closed || !this.pods.has(this.podKey(pod.namespace, pod.name))) return;
      fn();
    }, ms);
    t.unref?.();
    pod.timers.add(t);
  }

  private clearTimers(pod: SimPod): void {
    for (const t of pod.timers) clearTimeout(t);
    pod.timers.clear();
  }

  /**
   * The node's PID namespace, where hostPID pods run: systemd, containerd and the kubelet, and another pod's
   * database, each in its own cgroup (made at first use).
   */
  private nodeNamespace(): PidNamespace {
    if (this.nodeNs) return this.nodeNs;
    const ns = this.newNs(2000);
    const other = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${randomUUID().replace(/-/g, "_")}.slice/cri-containerd-${hex64()}.scope`;
    const node: [number, string[], string][] = [
      [1, ["/sbin/init"], "/init.scope"],
      [310, ["/usr/bin/containerd"], "/system.slice/containerd.service"],
      [350, ["/usr/bin/kubelet", "--config=/var/lib/kubelet/config.yaml"], "/system.slice/kubelet.service"],
      [900, ["postgres", "-c", "password=node-secret"], other],
    ];
    for (const [pid, args, cgroupPath] of node) {
      ns.procs.set(pid, {
        pid,
        ppid: pid === 1 ? 0 : 1,
        uid: pid === 900 ? 999 : 0,
        args,
        comm: pid === 1 ? "systemd" : commOf(args[0] ?? ""),
        state: "S",
        startTicks: this.clock.pastTicks(3600),
        utime: 10,
        stime: 5,
        rssKb: 8192,
        container: null,
        role: "child",
        cgroupId: "",
        cgroupPath,
        handles: [1, 2, 15],
        dumpable: true,
      });
    }
    this.nodeNs = ns;
    return ns;
  }

  private newNs(nextPid = 1): PidNamespace {
    this.nsIds += 1;
    return { id: this.nsIds, nextPid, procs: new Map() };
  }

  private startPod(pod: SimPod, opts: PlaceOptions): void {
    const ageS = opts.ageSeconds ?? 0;
    pod.startTime = nowIso(ageS * 1000);
    if (pod.spec.shareProcessNamespace) {
      const ns = this.newNs();
      pod.sharedNs = ns;
      const pid = opts.pids?.sandbox?.[0] ?? this.allocPid(ns);
      ns.procs.set(pid, {
        pid,
        ppid: 0,
        // The pause image runs as 65535 (kubernetes build/pause/Dockerfile `USER 65535:65535`), as the real runtime's.
        uid: PAUSE_UID,
        args: ["/pause"],
        comm: "pause",
        state: "S",
        startTicks: ageS > 0 ? this.clock.pastTicks(ageS) : this.clock.startTicks(),
        utime: 0,
        stime: 1,
        rssKb: 412,
        container: null,
        role: "pause",
        cgroupId: pod.sandboxId,
        // pause exits on INT and TERM and reaps children (kubernetes build/pause/linux/pause.c).
        handles: [2, 15, 17],
        dumpable: true,
      });
    }
    this.startContainers(pod, opts);
    if (opts.nextPid !== undefined && pod.sharedNs) pod.sharedNs.nextPid = opts.nextPid;
    this.updatePhase(pod);
    this.touch(pod);
  }

  /**
   * Starts the pod's containers not started yet, in the kubelet's order: init containers one by one (a native sidecar
   * once it runs), then the containers. An init container running `sleep N` holds the rest back until it completes.
   */
  private startContainers(pod: SimPod, opts: PlaceOptions): void {
    for (const rt of pod.containers.values()) {
      if (rt.ephemeral || rt.containerId !== null) continue;
      const spec = this.containerSpec(pod, rt.name) ?? {};
      const blocking = rt.init && spec.restartPolicy !== "Always";
      if (blocking && !isSleep([...(spec.command ?? []), ...(spec.args ?? [])])) {
        // The emulated runtime cannot run an init container's script: it completes at once.
        rt.phase = "terminated";
        rt.reason = "Completed";
        rt.exitCode = 0;
        rt.containerId = hex64();
        rt.startedAt = pod.startTime;
        rt.finishedAt = pod.startTime;
        continue;
      }
      if (opts.immediate) this.runContainer(pod, rt, opts);
      else this.pullAndStart(pod, rt, false);
      // The next container waits for an init container (or native sidecar) to run, and for a plain one to complete.
      if (rt.init && (blocking || rt.phase !== "running")) return;
    }
  }

  private pullAndStart(pod: SimPod, rt: ContainerRuntime, touch = true): void {
    if (this.faults.pullFails(rt.image)) {
      rt.phase = "waiting";
      rt.reason = "ImagePullBackOff";
      rt.message = `Back-off pulling image "${rt.image}"`;
      this.waitingEvent(pod, rt.name, rt.reason, rt.message);
    } else {
      this.runContainer(pod, rt, {});
    }
    if (touch) {
      this.updatePhase(pod);
      this.touch(pod);
    }
  }

  private nsFor(pod: SimPod, rt: ContainerRuntime): PidNamespace {
    if (pod.spec.hostPID === true) return this.nodeNamespace();
    if (pod.sharedNs) return pod.sharedNs;
    if (rt.ephemeral) {
      const target = this.containerSpec(pod, rt.name)?.targetContainerName;
      const t = target ? pod.containers.get(target) : undefined;
      if (t?.pidNs) return t.pidNs;
    }
    return this.newNs();
  }

  private runContainer(pod: SimPod, rt: ContainerRuntime, opts: PlaceOptions): void {
    const spec = this.containerSpec(pod, rt.name) ?? {};
    // Every image the emulated runtime knows runs as root, as busybox and nginx do.
    const identity = identityOf(pod, spec, { uid: 0, gid: 0 });
    if (isConfigError(identity)) {
      rt.phase = "waiting";
      rt.reason = identity.reason;
      rt.message = identity.message;
      this.waitingEvent(pod, rt.name, rt.reason, rt.message);
      return;
    }
    const ageS = opts.ageSeconds ?? 0;
    rt.phase = "running";
    rt.reason = "";
    rt.message = null;
    rt.containerId = hex64();
    rt.startedAt = nowIso(ageS * 1000);
    rt.finishedAt = null;
    rt.exitCode = null;
    rt.logs.push(new ContainerLog());
    rt.pidNs = this.nsFor(pod, rt);
    const argv: string[] = [...(spec.command ?? []), ...(spec.args ?? [])];
    const plan: ProcessPlan = argv.length > 0 ? planOf(argv, rt.uid) : rt.profile.defaultPlan(rt.uid);
    const pids = [...(opts.pids?.[rt.name] ?? [])];
    const start = () => (ageS > 0 ? this.clock.pastTicks(ageS) : this.clock.startTicks());
    const main = this.spawnPlan(rt.pidNs, rt, plan, 0, "main", pids, start);
    rt.mainPid = main.pid;
    if (main.args[0]?.startsWith("nginx: master")) {
      const workers = [...rt.pidNs.procs.values()].filter((p) => p.ppid === main.pid).map((p) => p.pid);
      nginxNotice(rt, main.pid, ['using the "epoll" event method', "nginx/1.22.1", "start worker processes"]);
      nginxNotice(
        rt,
        main.pid,
        workers.map((w) => `start worker process ${w}`),
      );
    }
    const run = plan.args;
    const prog = commOf(run[0] ?? "");
    if (prog === "sleep" && isSleep(run)) {
      this.later(pod, Number(run[1]) * 1000, () => this.containerExited(pod, rt, 0));
    } else if (rt.ephemeral && ["sh", "bash", "ash"].includes(prog) && run.length === 1 && !spec.stdin) {
      // A shell with no stdin reads EOF and exits at once, as `kubectl debug` without -i shows.
      this.later(pod, 0, () => this.containerExited(pod, rt, 0));
    }
  }

  private spawnPlan(
    ns: PidNamespace,
    rt: ContainerRuntime,
    plan: ProcessPlan,
    ppid: number,
    role: SimProcess["role"],
    pids: number[],
    start: () => number,
  ): SimProcess {
    const want = pids.shift();
    const pid = want ?? this.allocPid(ns);
    const p: SimProcess = {
      pid,
      ppid,
      uid: plan.uid,
      args: plan.args,
      comm: plan.comm,
      state: "S",
      startTicks: start(),
      utime: role === "main" ? 3 : 1,
      stime: role === "main" ? 2 : 0,
      rssKb: plan.rssKb,
      container: rt.name,
      role,
      cgroupId: rt.containerId ?? "",
      handles: plan.handles ?? [],
      ...(plan.ignores ? { ignores: plan.ignores } : {}),
      dumpable: plan.dumpable ?? true,
      ...(plan.markers?.length ? { markers: plan.markers } : {}),
    };
    ns.procs.set(pid, p);
    for (const child of plan.children) this.spawnPlan(ns, rt, child, pid, "child", pids, start);
    return p;
  }

  /** Allocates the next free PID of a namespace. */
  allocPid(ns: PidNamespace): number {
    let pid = ns.nextPid;
    while (ns.procs.has(pid)) pid += 1;
    ns.nextPid = pid + 1;
    return pid;
  }

  private removeContainerProcs(pod: SimPod, rt: ContainerRuntime): void {
    const ns = rt.pidNs;
    if (!ns) return;
    // When a namespace's init exits, the kernel kills every process in it (linux kernel/pid_namespace.c
    // `zap_pid_namespace`): an ephemeral container joined to it dies too.
    const initDies = rt.mainPid === 1 && ns !== pod.sharedNs;
    const joined = new Set<ContainerRuntime>();
    for (const [pid, p] of ns.procs) {
      if (p.container === rt.name || initDies) {
        ns.procs.delete(pid);
        p.onKilled?.(9);
        const other = p.container ? pod.containers.get(p.container) : undefined;
        if (other && other !== rt && other.mainPid === pid && other.phase === "running") joined.add(other);
      }
    }
    for (const other of joined) {
      other.mainPid = null;
      other.pidNs = null;
      this.recordExit(pod, other, 137, 9);
      if (other.phase !== "terminated") this.runContainer(pod, other, {});
    }
  }

  /** The container's main process ended with `code`: ephemeral containers terminate, others restart. */
  containerExited(pod: SimPod, rt: ContainerRuntime, code: number, signal?: number): void {
    if (this.real) {
      this.real.restartContainer(pod, rt, signal ? String(signal) : "KILL");
      return;
    }
    this.removeContainerProcs(pod, rt);
    const restarts = this.recordExit(pod, rt, code, signal);
    // The kubelet restarts nothing, and starts nothing after an init container, in a pod that is being deleted.
    if (!pod.deletion) {
      if (restarts) this.restartLater(pod, rt);
      else if (rt.init && code === 0) this.startContainers(pod, {});
    }
    this.updatePhase(pod);
    this.touch(pod);
  }

  /**
   * Records an event about a pod's container as the kubelet does (kubernetes pkg/kubelet/events/event.go reasons):
   * a repeat of the same reason and message counts up, as the event recorder's correlator does.
   */
  recordEvent(
    pod: SimPod,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
    container?: string,
    component = "kubelet",
  ): void {
    const now = nowIso();
    const same = this.events.find(
      (e) => e.involvedObject.uid === pod.uid && e.reason === reason && e.message === message,
    );
    if (same) {
      same.count += 1;
      same.lastTimestamp = now;
      same.metadata.resourceVersion = this.nextRv();
      return;
    }
    this.events.push({
      kind: "Event",
      apiVersion: "v1",
      metadata: {
        name: `${pod.name}.${randomBytes(8).toString("hex")}`,
        namespace: pod.namespace,
        uid: randomUUID(),
        resourceVersion: this.nextRv(),
        creationTimestamp: now,
      },
      involvedObject: {
        kind: "Pod",
        namespace: pod.namespace,
        name: pod.name,
        uid: pod.uid,
        apiVersion: "v1",
        ...(container ? { fieldPath: `spec.containers{${container}}` } : {}),
      },
      reason,
      message,
      source: component === "kubelet" ? { component, host: pod.spec.nodeName ?? "sim-node-1" } : { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      reportingComponent: component,
      reportingInstance: component === "kubelet" ? (pod.spec.nodeName ?? "sim-node-1") : `${component}-sim`,
    });
    if (this.events.length > 5000) this.events.splice(0, 1000);
  }

  /** Records the events of a container's waiting reason, as the kubelet's (Failed, BackOff). */
  waitingEvent(pod: SimPod, container: string, reason: string, message: string): void {
    if (reason === "CrashLoopBackOff") {
      this.recordEvent(
        pod,
        "Warning",
        "BackOff",
        `Back-off restarting failed container ${container} in pod ${pod.name}_${pod.namespace}(${pod.uid})`,
        container,
      );
    } else if (reason === "ImagePullBackOff") {
      this.recordEvent(pod, "Warning", "BackOff", message, container);
    } else if (reason === "CreateContainerConfigError") {
      this.recordEvent(pod, "Warning", "Failed", `Error: ${message}`, container);
    } else if (reason !== "ContainerCreating" && reason !== "PodInitializing") {
      this.recordEvent(pod, "Warning", "Failed", message, container);
    }
  }

  /**
   * Restarts a container as the kubelet does: at once the first time, then after a back-off (10 s doubling, at most
   * 5 min; kubernetes pkg/kubelet/kuberuntime) during which it waits as `CrashLoopBackOff`, as on the real runtime.
   */
  private restartLater(pod: SimPod, rt: ContainerRuntime): void {
    const delay = rt.restartCount <= 1 ? 0 : Math.min(this.restartBackoffMs * 2 ** (rt.restartCount - 2), 300_000);
    if (delay === 0) {
      this.runContainer(pod, rt, {});
      return;
    }
    rt.phase = "waiting";
    rt.reason = "CrashLoopBackOff";
    rt.message = `back-off ${Math.round(delay / 1000)}s restarting failed container=${rt.name} pod=${pod.name}_${pod.namespace}(${pod.uid})`;
    this.waitingEvent(pod, rt.name, rt.reason, rt.message);
    this.later(pod, delay, () => {
      if (rt.phase !== "waiting" || rt.reason !== "CrashLoopBackOff") return;
      this.runContainer(pod, rt, {});
      this.updatePhase(pod);
      this.touch(pod);
    });
  }

  /**
   * Records that a container instance ended (exit code, reason, signal) and says whether the kubelet restarts it:
   * per restartPolicy, never for ephemeral containers (native sidecars always).
   */
  recordExit(pod: SimPod, rt: ContainerRuntime, code: number, signal?: number): boolean {
    rt.logs.at(-1)?.end();
    const finishedAt = nowIso();
    const terminated = {
      exitCode: code,
      ...(signal ? { signal } : {}),
      reason: code === 0 ? "Completed" : "Error",
      startedAt: rt.startedAt,
      finishedAt,
      containerID: `containerd://${rt.containerId}`,
    };
    const sidecar = rt.init && this.containerSpec(pod, rt.name)?.restartPolicy === "Always";
    const policy = sidecar ? "Always" : pod.spec.restartPolicy;
    // An init container that completed is done; a failed one runs again unless the pod never restarts
    // (pkg/kubelet/kuberuntime/kuberuntime_container.go computeInitContainerActions).
    const restarts =
      !rt.ephemeral &&
      (rt.init && !sidecar
        ? code !== 0 && policy !== "Never"
        : policy === "Always" || (policy === "OnFailure" && code !== 0));
    if (restarts) {
      rt.lastTerminated = terminated;
      rt.restartCount += 1;
    } else {
      rt.phase = "terminated";
      rt.reason = terminated.reason;
      rt.exitCode = code;
      rt.finishedAt = finishedAt;
      rt.mainPid = null;
    }
    this.updatePhase(pod);
    this.touch(pod);
    return restarts;
  }

  /** Sets the pod's phase from its containers' states. */
  updatePhase(pod: SimPod): void {
    const regular = [...pod.containers.values()].filter((c) => !c.ephemeral && !c.init);
    if (regular.some((c) => c.phase === "running")) pod.phase = "Running";
    else if (regular.length > 0 && regular.every((c) => c.phase === "terminated"))
      pod.phase = regular.every((c) => c.exitCode === 0) ? "Succeeded" : "Failed";
  }

  /** Every distinct PID namespace of a pod. */
  namespacesOf(pod: SimPod): PidNamespace[] {
    const out: PidNamespace[] = [];
    if (pod.sharedNs) out.push(pod.sharedNs);
    for (const c of pod.containers.values()) if (c.pidNs && !out.includes(c.pidNs)) out.push(c.pidNs);
    return out;
  }

  /** Every process of a pod. */
  processesOf(pod: SimPod): ProcessView[] {
    const out: ProcessView[] = [];
    for (const ns of this.namespacesOf(pod)) {
      for (const p of [...ns.procs.values()].sort((a, b) => a.pid - b.pid)) {
        out.push({
          pid: p.pid,
          ppid: p.ppid,
          uid: p.uid,
          args: [...p.args],
          comm: p.comm,
          state: p.state,
          container: p.container,
          startTicks: p.startTicks,
          pidNamespace: ns.id,
        });
      }
    }
    return out;
  }

  /** The namespace that holds `pid` of a pod (optionally the one a container sees). */
  nsOfPid(pod: SimPod, pid: number, container?: string): PidNamespace | undefined {
    if (container) {
      const ns = pod.containers.get(container)?.pidNs;
      return ns?.procs.has(pid) ? ns : undefined;
    }
    return this.namespacesOf(pod).find((ns) => ns.procs.has(pid));
  }

  /** Starts a process in a running container; returns it. */
  spawn(
    pod: SimPod,
    rt: ContainerRuntime,
    args: string[],
    opts: { uid?: number; ppid?: number; role?: SimProcess["role"]; pid?: number } = {},
  ): SimProcess {
    if (rt.phase !== "running" || !rt.pidNs || !rt.containerId) {
      throw new StatusError(failureStatus(400, `container "${rt.name}" in pod "${pod.name}" is not running`));
    }
    const ns = rt.pidNs;
    const pid = opts.pid ?? this.allocPid(ns);
    const p: SimProcess = {
      pid,
      ppid: opts.ppid ?? 0,
      uid: opts.uid ?? rt.uid,
      args,
      comm: commOf(args[0] ?? ""),
      state: "S",
      startTicks: this.clock.startTicks(),
      utime: 0,
      stime: 0,
      rssKb: 1024,
      container: rt.name,
      role: opts.role ?? "child",
      cgroupId: rt.containerId,
      handles: [],
      dumpable: true,
    };
    ns.procs.set(pid, p);
    return p;
  }

  /** Removes an exec'd process when its command ends. */
  exitProcess(ns: PidNamespace, p: SimProcess): void {
    if (ns.procs.get(p.pid) === p) ns.procs.delete(p.pid);
  }

  /**
   * Sends a signal as the kernel and the programs would handle it. `from` is the signalling container
   * (null: the test itself, always allowed).
   */
  signal(
    pod: SimPod,
    ns: PidNamespace,
    pid: number,
    sig: number,
    from: { container: ContainerRuntime; uid: number } | null,
  ): SignalOutcome {
    const target = ns.procs.get(pid);
    if (!target) return "no_such_process";
    if (from && !this.maySignal(from, target)) return "not_permitted";
    // A namespace's init gets only the signals it handles; from an ancestor namespace KILL and STOP are forced
    // (linux kernel/signal.c `sig_task_ignored`, SIGNAL_UNKILLABLE). kill(2) still succeeds.
    if (target.pid === 1 && sig !== 0) {
      const kernelOnly = sig === 9 || sig === 19;
      if (!(kernelOnly ? from === null : target.handles.includes(sig))) return "sent";
    }
    this.deliver(pod, ns, target, sig);
    return "sent";
  }

  /** True when `from` may signal `target`: same uid, or CAP_KILL (linux kernel/signal.c `kill_ok_by_cred`). */
  maySignal(from: { container: ContainerRuntime; uid: number }, target: SimProcess): boolean {
    return target.uid === from.uid || effectiveCaps({ uid: from.uid, caps: from.container.caps }).includes("KILL");
  }

  /**
   * True when `from` has ptrace-read access to `target` (its /proc/PID/root): CAP_SYS_PTRACE, or the same uid with the
   * target dumpable and its capabilities a subset of the reader's (linux kernel/ptrace.c `__ptrace_may_access`).
   */
  mayTrace(pod: SimPod, from: { container: ContainerRuntime; uid: number }, target: SimProcess): boolean {
    const mine = effectiveCaps({ uid: from.uid, caps: from.container.caps });
    if (mine.includes("SYS_PTRACE")) return true;
    if (target.uid !== from.uid || !target.dumpable) return false;
    const owner = target.container ? pod.containers.get(target.container) : undefined;
    const theirs = owner ? effectiveCaps({ uid: target.uid, caps: owner.caps }) : [];
    return theirs.every((c) => mine.includes(c));
  }

  private deliver(pod: SimPod, ns: PidNamespace, target: SimProcess, sig: number): void {
    if (target.role === "pause") {
      // pause exits on INT and TERM (and dies of KILL from the host): the sandbox is re-created.
      if (sig === 2 || sig === 15 || sig === 9) this.sandboxDied(pod);
      return;
    }
    if (ignoredByDefault.has(sig)) return;
    if (stopSignals.has(sig)) {
      target.state = "T";
      return;
    }
    if (sig === 18) {
      if (target.state === "T") target.state = "S";
      return;
    }
    if (sig === 3 && target.markers?.includes("libjvm.so") && !this.jvmFlags(target).includes("-Xrs")) {
      this.threadDump(pod, target);
      return;
    }
    const isMaster = target.args[0]?.startsWith("nginx: master") === true;
    const isWorker = target.args[0]?.startsWith("nginx: worker") === true;
    if (isMaster && (sig === 1 || sig === 10 || sig === 12)) {
      if (sig === 1) this.reloadNginx(pod, ns, target);
      return;
    }
    const rt = target.container ? pod.containers.get(target.container) : undefined;
    if (rt && target.role === "main" && rt.mainPid === target.pid && ns.procs.get(target.pid) === target) {
      this.containerExited(pod, rt, 128 + sig, sig);
      return;
    }
    this.killTree(ns, target, sig);
    if (isWorker) {
      const master = ns.procs.get(target.ppid);
      if (master && rt) this.spawnWorker(ns, rt, master);
    }
  }

  /**
   * The pod sandbox died: every process of its namespace dies with its init, the kubelet makes a new sandbox and
   * restarts the containers (each restart counted); ephemeral containers stay terminated.
   */
  private sandboxDied(pod: SimPod): void {
    const ns = pod.sharedNs;
    if (!ns) return;
    for (const p of ns.procs.values()) p.onKilled?.(9);
    ns.procs.clear();
    const restart: ContainerRuntime[] = [];
    for (const rt of pod.containers.values()) {
      if (rt.phase !== "running") continue;
      rt.mainPid = null;
      rt.pidNs = null;
      if (this.recordExit(pod, rt, 137, 9)) restart.push(rt);
    }
    pod.sandboxId = hex64();
    const fresh = this.newNs();
    pod.sharedNs = fresh;
    const pid = this.allocPid(fresh);
    fresh.procs.set(pid, {
      pid,
      ppid: 0,
      uid: PAUSE_UID,
      args: ["/pause"],
      comm: "pause",
      state: "S",
      startTicks: this.clock.startTicks(),
      utime: 0,
      stime: 1,
      rssKb: 412,
      container: null,
      role: "pause",
      cgroupId: pod.sandboxId,
      handles: [2, 15, 17],
      dumpable: true,
    });
    for (const rt of restart) this.runContainer(pod, rt, {});
    this.updatePhase(pod);
    this.touch(pod);
  }

  private killTree(ns: PidNamespace, p: SimProcess, sig: number): void {
    ns.procs.delete(p.pid);
    p.onKilled?.(sig);
    for (const child of [...ns.procs.values()]) if (child.ppid === p.pid && p.pid !== 0) this.killTree(ns, child, sig);
  }

  private jvmFlags(p: SimProcess): string[] {
    return p.args.filter((a) => a.startsWith("-X"));
  }

  /**
   * A JVM's answer to SIGQUIT: a thread dump on its stdout, and it goes on (HotSpot's signal dispatcher thread runs
   * the dump; the format of jdk's `Threads::print_on`, JDK 17).
   */
  private threadDump(pod: SimPod, jvm: SimProcess): void {
    const rt = jvm.container ? pod.containers.get(jvm.container) : undefined;
    const log = rt?.logs.at(-1);
    if (!log) return;
    const now = new Date().toISOString().replace("T", " ").slice(0, 19);
    const thread = (name: string, id: number, state: string, frames: string[]) =>
      [
        `"${name}" #${id} prio=5 os_prio=0 cpu=12.34ms elapsed=600.00s tid=0x00007f${(id * 4096).toString(16).padStart(10, "0")} nid=${jvm.pid + id} waiting on condition  [0x00007f0000000000]`,
        `   java.lang.Thread.State: ${state}`,
        ...frames.map((f) => `\tat ${f}`),
        "",
      ].join("\n");
    log.write(
      "stdout",
      [
        now,
        "Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6-Debian-1deb12u1 mixed mode, sharing):",
        "",
        "Threads class SMR info:",
        "_java_thread_list=0x00007f0000001000, length=3, elements={",
        "0x00007f0000002000, 0x00007f0000003000, 0x00007f0000004000",
        "}",
        "",
        thread("main", 1, "TIMED_WAITING (sleeping)", [
          "java.lang.Thread.sleep(java.base@17.0.15/Native Method)",
          "com.shop.billing.Main.main(Main.java:42)",
        ]),
        thread("http-nio-8080-exec-1", 31, "WAITING (parking)", [
          "jdk.internal.misc.Unsafe.park(java.base@17.0.15/Native Method)",
          "java.util.concurrent.locks.LockSupport.park(java.base@17.0.15/LockSupport.java:341)",
        ]),
        thread("Signal Dispatcher", 4, "RUNNABLE", []),
        '"VM Thread" os_prio=0 cpu=3.21ms elapsed=600.00s tid=0x00007f0000005000 nid=9 runnable',
        "",
        "JNI global refs: 17, weak refs: 0",
        "",
        "Heap",
        " garbage-first heap   total 262144K, used 51200K [0x00000000f0000000, 0x0000000100000000)",
        "  region size 1024K, 12 young (12288K), 2 survivors (2048K)",
        " Metaspace       used 30000K, committed 30336K, reserved 1114112K",
        "",
      ].join("\n"),
    );
  }

  private reloadNginx(pod: SimPod, ns: PidNamespace, master: SimProcess): void {
    const owner = master.container ? pod.containers.get(master.container) : undefined;
    const rt = owner ?? ({ name: master.container ?? "", containerId: master.cgroupId, logs: [] } as never);
    const workers = [...ns.procs.values()].filter(
      (p) => p.ppid === master.pid && p.args[0]?.startsWith("nginx: worker"),
    );
    // What nginx writes to its error log (the container's stderr) on SIGHUP, as Debian's nginx 1.22 does.
    nginxNotice(rt, master.pid, ["signal 1 (SIGHUP) received, reconfiguring", "reconfiguring"]);
    nginxNotice(rt, master.pid, ['using the "epoll" event method', "start worker processes"]);
    for (const w of workers) ns.procs.delete(w.pid);
    for (let i = 0; i < Math.max(1, workers.length); i += 1) {
      const pid = this.spawnWorker(ns, rt, master);
      nginxNotice(rt, master.pid, [`start worker process ${pid}`]);
    }
    for (const w of workers) {
      nginxNotice(rt, w.pid, ["gracefully shutting down", "exiting", "exit"]);
      nginxNotice(rt, master.pid, [
        `signal 17 (SIGCHLD) received from ${w.pid}`,
        `worker process ${w.pid} exited with code 0`,
      ]);
    }
  }

  private spawnWorker(
    ns: PidNamespace,
    rt: Pick<ContainerRuntime, "name" | "containerId">,
    master: SimProcess,
  ): number {
    const plan = nginxWorkerPlan();
    const pid = this.allocPid(ns);
    ns.procs.set(pid, {
      pid,
      ppid: master.pid,
      uid: plan.uid,
      args: plan.args,
      comm: plan.comm,
      state: "S",
      startTicks: this.clock.startTicks(),
      utime: 0,
      stime: 0,
      rssKb: plan.rssKb,
      container: rt.name,
      role: "child",
      cgroupId: rt.containerId ?? master.cgroupId,
      handles: plan.handles ?? [],
      dumpable: plan.dumpable ?? true,
    });
    return pid;
  }

  private emit(type: PodEvent["type"], pod: SimPod): void {
    this.push({
      type,
      object: this.renderPod(pod),
      namespace: pod.namespace,
      resourceVersion: Number(pod.resourceVersion),
    });
  }

  private push(e: PodEvent): void {
    this.history.push(e);
    if (this.history.length > 2000) this.history.splice(0, 1000);
    for (const l of [...this.listeners]) l(e);
  }

  /** The pod as the API returns it. */
  renderPod(pod: SimPod): Json {
    const statusOf = (rt: ContainerRuntime): Json => {
      const spec = this.containerSpec(pod, rt.name) ?? {};
      let state: Json;
      if (rt.phase === "running") state = { running: { startedAt: rt.startedAt } };
      else if (rt.phase === "terminated")
        state = {
          terminated: {
            exitCode: rt.exitCode,
            reason: rt.reason,
            startedAt: rt.startedAt,
            finishedAt: rt.finishedAt,
            containerID: `containerd://${rt.containerId}`,
          },
        };
      else state = { waiting: { reason: rt.reason, ...(rt.message ? { message: rt.message } : {}) } };
      const s: Json = {
        name: rt.name,
        // A real runtime reports the image fully qualified, as containerd resolves it.
        image: rt.imageId ? qualifiedImage(spec.image ?? rt.image) : (spec.image ?? rt.image),
        imageID: rt.containerId ? (rt.imageId ?? imageId(rt.image)) : "",
        ready: !rt.ephemeral && rt.phase === "running",
        restartCount: rt.restartCount,
        started: rt.phase === "running",
        state,
        lastState: rt.lastTerminated ? { terminated: rt.lastTerminated } : {},
      };
      if (rt.containerId) s.containerID = `containerd://${rt.containerId}`;
      if (rt.ephemeral) delete s.ready;
      return s;
    };
    const all = [...pod.containers.values()];
    const regular = all.filter((c) => !c.ephemeral && !c.init);
    const inits = all.filter((c) => c.init);
    const ready = regular.length > 0 && regular.every((c) => c.phase === "running");
    const t = pod.startTime ?? pod.createdAt;
    const cond = (type: string, ok: boolean) => ({
      type,
      status: ok ? "True" : "False",
      lastProbeTime: null,
      lastTransitionTime: t,
    });
    const withStatus = (status: Json): Json => ({
      kind: "Pod",
      apiVersion: "v1",
      metadata: {
        ...structuredClone(pod.metadata),
        name: pod.name,
        namespace: pod.namespace,
        uid: pod.uid,
        resourceVersion: pod.resourceVersion,
        creationTimestamp: pod.createdAt,
      },
      spec: structuredClone(pod.spec),
      status,
    });
    if (pod.unschedulable) {
      // Not placed: no containers, no IPs; PodScheduled says why (kube-scheduler's status update).
      return withStatus({
        phase: "Pending",
        conditions: [
          {
            type: "PodScheduled",
            status: "False",
            lastProbeTime: null,
            lastTransitionTime: pod.createdAt,
            reason: "Unschedulable",
            message: pod.unschedulable,
          },
        ],
        qosClass: qosClassOf(pod.spec),
      });
    }
    const status: Json = {
      phase: pod.phase,
      conditions: [
        cond("PodReadyToStartContainers", pod.startTime !== null),
        cond("Initialized", true),
        cond("Ready", ready),
        cond("ContainersReady", ready),
        cond("PodScheduled", true),
      ],
      hostIP: "172.18.0.2",
      hostIPs: [{ ip: "172.18.0.2" }],
      podIP: pod.podIP,
      podIPs: [{ ip: pod.podIP }],
      startTime: pod.startTime ?? pod.createdAt,
      containerStatuses: regular.map(statusOf),
      qosClass: qosClassOf(pod.spec),
    };
    if (inits.length > 0) status.initContainerStatuses = inits.map(statusOf);
    const eph = all.filter((c) => c.ephemeral);
    if (eph.length > 0) status.ephemeralContainerStatuses = eph.map(statusOf);
    return withStatus(status);
  }
}
