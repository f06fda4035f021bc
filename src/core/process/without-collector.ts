import type { ProcessListing } from "./types.js";

/**
 * The listing without the collector itself: its shell (`selfPid`) and that shell's children (`od`, `tr`). They exist
 * only because pns looked, so they are left out of tables and of before/after differences.
 */
export function withoutCollector(listing: ProcessListing): ProcessListing {
  if (listing.selfPid === null) return listing;
  const drop = new Set<number>([listing.selfPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of listing.processes) {
      if (!drop.has(p.pid) && p.ppid !== null && drop.has(p.ppid)) {
        drop.add(p.pid);
        grew = true;
      }
    }
  }
  return { ...listing, processes: listing.processes.filter((p) => !drop.has(p.pid)) };
}
