import type { ApprovalMode } from "../approval/types.js";
import type { SignalName } from "../signals.js";
import type { DebugProfile } from "./debug-profiles.js";

/** How pns reaches a cluster: exactly one of a kubeconfig file, a kubeconfig in Secrets Manager, or EKS. */
export type ClusterAccess =
  | {
      kind: "kubeconfig";
      /** Kubeconfig file; null means the client's default loading (KUBECONFIG, then ~/.kube/config). */
      path: string | null;
      /** Context in it; null means its current context. */
      context: string | null;
    }
  | {
      kind: "kubeconfigSecret";
      /** Secrets Manager secret ID or ARN whose value is a kubeconfig. */
      secretId: string;
      context: string | null;
    }
  | {
      kind: "eks";
      /** EKS cluster name. */
      name: string;
      region: string;
      /** Role to assume before talking to the cluster; null uses the function's own role. */
      roleArn: string | null;
    };

/** What a Slack channel may reach. */
export interface ChannelConfig {
  cluster: string;
  /** Allowed namespaces: names or globs (picomatch), like `shop-*`. */
  namespaces: string[];
  /** Namespace used when a command names none; matches `namespaces`. */
  defaultNamespace: string;
  /** Channel where approval requests are posted; null means the channel the request came from. */
  approvalsChannel: string | null;
}

/** Who may do something: everyone, or these Slack users and user groups; an omitted entry is nobody. */
export interface Audience {
  everyone: boolean;
  /** Slack user IDs (`U…`/`W…`). */
  users: string[];
  /** Slack user-group IDs (`S…`). */
  groups: string[];
}

/** Who may do what; `approve` is further narrowed by each signal policy's `approvers`. */
export interface People {
  /** May list processes (`/pns ps`). */
  ps: Audience;
  /** May read files (`/pns cat`). */
  cat: Audience;
  /** May inspect a process (`/pns inspect`: its environment, limits, capabilities). @default the admins */
  inspect: Audience;
  /** May also read secret files (service-account tokens, secret volumes, keys, kubeconfigs), still redacted. @default nobody */
  catSecrets: Audience;
  /** May request signals. */
  signal: Audience;
  /** May approve signal requests. */
  approve: Audience;
  /** May run `cleanup` and `audit`. */
  admin: Audience;
  /** May debug a copy of a pod (`--copy`): a second instance of the app. @default the `admin` audience */
  copy: Audience;
}

/** The rule for signals in some namespaces; the first policy whose glob matches the namespace applies. */
export interface SignalPolicy {
  /** Namespace names or globs. */
  namespaces: string[];
  /** Signals that may be requested, normalised (`HUP`, not `SIGHUP`). */
  allowed: SignalName[];
  approval: ApprovalMode;
  /** How long a request waits for approval. @default 900000 (15 minutes) */
  approvalTtlMs: number;
  /** Who may approve; both empty means anyone allowed to approve but the requester. */
  approvers: { users: string[]; groups: string[] };
}

/** How pns attaches: `auto` uses an ephemeral container and falls back to a pod copy. */
export type StrategyChoice = "auto" | "ephemeral" | "copy";

