/**
 * Every action_id, block_id and callback_id pns puts in Slack, and the codecs of the values it round-trips.
 * Handlers route on these constants only; every encoded value stays ≤ 75 chars.
 */

import { normalizeSignal, type SignalName } from "../signals.js";

/** action_ids of interactive elements. */
export const ActionId = {
  /** The process picker of a process table. */
  psProcess: "pns.ps.process",
  /** The signal picker of a process table. */
  psSignal: "pns.ps.signal",
  /** The "Request signal…" button of a process table. */
  psRequest: "pns.ps.request",
  /** Prefix of a process table's intent buttons ("Thread dump: PID 7"): `pns.ps.intent.<n>`, unique per block. */
  psIntentPrefix: "pns.ps.intent.",
  signalApprove: "pns.signal.approve",
  signalDeny: "pns.signal.deny",
  signalCancel: "pns.signal.cancel",
  /** The reason text field of the reason modal. */
  reasonInput: "pns.reason.input",
  /** The "Share in channel" button of a process table shown only to whoever asked; its value is the listing id. */
  psShare: "pns.ps.share",
  /** The optional reason field of the Deny modal. */
  denyReasonInput: "pns.deny.input",
  /** "Request for PID 20" when a picked process has changed since its table: value `<listingId> <pid> <signal>`. */
  requestFresh: "pns.request.fresh",
  /** "Retry with the `restricted` profile" after a Pod Security refusal: value `<profile> <command>` (retry.ts). */
  retryProfile: "pns.retry.profile",
  /** Prefix of a pod picker's buttons (a selector matched several pods): `pns.pod.pick.<n>`, unique per block. */
  podPickPrefix: "pns.pod.pick.",
  /** The reason modal's "Send CONT automatically after" select of a STOP request; values are milliseconds. */
  autoContSelect: "pns.reason.autocont",
} as const;

/** block_ids (fixed ones; the process-table actions block carries its listing id, see `encodeListingBlockId`). */
export const BlockId = {
  /** Prefix of the process-table actions block: `pns.ps:<listingId>`. */
  psActionsPrefix: "pns.ps:",
  /** Prefix of the approval buttons block: `pns.signal:<requestId>`. */
  signalActionsPrefix: "pns.signal:",
  /** The input block of the reason modal. */
  reason: "pns.reason",
  /** The input block of the Deny modal. */
  denyReason: "pns.deny",
  /** The input block of the reason modal's automatic-CONT select (STOP only). */
  autoCont: "pns.reason.autocont.block",
  psTable: "pns.ps.table",
  /** The block of the "Share in channel" button. */
  psShare: "pns.ps.share.actions",
  /** The block of the "Retry with the … profile" button. */
  retryProfile: "pns.retry.actions",
  /** The buttons block of a pod picker. */
  podPick: "pns.pod.pick.actions",
} as const;

/** callback_ids of modals. */
export const CallbackId = {
  reasonModal: "pns.reason.modal",
  /** The confirmation of Approve, and Deny with its optional reason. */
  decisionModal: "pns.decision.modal",
} as const;

/** Longest value pns encodes into an id or value. */
export const MAX_ENCODED_VALUE = 75;

const TOKEN = /^[A-Za-z0-9._~-]{1,64}$/;

/** True when `id` is usable as a listing or request id (URL-safe, 1–64 chars). */
export function isValidToken(id: string): boolean {
  return TOKEN.test(id);
}

function requireToken(kind: string, id: string): string {
  if (!isValidToken(id)) throw new RangeError(`${kind} must be 1–64 chars of [A-Za-z0-9._~-]`);
  return id;
}

/** The block_id of a process table's actions block: `pns.ps:<listingId>`. */
export function encodeListingBlockId(listingId: string): string {
  return BlockId.psActionsPrefix + requireToken("listing id", listingId);
}

/** The listing id of a process table's actions block_id, or null when it is not one. */
export function decodeListingBlockId(blockId: string): string | null {
  if (!blockId.startsWith(BlockId.psActionsPrefix)) return null;
  const id = blockId.slice(BlockId.psActionsPrefix.length);
  return isValidToken(id) ? id : null;
}

/** The block_id of an approval message's buttons: `pns.signal:<requestId>`. */
export function encodeRequestBlockId(requestId: string): string {
  return BlockId.signalActionsPrefix + requireToken("request id", requestId);
}

