import type { V1Pod } from "@kubernetes/client-node";
import type { ProcessInfo, ProcessListing } from "../core/process/types.js";

/** The pod facts the process model needs to name each process's container. */
export interface PodContainers {
  /** Container name → runtime container ID (without the `containerd://` scheme). */
  ids: Map<string, string>;
  debugContainer: string;
}

/** Collects container IDs of all containers, init and ephemeral containers of a pod. */
export function podContainers(pod: V1Pod, debugContainer: string): PodContainers {
  const ids = new Map<string, string>();
  const statuses = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.ephemeralContainerStatuses ?? []),
  ];
  for (const s of statuses) {
    const id = s.containerID?.replace(/^[a-z0-9-]+:\/\//, "");
    if (id) ids.set(s.name, id);
  }
  return { ids, debugContainer };
}

function containerOf(p: ProcessInfo, ids: Map<string, string>): string | null {
  for (const line of p.cgroups) {
    for (const [name, id] of ids) if (line.includes(id)) return name;
  }
  return null;
}

/** Names each process's container from its cgroup and marks the pause process and pns's own processes. */
export function attributeListing(listing: ProcessListing, pod: PodContainers): ProcessListing {
  const processes = listing.processes.map((p): ProcessInfo => {
    const container = containerOf(p, pod.ids);
    const isPause = p.pid === 1 && (p.comm === "pause" || p.args[0] === "/pause");
    const isDebug = container === pod.debugContainer || p.pid === listing.selfPid;
    return { ...p, container, role: isPause ? "pause" : isDebug ? "debug" : p.role };
  });
  return { ...listing, processes };
}
