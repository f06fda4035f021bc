/**
 * The cluster port: everything a use case asks of one Kubernetes cluster, in pns's own nouns. The Kubernetes
 * adapter (`src/kube/`) implements it with client-node; tests run it against the simulator.
 */
import type { Target } from "../../core/command/types.js";
import type { DebugProfile } from "../../core/config/debug-profiles.js";
import type { DoctorFacts } from "../../core/doctor/diagnose.js";
import type { InspectOutput } from "../../core/inspect/parse-inspect.js";
import type { DebugAttachment, DebugStrategy } from "../../core/model.js";
import type { DeclaredPort, ServicePort } from "../../core/ports/analyze.js";
import type { PortsOutput } from "../../core/ports/ports-output.js";
import type { PodHealthLike } from "../../core/process/after-signal.js";
import type { Fingerprint, ProcessListing } from "../../core/process/types.js";
import type { SignalName } from "../../core/signals.js";

/** A pod pns could debug, as a picker shows it. */
export interface PodCandidate {
  name: string;
  phase: string;
  ready: boolean;
  /** ISO 8601; null when unknown. */
  createdAt: string | null;
  containers: string[];
  /** Its init containers (`-c` may name one); absent when unknown. */
  initContainers?: string[];
  sharesProcessNamespace: boolean;
}

/** The pod chosen for a query, and the other pods it matched (best first). */
export interface ResolvedTarget {
  namespace: string;
  pod: PodCandidate;
  candidates: PodCandidate[];
  /** How the pods were found, for messages: `pod nginx`, `deployment web`, `pods named nginx-…`, `-l app=web`. */
  matchedBy: string;
  /** The adapter's own record of the pod as read, so attaching needs no second read; use cases never read it. */
  object: unknown;
}

/** What attaching needs besides the pod. */
export interface AttachRequest {
  /** Forces a strategy; by default `shared` when the pod shares its process namespace, else `ephemeral`. */
  strategy?: DebugStrategy | null;
  /** Container an `ephemeral` debug container targets (`-c`). */
  container?: string | null;
  /** Slack user ID written on copies. */
  requestedBy: string;
  /** A debug container not to reuse (it was found blind): pns adds another and says why. */
  avoid?: string | null;
  /** The debug profile of a new debug container, when not `debug.profile` (a read that needs SYS_PTRACE). */
  profile?: DebugProfile | null;
  /** Called with short progress lines ("pulling image public.ecr.aws/docker/library/busybox:1.36…"). */
  onProgress?: (message: string) => void;
  /**
   * What pns recorded of its copies, given only when the user may make copies (`people.copy`): without it, pns
   * makes no copy (not for `--copy`, not as the `auto` fallback). @default none
   */
  copies?: CopyLedger | null;
}

/**
 * The copies pns recorded creating (in its sessions store), so the adapter reuses and deletes only pods pns made: a
 * pod is pns's copy when its name and UID are recorded, never because of its labels.
 */
export interface CopyLedger {
  /** The UID recorded for the copy of this name in the target's namespace, or null. */
  recordedUid(name: string): Promise<string | null>;
  /** Called right before a new copy is created: throws PnsError to refuse it (the channel's cap). */
  beforeCreate(): Promise<void>;
  /**
   * Records a copy the server just created, before anything uses it; throws PnsError to refuse it after all (a
   * concurrent command took the channel's last copy): the adapter then deletes it.
   */
  record(copy: { name: string; uid: string; copyOf: string; expiresAt: string }): Promise<void>;
  /** Forgets a copy pns deleted itself. */
  forget(copy: { name: string; uid: string }): Promise<void>;
}

/** What a read of a file looks like once capped and checked for binary content. */
export interface FileContent {
  /** The text, cut to the line cap; null when the file looks binary. */
  text: string | null;
  binary: boolean;
  /** Bytes read (at most the byte cap). */
  bytes: number;
  /** Lines in `text`. */
  lines: number;
  /** True when the file has more bytes or lines than shown. */
  truncated: boolean;
  /** The file read, every symbolic link resolved inside the process's root. */
  path: string;
  /** The last symbolic link followed on the way; null when none. */
  via: string | null;
}

/** Where pns's debug container is: the pod holding it (a copy's name for `copy`) and its name. */
export interface DebugLocation {
  namespace: string;
  /** The pod that holds the debug container. */
  pod: string;
  container: string;
  /** The container an `ephemeral` debug container targets: processes without a cgroup id are its. */
  targetContainer?: string | null;
}

