import * as crypto from "node:crypto";
import type { Fingerprint, ProcessInfo } from "./types.js";

/** sha256 (hex) of the collector's cmdline hex, as SIGNAL_SCRIPT computes it with `od | tr | sha256sum`. */
export function cmdlineSha256(cmdHex: string): string {
  // crypto.hash (Node ≥ 20.12) is several times faster than createHash for short inputs; the hex is ASCII.
  if (typeof crypto.hash === "function") return crypto.hash("sha256", cmdHex, "hex");
  return crypto.createHash("sha256").update(cmdHex, "latin1").digest("hex");
}

/**
 * What identifies a process for the signal guard; null when it has no start time (ps fallback).
 * Whether a process may be signalled at all (pause, pns's own) is decided by the caller: see toRows.
 */
export function fingerprintOf(p: ProcessInfo): Fingerprint | null {
  if (p.startTicks === null) return null;
  return { pid: p.pid, startTicks: p.startTicks, cmdSha256: cmdlineSha256(p.cmdHex) };
}

/** True when two fingerprints name the same process. */
export function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  return a.pid === b.pid && a.startTicks === b.startTicks && a.cmdSha256 === b.cmdSha256;
}
