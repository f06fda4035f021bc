import type { PodRef } from "../model.js";
import type { RestartPolicy } from "../process/pod-summary.js";
import type { RuntimeKind } from "../process/runtime.js";
import type { Fingerprint } from "../process/types.js";
import type { SignalName } from "../signals.js";

/**
 * States of a signal request. Transitions happen only through conditional writes (see the state machine).
 * `pending` → `approved` → `executing` → `done` | `failed`; `pending` → `denied` | `cancelled` | `expired` | `gone`
 * (`gone`: the process exited while the request waited).
 */
export type RequestState =
  | "pending"
  | "approved"
  | "executing"
  | "done"
  | "failed"
  | "denied"
  | "cancelled"
  | "expired"
  | "gone";

/** `required`: someone other than the requester approves; `self`: the requester may approve; `none`: no approval. */
export type ApprovalMode = "required" | "self" | "none";

/** A request to send one signal to one process, from its creation to its result. */
export interface SignalRequest {
  id: string;
  state: RequestState;
  /** Slack user ID of the requester. */
  requester: string;
  /** Channel the request came from, and where the approval message is posted. */
  channel: string;
  /** ts of the approval message, once posted. */
  messageTs: string | null;
  target: PodRef & {
    /** The debug container the signal is sent from. */
    debugContainer: string;
    /** The pod holding the debug container (differs from `pod` for a copy). */
    debugPod: string;
    /** The container whose PID namespace the debug container joined (targeted ephemeral); null: the pod's whole. */
    targetContainer?: string | null;
    /** The pod's restart policy when it was listed, for the signal's consequence; absent when unknown. */
    restartPolicy?: RestartPolicy | null;
  };
  process: {
    pid: number;
    /** Redacted command line. */
    command: string;
    container: string | null;
    user: string;
    /** True for its container's main process (`ProcessRow.main`); absent when unknown (older requests). */
    main?: boolean;
    /** The runtime it runs on (`ProcessRow.runtime`); absent when unknown. */
    runtime?: RuntimeKind;
  };
  fingerprint: Fingerprint;
  signal: SignalName;
  reason: string;
  approval: ApprovalMode;
  /** Who may approve: Slack user IDs and user-group IDs. Empty lists mean anyone but the requester. */
  approvers: { users: string[]; groups: string[] };
  /** Epoch milliseconds. */
  createdAt: number;
  expiresAt: number;
  decidedBy: string | null;
  decidedAt: number | null;
  /** Why it was denied, as the denier typed it (redacted); absent or null when none was given. */
  denialReason?: string | null;
  /** Others who asked for the same signal to the same process while it was pending (merged duplicates). */
  supporters?: Supporter[];
  /** Set when the signal ran (done/failed) or the target went away (gone): what happened, for the message. */
  outcome: string | null;
  /** STOP only: the SIGCONT pns sends by itself after the STOP (chosen in the reason modal); absent or null: none. */
  autoCont?: AutoCont | null;
  /** Increases with every write; conditional writes check it. */
  version: number;
}

/**
 * The automatic SIGCONT after a STOP: `waiting` until the STOP is sent, then `scheduled` at `dueAt`; the janitor that
 * wins the conditional write `scheduled → sending` sends it once, and records `sent` or `not_sent` with the outcome.
 */
export interface AutoCont {
  /** Milliseconds after the STOP. */
  afterMs: number;
  /** Epoch milliseconds when it is due; null until the STOP is sent. */
  dueAt: number | null;
  /** `lost`: the janitor run sending it stopped mid-way, so it may or may not have been delivered. */
  state: "waiting" | "scheduled" | "sending" | "sent" | "not_sent" | "lost";
  /** Epoch milliseconds when a janitor run claimed it for sending; absent before (and in records made before it). */
  claimedAt?: number;
  /** What happened, once sent or not sent. */
  outcome: string | null;
}

/**
 * Where one command's audit entry is kept (the stores key entries by time and id), so its final outcome replaces the
 * pending one; `command` is the `/pns …` text the entry names.
 */
export interface AuditRef {
  id: string;
  /** Epoch milliseconds: when the command arrived. */
  at: number;
  command?: string;
}

/** Someone who asked for the same signal to the same process while the request was pending. */
export interface Supporter {
  /** Slack user ID. */
  user: string;
  /** Their reason (redacted). */
  reason: string;
  /** Epoch milliseconds. */
  at: number;
}

/** One line of the audit trail. */
export interface AuditEntry {
  id: string;
  /** Epoch milliseconds. */
  at: number;
  /** Slack user ID, or `pns` for the janitor. */
  actor: string;
  action: "command" | "request" | "decision" | "signal" | "read" | "cleanup" | "expire";
  channel: string | null;
  cluster: string | null;
  namespace: string | null;
  pod: string | null;
  /** What was done, redacted: `ps nginx`, `SIGHUP to pid 8 (nginx: master process …)`. */
  detail: string;
  outcome: "ok" | "refused" | "failed" | "pending";
}