/** A process listing taken through a debug container. */
export interface ProcessSnapshot {
  listing: ProcessListing;
  location: DebugLocation;
  /** ISO 8601. */
  takenAt: string;
}

/** One signal to one process, as approved. */
export interface SignalOrder {
  location: DebugLocation;
  fingerprint: Fingerprint;
  signal: SignalName;
}

/** The process table just before the signal and a moment after it (the caller diffs them). */
export interface SignalOutcome {
  /** The node's time right before `kill` (ISO 8601, whole seconds), as the signal script printed it; null if not. */
  sentAt?: string | null;
  before: ProcessSnapshot;
  /** Null when listing after the signal failed: the signal was sent all the same. */
  after: ProcessSnapshot | null;
  /**
   * True when the signal was sent and its target, the init of the debug container's PID namespace, exited and took
   * the debug container with it (the kernel kills a namespace's processes when its init dies): sent, never failed.
   */
  targetExited?: boolean;
}

/** A file of another container, read through `/proc/<pid>/root`. Not redacted: the caller redacts. */
export interface FileRequest {
  location: DebugLocation;
  pid: number;
  /** Absolute path inside the process's container. */
  path: string;
  /** The process's container, whose secret volumes are refused. @default null: unknown, every container's are */
  container?: string | null;
  /**
   * `refuse`: secret paths (service-account tokens, the pod's secret volumes, keys, kubeconfigs) are refused in the
   * container, before a byte is read. @default "refuse"
   */
  secrets?: "refuse" | "allow";
}

/** A debug container or copy pns left in the cluster. */
export interface ClusterDebugSession {
  kind: "ephemeral" | "copy";
  namespace: string;
  pod: string;
  container: string;
  image: string;
  /** Source pod of a copy; null for ephemeral containers. */
  copyOf: string | null;
  requestedBy: string | null;
  /** ISO 8601; null when unknown. */
  expiresAt: string | null;
  /** `Running`, `Waiting`, `Terminated` or `Unknown` (ephemeral), or the copy's phase, `Terminating` once deleted. */
  state: string;
  /** When the debug container started (ISO 8601); null when it is not running. */
  startedAt: string | null;
  /** Why the debug container no longer sees the app (it stopped, its target restarted since); null while it does. */
  blind: string | null;
  /** Since when it is blind (ISO 8601: when it stopped, when its target restarted); null when unknown. */
  blindSince: string | null;
  /** The pod's `metadata.uid`; null when the server sent none. */
  uid: string | null;
}

/** A debug container pns recorded attaching (its sessions store): its pod is read, not the cluster's pods listed. */
export interface RecordedDebugContainer {
  namespace: string;
  pod: string;
  container: string;
}

/** The copies pns recorded creating: `<namespace>/<pod>` → the pod UID recorded. */
export type OwnedCopies = ReadonlyMap<string, string>;

/** Which copies a cleanup deletes. */
export interface CleanupOptions {
  /** Only these may be deleted: a pod labelled as pns's copy whose name and UID are not here is reported, never deleted. */
  owned: OwnedCopies;
  /** Delete matching copies now, not only expired ones. @default false */
  now?: boolean;
  /** Only the copies of this pod (and only ephemeral containers in it). @default every pod */
  of?: string | null;
  /** The ephemeral debug containers pns recorded, whose pods are read to report those still running. @default none */
  recorded?: readonly RecordedDebugContainer[];
}

/** What the janitor did. */
export interface CleanupReport {
  /** Copies deleted (expired ones, or all asked for with `now`). */
  deleted: ClusterDebugSession[];
  /** Copies not yet expired. */
  kept: ClusterDebugSession[];
  /** Ephemeral debug containers still running (they end by themselves; they cannot be removed). */
  runningEphemeral: ClusterDebugSession[];
  /** Copies that could not be deleted, with the reason. */
  failed: { session: ClusterDebugSession; message: string }[];
  /** Pods labelled as pns's copies that pns did not record creating: left alone. */
  notOwned: ClusterDebugSession[];
}

/** What `/pns ports` reads: the pod's sockets and their holders, its declared ports, the Services selecting it. */
export interface PortsSnapshot {
  output: PortsOutput;
  declared: DeclaredPort[];
  /** Null when pns could not list Services; `servicesProblem` says why. */
  services: ServicePort[] | null;
  servicesProblem: string | null;
}

/** Options of a listing. */
export interface ListOptions {
  /** Seconds between the collector's CPU samples; 0 takes none (a listing for attribution only). @default 1 */
  cpuSampleSeconds?: number;
}

