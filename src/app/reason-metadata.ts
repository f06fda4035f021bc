import type { SignalCommand } from "../core/command/types.js";
import type { JobOrigin } from "../core/jobs.js";
import { normalizeSignal, type SignalName } from "../core/signals.js";

/**
 * What the reason modal carries in `private_metadata` until it is submitted: either a process picked from a stored
 * listing, or a `/pns signal` command typed without a reason.
 */
export type ReasonMetadata =
  | { kind: "listing"; listingId: string; pid: number; signal: SignalName; channel: string }
  | { kind: "command"; command: SignalCommand; origin: JobOrigin };

/** Serialises the metadata (≤ 3000 chars for any command the grammar accepts). */
export function encodeReasonMetadata(meta: ReasonMetadata): string {
  return JSON.stringify(meta);
}

/** Reads the metadata back; null when it is not one pns wrote. */
export function decodeReasonMetadata(text: string | undefined): ReasonMetadata | null {
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const m = value as Record<string, unknown>;
  if (m.kind === "listing") {
    const signal = typeof m.signal === "string" ? normalizeSignal(m.signal) : null;
    if (typeof m.listingId !== "string" || typeof m.channel !== "string" || !Number.isSafeInteger(m.pid) || !signal) {
      return null;
    }
    return { kind: "listing", listingId: m.listingId, pid: m.pid as number, signal, channel: m.channel };
  }
  if (m.kind === "command") {
    const command = m.command as SignalCommand | undefined;
    const origin = m.origin as JobOrigin | undefined;
    if (command?.kind !== "signal" || typeof origin?.user !== "string" || typeof origin.channel !== "string") {
      return null;
    }
    return { kind: "command", command, origin };
  }
  return null;
}
