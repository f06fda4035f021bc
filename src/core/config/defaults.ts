import { SIGNAL_NAMES } from "../signals.js";
import type { Audience, ConfigEnv, DebugConfig, PnsConfig, SignalPolicy } from "./types.js";

/** How long a signal request waits for approval when the policy does not say. @default 15 minutes */
export const DEFAULT_APPROVAL_TTL_MS = 15 * 60_000;

/** The cluster name used when no cluster is configured. */
export const DEFAULT_CLUSTER_NAME = "default";

/** Namespace used when neither a command nor the channel names one. */
export const DEFAULT_NAMESPACE = "default";

/** Debug settings when the config does not say. */
export const DEFAULT_DEBUG: DebugConfig = {
  image: "public.ecr.aws/docker/library/busybox:1.36",
  profile: "general",
  containerLifetimeMs: 60 * 60_000,
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
 * The configuration without a file, for running locally: cluster `default` from KUBECONFIG's current context, every
 * channel and namespace (default namespace `default`), everyone may do everything, and every signal needs approval
 * by someone other than the requester within 15 minutes.
 */
export function defaultConfig(env: ConfigEnv = {}): PnsConfig {
  return {
    clusters: { [DEFAULT_CLUSTER_NAME]: { kind: "kubeconfig", path: defaultKubeconfigPath(env), context: null } },
    defaultCluster: DEFAULT_CLUSTER_NAME,
    channels: {
      "*": {
        cluster: DEFAULT_CLUSTER_NAME,
        namespaces: ["*"],
        defaultNamespace: DEFAULT_NAMESPACE,
        approvalsChannel: null,
      },
    },
    // Fresh objects each time: a caller that changes its config must not change the defaults.
    people: {
      ps: everyone(),
      cat: everyone(),
      inspect: everyone(),
      catSecrets: { everyone: false, users: [], groups: [] },
      signal: everyone(),
      approve: everyone(),
      admin: everyone(),
      copy: everyone(),
    },
    signals: [{ ...DEFAULT_SIGNAL_POLICY, allowed: [...SIGNAL_NAMES], approvers: { users: [], groups: [] } }],
    debug: { ...DEFAULT_DEBUG, copy: { ...DEFAULT_DEBUG.copy, allow: [] } },
    redaction: { patterns: [] },
    slack: { team: null, enterprise: null, allowExternalUsers: false },
  };
}