/** What `/pns doctor` is asked about: the pod, and the flags of the command. */
export interface DoctorRequest {
  container: string | null;
  copy: boolean;
}

/** Which container's log to read, from when, and how much. */
export interface LogRequest {
  namespace: string;
  pod: string;
  container: string;
  /** ISO 8601: lines the runtime stamped at or after this time. */
  since: string;
  /** Most bytes read per container instance. */
  limitBytes: number;
}

/** How a container instance ended. */
export interface ContainerTermination {
  exitCode: number | null;
  reason: string | null;
  /** ISO 8601; null when unknown. */
  finishedAt: string | null;
}

/** A container's log since a time, and whether it restarted meanwhile. */
export interface LogCapture {
  /** The current instance's lines since `since`, each `<RFC 3339 timestamp> <text>` (`timestamps=true`). */
  current: string;
  /** The previous instance's lines since `since` when the container restarted since then (`previous=true`), else null. */
  previous: string | null;
  /** True when a read stopped at `limitBytes`. */
  truncated: boolean;
  restartCount: number;
  /** True when the container's current instance started after `since` (it restarted). */
  restarted: boolean;
  /** The last termination the kubelet recorded (`lastState.terminated`); null when none. */
  lastTermination: ContainerTermination | null;
  /** Total bytes read. */
  bytes: number;
}

/** A pod as the watch after a signal reads it: its containers' restarts, last terminations and readiness. */
export type PodHealth = PodHealthLike;

/** Everything pns does to a cluster, for one cluster. */
export interface PodDebugger {
  /** Finds the pod a target names (kubectl-like), and the other candidates. */
  resolveTarget(namespace: string, target: Target): Promise<ResolvedTarget>;
  /** At most `limit` names of the namespace's pods (one list call), to suggest a pod after a miss. */
  podNames(namespace: string, limit: number): Promise<string[]>;
  /** Gets a debug container that sees the pod's processes (reused when one runs). */
  attach(target: ResolvedTarget, request: AttachRequest): Promise<DebugAttachment>;
  /** Runs the collector and attributes each process to its container. */
  listProcesses(location: DebugLocation, options?: ListOptions): Promise<ProcessSnapshot>;
  /** Reads the pod's listening sockets and who holds them; `sourcePod` names the pod whose spec and Services count. */
  listPorts(location: DebugLocation, sourcePod: string): Promise<PortsSnapshot>;
  /** Reads one process's environment, limits, identity, capabilities and cgroup (not redacted: the caller redacts). */
  inspectProcess(location: DebugLocation, pid: number): Promise<InspectOutput>;
  /** API reads (and one exec when a pns debug container runs) that say whether pns can work on the pod. */
  doctor(target: ResolvedTarget, request: DoctorRequest): Promise<DoctorFacts>;
  /** Sends one signal to exactly the fingerprinted process, then lists again. */
  sendSignal(order: SignalOrder): Promise<SignalOutcome>;
  /** Reads the start of a file of another container, capped, with binary detection. */
  readFile(request: FileRequest): Promise<FileContent>;
  /**
   * pns's copies in these namespaces (names or globs), and the live state of the recorded debug containers there;
   * a deleted pod is left out.
   */
  sessions(namespaces: readonly string[], recorded?: readonly RecordedDebugContainer[]): Promise<ClusterDebugSession[]>;
  /**
   * Deletes pns's expired debug copies and reports what is still running. With `now`, deletes the matching copies
   * whatever their expiry (`/pns cleanup`); `of` limits it to the copies of one pod.
   */
  cleanup(namespaces: readonly string[], options: CleanupOptions): Promise<CleanupReport>;
  /** True when the debug container still runs (its pod exists and the container's state is running). */
  isRunning(location: DebugLocation): Promise<boolean>;
  /**
   * Reads a container's log since a time (`pods/log` with sinceTime, timestamps and limitBytes), and the previous
   * instance's too when the container restarted since then (`previous=true`). Throws PnsError when it cannot.
   */
  readLogs(request: LogRequest): Promise<LogCapture>;
  /**
   * Reads the pod (one `get pods`): each container's restart count, last termination and readiness, the pod's Ready.
   * With `asListed`, the pod as this debugger read it for the listing just taken serves, when there is one (no second
   * read for the summary above a table); after a signal the caller wants the pod as it is now, and reads it again.
   */
  podHealth(namespace: string, pod: string, options?: { asListed?: boolean }): Promise<PodHealth>;
}
