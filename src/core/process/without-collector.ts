import type { ProcessListing } from "./types.js";

/**
 * PIDs of the collector: the header's `self=` shell and its descendants (`od`, `tr`, `sleep`, subshells). Only the
 * kernel sets a parent, so no process can join this set by what it prints or by its command line.
 */
export function collectorPids(listing: Pick<ProcessListing, "processes" | "selfPid">): Set<number> {
  const pids = new Set<number>();
  if (listing.selfPid === null) return pids;
  pids.add(listing.selfPid);
  // Passes over the listing until one adds nothing: the collector's tree is a few processes a level or two deep, so
  // two or three passes with no allocation beat a child index of 10,000 entries. Each pass adds at least one process
  // or ends, so the loop ends.
  for (let added = true; added; ) {
    added = false;
    // An indexed loop: for-of allocates an iterator result per process until the engine optimises this code.
    for (let i = 0; i < listing.processes.length; i++) {
      const p = listing.processes[i]!;
      if (p.ppid !== null && p.ppid !== p.pid && pids.has(p.ppid) && !pids.has(p.pid)) {
        pids.add(p.pid);
        added = true;
      }
    }
  }
  return pids;
}

/**
 * The listing without the collector itself ({@link collectorPids}). Those processes exist only because pns looked,
 * so they are left out of tables and of before/after differences.
 */
export function withoutCollector(listing: ProcessListing): ProcessListing {
  if (listing.selfPid === null) return listing;
  const drop = collectorPids(listing);
  // The collector has often exited by the time its output is read: then there is nothing to leave out.
  if (!listing.processes.some((p) => drop.has(p.pid))) return listing;
  return { ...listing, processes: listing.processes.filter((p) => !drop.has(p.pid)) };
}
