import type { ProcessListing } from "./types.js";

/**
 * PIDs of the collector: the header's `self=` shell and its descendants (`od`, `tr`, `sleep`, subshells). Only the
 * kernel sets a parent, so no process can join this set by what it prints or by its command line.
 */
export function collectorPids(listing: Pick<ProcessListing, "processes" | "selfPid">): Set<number> {
  const pids = new Set<number>();
  if (listing.selfPid === null) return pids;
  pids.add(listing.selfPid);
  const children = new Map<number, number[]>();
  for (const p of listing.processes) {
    if (p.ppid === null || p.ppid === p.pid) continue;
    const list = children.get(p.ppid);
    if (list === undefined) children.set(p.ppid, [p.pid]);
    else list.push(p.pid);
  }
  const todo = [listing.selfPid];
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    for (const child of children.get(pid) ?? []) {
      if (pids.has(child)) continue;
      pids.add(child);
      todo.push(child);
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
  return { ...listing, processes: listing.processes.filter((p) => !drop.has(p.pid)) };
}
