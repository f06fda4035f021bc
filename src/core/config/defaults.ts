import { SIGNAL_NAMES } from "../signals.js";
import type { Audience, ConfigEnv, DebugConfig, OutputConfig, PnsConfig, SignalPolicy } from "./types.js";

/** How long a signal request waits for approval when the policy does not say. @default 15 minutes */
export const DEFAULT_APPROVAL_TTL_MS = 15 * 60_000;

/** The cluster name used when no cluster is configured. */
export const DEFAULT_CLUSTER_NAME = "default";

/** Namespace used when neither a command nor the channel names one. */
export const DEFAULT_NAMESPACE = "default";

/** How long a debug container or pod copy lives when the config does not say. @default 15 minutes */
export const DEFAULT_CONTAINER_LIFETIME_MS = 15 * 60_000;

/**
 * Debug settings when the config does not say: the least privilege that serves each action. Listing and signals
 * need no extra capability (`baseline`: CAP_KILL is in the runtime's default set); only a read that the baseline
 * container is refused retries with `general` (SYS_PTRACE), where Pod Security allows it.
 */
export const DEFAULT_DEBUG: DebugConfig = {
  image: "public.ecr.aws/docker/library/busybox:1.36",
  profile: "baseline",
  readProfile: "general",
  containerLifetimeMs: DEFAULT_CONTAINER_LIFETIME_MS,
  strategy: "auto",
  maxProcesses: 2000,
  maxFileBytes: 64 * 1024,
  maxFileLines: 200,
  execTimeoutMs: 20_000,
  maxEphemeralContainers: 5,
  copySameNode: false,
  resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "250m", memory: "64Mi" } },
  copy: { allow: [], initContainers: false, maxPerChannel: 3 },
};

/** Everyone may. */
export function everyone(): Audience {
  return { everyone: true, users: [], groups: [] };
}

/** Nobody may: what an omitted `people.*` entry means. */
export function nobody(): Audience {
  return { everyone: false, users: [], groups: [] };
}

/** Where answers go when the config does not say: a process table only to whoever asked. */
export const DEFAULT_OUTPUT: OutputConfig = { ps: "ephemeral" };

/** The first words of the problem pns answers every command with when it has no configuration at all. */
export const NOT_CONFIGURED = "pns is not configured";

/** The signal policy when none is configured: every signal, approved by someone other than the requester. */
export const DEFAULT_SIGNAL_POLICY: SignalPolicy = {
  namespaces: ["*"],
  allowed: [...SIGNAL_NAMES],
  approval: "required",
  approvalTtlMs: DEFAULT_APPROVAL_TTL_MS,
  approvers: { users: [], groups: [] },
};

/** The kubeconfig path to use when none is configured: KUBECONFIG when it names one file, else default loading. */
export function defaultKubeconfigPath(env: ConfigEnv): string | null {
  const k = env.KUBECONFIG?.trim();
  // A KUBECONFIG list (a:b) is merged by the client's default loading, so it is left to it.
  return k && !k.includes(":") ? k : null;
}

/**
 * What an empty configuration file means, and what every omitted key falls back to. It serves nobody: cluster
 * `default` from KUBECONFIG's current context, no channel bound (no `"*"` entry), nobody in any `people.*` audience,
 * and every signal would need approval by someone other than the requester within 15 minutes. pns never runs on it
 * without a file: a run without any configuration refuses every command (src/handlers/config-file.ts).
 */
export function defaultConfig(env: ConfigEnv = {}): PnsConfig {
  return {
    clusters: { [DEFAULT_CLUSTER_NAME]: { kind: "kubeconfig", path: defaultKubeconfigPath(env), context: null } },
    defaultCluster: DEFAULT_CLUSTER_NAME,
    channels: {},
    // Fresh objects each time: a caller that changes its config must not change the defaults.
    people: {
      ps: nobody(),
      cat: nobody(),
      inspect: nobody(),
      catSecrets: nobody(),
      signal: nobody(),
      approve: nobody(),
      admin: nobody(),
      copy: nobody(),
    },
    signals: [{ ...DEFAULT_SIGNAL_POLICY, allowed: [...SIGNAL_NAMES], approvers: { users: [], groups: [] } }],
    debug: { ...DEFAULT_DEBUG, copy: { ...DEFAULT_DEBUG.copy, allow: [] } },
    redaction: { patterns: [] },
    slack: { team: null, enterprise: null, allowExternalUsers: false },
    output: { ...DEFAULT_OUTPUT },
  };
}
