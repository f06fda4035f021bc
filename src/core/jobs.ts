import type { AuditRef } from "./approval/types.js";
import type {
  CatCommand,
  CleanupCommand,
  DoctorCommand,
  InspectCommand,
  PortsCommand,
  PsCommand,
  SignalCommand,
} from "./command/types.js";
import type { DebugProfile } from "./config/debug-profiles.js";
import type { DebugAttachment, PodRef } from "./model.js";
import type { RuntimeKind } from "./process/runtime.js";
import type { Fingerprint, ProcessRole, ProcessRow } from "./process/types.js";
import type { MessageView } from "./views/block-kit.js";

/** Who asked, where, and where to answer: carried by every job from the Slack handler to the worker. */
export interface JobOrigin {
  /** Slack user ID. */
  user: string;
  /** Slack channel ID. */
  channel: string;
  /** The slash command's or interaction's `response_url`; null for jobs started by a button or the janitor. */
  responseUrl: string | null;
  /** The double-submission claim the command holds while its job runs; released when the job ends. */
  claim?: string;
  /** The command's pending audit entry, which the job's final outcome replaces; absent for jobs from a button. */
  audit?: AuditRef;
  /**
   * The debug profile this one command asked for (a Pod Security retry); checked again by the worker, which only
   * lets it lower privilege (`isRetryProfile`). @default `debug.profile`
   */
  profile?: DebugProfile;
}

/**
 * Work the Slack handler hands to the worker (a Lambda async invoke, or in-process locally). Plain JSON.
 * `id` makes a job idempotent: the worker runs each id once, whatever Lambda retries.
 */
export type Job =
  | { kind: "ps"; id: string; origin: JobOrigin; command: PsCommand }
  /** `reason` null: a typed `/pns signal` without one; the worker checks the PID first, then asks for it. */
  | { kind: "signal"; id: string; origin: JobOrigin; command: SignalCommand; reason: string | null }
  | { kind: "execute"; id: string; requestId: string }
  | { kind: "cat"; id: string; origin: JobOrigin; command: CatCommand }
  | { kind: "inspect"; id: string; origin: JobOrigin; command: InspectCommand }
  | { kind: "ports"; id: string; origin: JobOrigin; command: PortsCommand }
  | { kind: "doctor"; id: string; origin: JobOrigin; command: DoctorCommand }
  | { kind: "sessions"; id: string; origin: JobOrigin }
  | { kind: "cleanup"; id: string; origin: JobOrigin; command: CleanupCommand };

/** One process of a listing as it was shown, kept so a later click can name exactly that process. */
export interface SnapshotProcess {
  pid: number;
  /** Redacted command line. */
  command: string;
  container: string | null;
  user: string;
  role: ProcessRole;
  fingerprint: Fingerprint | null;
  /** True for its container's main process (`ProcessRow.main`); absent in listings stored before it was known. */
  main?: boolean;
  /** Its SigCgt and SigIgn as listed (`ProcessRow`); absent in listings stored before they were read. */
  caughtSignals?: number | null;
  ignoredSignals?: number | null;
  /** The runtime it runs on (`ProcessRow.runtime`); absent when unknown. */
  runtime?: RuntimeKind;
  /** Start time, ISO 8601 UTC (`ProcessRow.startedAt`); null when unknown, absent in older listings. */
  startedAt?: string | null;
}

/**
 * What a stored listing keeps of a row: every listing pns stores (a `ps`, and the one taken right after a signal)
 * keeps the same, so a request made from either knows the process's runtime and signal dispositions.
 */
export function snapshotProcessOf(r: ProcessRow): SnapshotProcess {
  return {
    pid: r.pid,
    command: r.command,
    container: r.container,
    user: r.user,
    role: r.role,
    fingerprint: r.fingerprint,
    main: r.main,
    caughtSignals: r.caughtSignals,
    ignoredSignals: r.ignoredSignals,
    ...(r.runtime ? { runtime: r.runtime } : {}),
    startedAt: r.startedAt,
  };
}

/**
 * What a process table showed, stored under its listing id (the table's actions block_id) so that "Request
 * signal…" acts on the process the user saw, not on whatever has that PID now.
 */
export interface ListingSnapshot {
  id: string;
  channel: string;
  createdBy: string;
  /** When the listing was taken (epoch milliseconds): a table older than its pod's latest listing is checked. */
  createdAt: number;
  pod: PodRef;
  attachment: DebugAttachment;
  processes: SnapshotProcess[];
  /** The table as it would be posted in the channel, kept while only its asker sees it ("Share in channel"). */
  shared?: SharedTable;
}

/** A process table ready to post in its channel: the message, and the full listing when the message is cut. */
export interface SharedTable {
  view: MessageView;
  file: { filename: string; title: string; content: string } | null;
}
