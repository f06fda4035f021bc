import { createHmac, timingSafeEqual } from "node:crypto";
import type { SignalCommand } from "../core/command/types.js";
import type { JobOrigin } from "../core/jobs.js";
import { normalizeSignal, type SignalName } from "../core/signals.js";

/**
 * What the reason modal carries in `private_metadata` until it is submitted: either a process picked from a stored
 * listing, or a `/pns signal` command typed without a reason. `user` is who the modal was opened for: a submission
 * by anyone else is refused.
 */
export type ReasonMetadata =
  | { kind: "listing"; user: string; listingId: string; pid: number; signal: SignalName; channel: string }
  | { kind: "command"; user: string; command: SignalCommand; origin: JobOrigin }
  | DecisionMetadata;

/** What the Approve / Deny modal carries: the request and the approval message the click came from. */
export interface DecisionMetadata {
  kind: "decision";
  user: string;
  action: "approve" | "deny";
  requestId: string;
  channel: string;
  messageTs: string;
}

/** Separates the JSON from its MAC; `~` never needs escaping in JSON text. */
const SEAL = "~";

function mac(key: Uint8Array, text: string): Buffer {
  return createHmac("sha256", key).update(`pns.reason-metadata.v1:${text}`).digest();
}

/**
 * Serialises the metadata and seals it with an HMAC under the server key, so a view submission cannot carry a
 * requester, channel, listing or command that pns did not put there (≤ 3000 chars for any command the grammar
 * accepts).
 */
export function encodeReasonMetadata(meta: ReasonMetadata, key: Uint8Array): string {
  const json = JSON.stringify(meta);
  return `${json}${SEAL}${mac(key, json).toString("base64url")}`;
}

/** Reads the metadata back; null when it is not one pns wrote and sealed with this key. */
export function decodeReasonMetadata(text: string | undefined, key: Uint8Array): ReasonMetadata | null {
  if (!text) return null;
  const at = text.lastIndexOf(SEAL);
  if (at < 0) return null;
  const json = text.slice(0, at);
  const given = Buffer.from(text.slice(at + 1), "base64url");
  const want = mac(key, json);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const m = value as Record<string, unknown>;
  if (typeof m.user !== "string") return null;
  if (m.kind === "listing") {
    const signal = typeof m.signal === "string" ? normalizeSignal(m.signal) : null;
    if (typeof m.listingId !== "string" || typeof m.channel !== "string" || !Number.isSafeInteger(m.pid) || !signal) {
      return null;
    }
    return { kind: "listing", user: m.user, listingId: m.listingId, pid: m.pid as number, signal, channel: m.channel };
  }
  if (m.kind === "command") {
    const command = m.command as SignalCommand | undefined;
    const origin = m.origin as JobOrigin | undefined;
    if (command?.kind !== "signal" || typeof origin?.user !== "string" || typeof origin.channel !== "string") {
      return null;
    }
    return { kind: "command", user: m.user, command, origin };
  }
  if (m.kind === "decision") {
    const { action, requestId, channel, messageTs } = m;
    if (
      (action !== "approve" && action !== "deny") ||
      typeof requestId !== "string" ||
      typeof channel !== "string" ||
      typeof messageTs !== "string"
    ) {
      return null;
    }
    return { kind: "decision", user: m.user, action, requestId, channel, messageTs };
  }
  return null;
}