/** The request id of an approval message's buttons block_id, or null. */
export function decodeRequestBlockId(blockId: string): string | null {
  if (!blockId.startsWith(BlockId.signalActionsPrefix)) return null;
  const id = blockId.slice(BlockId.signalActionsPrefix.length);
  return isValidToken(id) ? id : null;
}

/** The value of the Approve/Deny/Cancel buttons: the request id. */
export function encodeRequestValue(requestId: string): string {
  return requireToken("request id", requestId);
}

/** The request id in a button value, or null when it is malformed. */
export function decodeRequestValue(value: string | undefined): string | null {
  return value !== undefined && isValidToken(value) ? value : null;
}

/** The value of a process option: the PID. */
export function encodePidValue(pid: number): string {
  if (!Number.isSafeInteger(pid) || pid < 1) throw new RangeError("pid must be a positive integer");
  return String(pid);
}

/** The PID of a process option's value, or null. */
export function decodePidValue(value: string | undefined): number | null {
  if (value === undefined || !/^[1-9]\d{0,9}$/.test(value)) return null;
  return Number(value);
}

/** The value of a signal option: the signal's name (`HUP`). */
export function encodeSignalValue(signal: SignalName): string {
  return signal;
}

/** The value of an intent button: the signal and the PID (`QUIT:7`). */
export function encodeIntentValue(signal: SignalName, pid: number): string {
  return `${encodeSignalValue(signal)}:${encodePidValue(pid)}`;
}

/** The signal and PID of an intent button's value, or null. */
export function decodeIntentValue(value: string | undefined): { signal: SignalName; pid: number } | null {
  const m = value === undefined ? null : /^([A-Z0-9]{1,8}):(\d{1,10})$/.exec(value);
  const signal = m ? decodeSignalValue(m[1]) : null;
  const pid = m ? decodePidValue(m[2]) : null;
  return signal === null || pid === null ? null : { signal, pid };
}

/** The signal of a signal option's value, or null when it is not on the allowlist. */
export function decodeSignalValue(value: string | undefined): SignalName | null {
  return value === undefined ? null : normalizeSignal(value);
}

/** The value of the "Share in channel" button: the listing id. */
export function encodeShareValue(listingId: string): string {
  return requireToken("listing id", listingId);
}

/** The listing id in a "Share in channel" value, or null when it is malformed. */
export function decodeShareValue(value: string | undefined): string | null {
  return value !== undefined && isValidToken(value) ? value : null;
}

/** The value of a "Request for PID …" button: the listing, the PID and the signal (≤ 75 chars). */
export function encodeFreshPickValue(listingId: string, pid: number, signal: SignalName): string {
  return `${requireToken("listing id", listingId)} ${encodePidValue(pid)} ${encodeSignalValue(signal)}`;
}

/** The listing, PID and signal of a "Request for PID …" button, or null when malformed. */
export function decodeFreshPickValue(
  value: string | undefined,
): { listingId: string; pid: number; signal: SignalName } | null {
  const [listingId, pid, signal, ...rest] = (value ?? "").split(" ");
  if (rest.length > 0 || listingId === undefined || !isValidToken(listingId)) return null;
  const p = decodePidValue(pid);
  const s = decodeSignalValue(signal);
  return p !== null && s !== null ? { listingId, pid: p, signal: s } : null;
}

/**
 * The value of a pod picker's button: the pod, then the command it re-runs as Slack sends a command's text. The one
 * value longer than {@link MAX_ENCODED_VALUE}: a button's value holds up to {@link MAX_BUTTON_VALUE} characters
 * (docs.slack.dev reference/block-kit/block-elements/button-element), and the command is parsed and checked again like a typed one.
 */
export function encodePodPickValue(pod: string, commandText: string): string | null {
  const value = `${pod} ${commandText}`;
  return /^[a-z0-9][a-z0-9.-]{0,252}$/.test(pod) && value.length <= MAX_BUTTON_VALUE ? value : null;
}

/** Slack's limit on a button's `value`. */
export const MAX_BUTTON_VALUE = 2000;

/** The pod and command text of a pod picker's button, or null when malformed. */
export function decodePodPickValue(value: string | undefined): { pod: string; text: string } | null {
  const m =
    value === undefined || value.length > MAX_BUTTON_VALUE ? null : /^([a-z0-9][a-z0-9.-]{0,252}) (.+)$/s.exec(value);
  return m ? { pod: m[1]!, text: m[2]! } : null;
}
