/** Shared nouns of pns: where a pod is and how pns attached to it. */

/** A pod in a cluster. */
export interface PodRef {
  cluster: string;
  namespace: string;
  pod: string;
}

/**
 * How pns got a view of the pod's processes:
 * `shared`: an ephemeral debug container in a pod that already shares its process namespace;
 * `ephemeral`: an ephemeral debug container with `targetContainerName`;
 * `copy`: a copy of the pod with `shareProcessNamespace: true` (`kubectl debug --copy-to --share-processes`).
 */
export type DebugStrategy = "shared" | "ephemeral" | "copy";

/** The debug container pns runs its scripts in. */
export interface DebugAttachment {
  strategy: DebugStrategy;
  /** The pod that holds the debug container (the copy's name for `copy`). */
  pod: string;
  /** The debug container's name. */
  container: string;
  image: string;
  /** The container whose namespace an `ephemeral` debug container joined. */
  targetContainer: string | null;
  /** The source pod of a `copy`. */
  copyOf: string | null;
  /** True when an existing pns debug container was reused. */
  reused: boolean;
  /** When the debug container stops by itself (ISO 8601). */
  expiresAt: string;
  /** Something the user should know, shown with the listing (a pod nearing pns's cap of ephemeral containers). */
  note?: string;
}

/** A debug container pns attached to a pod, as `/pns sessions` lists it. */
export interface DebugSessionInfo {
  cluster: string;
  namespace: string;
  /** The pod whose processes are inspected. */
  pod: string;
  /** The pod holding the debug container (a copy's name for `copy`). */
  debugPod: string;
  debugContainer: string;
  strategy: DebugStrategy;
  /** Slack user ID. */
  createdBy: string;
  /** Epoch milliseconds: when pns first recorded the debug container (recording it again keeps this). */
  createdAt: number;
  /** Epoch milliseconds: when pns last ran a script through it; absent in sessions recorded before it was kept. */
  lastUsedAt?: number;
  /** Epoch milliseconds: when the debug container stops by itself. */
  expiresAt: number;
}