/** The debug container pns runs, and the caps on what it reads. */
export interface DebugConfig {
  /** Needs `sh`, `od`, `tr`, `head`, `sha256sum` and `sleep` (busybox has them). @default "public.ecr.aws/docker/library/busybox:1.36" */
  image: string;
  /** The profile of the debug container that lists processes and sends signals. @default "baseline" */
  profile: DebugProfile;
  /**
   * The profile a read (`/pns cat`) retries with when the listing's debug container may not read the file (another
   * uid's files need SYS_PTRACE); the same as `profile` means no retry. @default "general"
   */
  readProfile: DebugProfile;
  /** How long a debug container or pod copy lives. @default 900000 (15 minutes) */
  containerLifetimeMs: number;
  /** @default "auto" */
  strategy: StrategyChoice;
  /** Most processes listed. @default 2000 */
  maxProcesses: number;
  /** Most bytes read from a file. @default 65536 */
  maxFileBytes: number;
  /** Most lines shown from a file. @default 200 */
  maxFileLines: number;
  /** Timeout of one exec into the debug container. @default 20000 */
  execTimeoutMs: number;
  /**
   * Most pns debug containers one pod may carry: ephemeral containers can never be removed, so pns reuses them and
   * stops adding at this many. @default 5
   */
  maxEphemeralContainers: number;
  /** Keep every debug copy on its source's node (copies of pods with a ReadWriteOnce volume always stay). @default false */
  copySameNode: boolean;
  /**
   * Requests and limits of the debug container of a copy (a quota on cpu or memory requires them; ephemeral
   * containers may not set any). @default requests cpu 10m, memory 16Mi; limits cpu 250m, memory 64Mi
   */
  resources: DebugResources;
  /** What a debug copy may take from its source pod, and how many copies one channel keeps. */
  copy: CopyConfig;
}

/** Which risky parts of a pod spec a copy may keep, and the cap on a channel's copies. */
export interface CopyConfig {
  /** Parts of the source's spec that are refused unless listed (see {@link COPY_RISKS}). @default [] */
  allow: CopyRisk[];
  /** Run the source's init containers again in the copy (migrations run twice). @default false */
  initContainers: boolean;
  /** Most live copies one channel may keep. @default 3 */
  maxPerChannel: number;
}

/**
 * The parts of a pod spec pns refuses to copy unless `debug.copy.allow` names them: `hostPath` volumes (the node's
 * files), `privileged` containers, `hostNamespaces` (hostNetwork, hostPID, hostIPC), `writableVolumes` (claims and
 * network volumes mounted writable: a second writer to the app's data).
 */
export const COPY_RISKS = ["hostPath", "privileged", "hostNamespaces", "writableVolumes"] as const;

/** One of {@link COPY_RISKS}. */
export type CopyRisk = (typeof COPY_RISKS)[number];

/** Requests and limits as Kubernetes quantities. */
export interface DebugResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** Extra redaction on top of the built-in patterns. */
export interface RedactionConfig {
  /** Regular expression sources (JavaScript syntax, optional `(?i)` prefix), checked to compile and never match nothing. */
  patterns: string[];
}

/** Whose requests pns serves: its home workspace (and Enterprise Grid organization). */
export interface SlackConfig {
  /** The home workspace's team ID: requests from other workspaces are refused. @default null (not checked) */
  team: string | null;
  /** The Enterprise Grid organization's ID, when there is one. @default null (not checked) */
  enterprise: string | null;
  /** Serve people of other organizations (Slack Connect) and channels shared with them. @default false */
  allowExternalUsers: boolean;
}

/** Where pns's answers go. */
export interface OutputConfig {
  /** `ephemeral`: a process table only to whoever asked, with a "Share in channel" button; `public`: in the channel. @default "ephemeral" */
  ps: "ephemeral" | "public";
}

/** The whole pns configuration, validated and with defaults filled in. */
export interface PnsConfig {
  clusters: Record<string, ClusterAccess>;
  /** Names a key of `clusters`. */
  defaultCluster: string;
  /** Channel ID → what it may reach; the `"*"` entry, when configured, applies to any other channel. */
  channels: Record<string, ChannelConfig>;
  people: People;
  /** Empty: every signal is refused. */
  signals: SignalPolicy[];
  debug: DebugConfig;
  redaction: RedactionConfig;
  slack: SlackConfig;
  output: OutputConfig;
}

/** The result of reading a configuration: the config, or every problem found. */
export type ParseConfigResult = { ok: true; config: PnsConfig } | { ok: false; errors: string[] };

/** Environment a configuration may depend on. */
export interface ConfigEnv {
  KUBECONFIG?: string;
}
