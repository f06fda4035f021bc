import type { ProcessListing } from "./types.js";

/** Processes kept from one listing unless configured otherwise. @default 2000 */
export const DEFAULT_MAX_PROCESSES = 2000;

/** Options of the listing parsers. */
export interface ParseOptions {
  /** Processes kept (lowest PIDs first); more make the listing incomplete. @default 2000 */
  maxProcesses?: number;
  /** Names for numeric uids; uid 0 is always `root`, others without a name are shown as the number. */
  users?: ReadonlyMap<number, string>;
}

/** A listing with nothing in it yet, as both parsers start one. */
export function emptyListing(source: ProcessListing["source"]): ProcessListing {
  return {
    processes: [],
    clockTicks: 100,
    bootTime: null,
    uptime: null,
    selfPid: null,
    complete: false,
    unreadable: 0,
    cpuSampleSeconds: null,
    source,
  };
}

/** The display name of a uid: `root` for 0, the mapped name, else the number as text (`?` when unknown). */
export function userName(uid: number | null, users?: ReadonlyMap<number, string>): string {
  if (uid === null) return "?";
  if (uid === 0) return "root";
  const name = users?.get(uid);
  if (name !== undefined) return name;
  let text = uidTexts.get(uid);
  if (text === undefined) {
    text = String(uid);
    if (uidTexts.size < 1024) uidTexts.set(uid, text);
  }
  return text;
}

/** uids as text, shared by the thousands of processes of a listing that run as the same few users. */
const uidTexts = new Map<number, string>();
