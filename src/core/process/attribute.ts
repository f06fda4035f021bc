import type { ProcessInfo, ProcessListing } from "./types.js";
import { collectorPids } from "./without-collector.js";

/** Names of pns's own debug containers start with this. */
export const DEBUG_CONTAINER_PREFIX = "pns-debug";

/** A container status as the Kubernetes API reports it. */
export interface ContainerStatusLike {
  name: string;
  containerID?: string | null;
  /** Only `running` is read: a terminated container keeps its containerID. */
  state?: { running?: unknown } | null;
}

/** The parts of a pod pns needs for attribution; client-node's V1Pod fits it. */
export interface PodLike {
  spec?: {
    containers?: { name: string }[] | null;
    initContainers?: { name: string }[] | null;
    ephemeralContainers?: { name: string }[] | null;
    shareProcessNamespace?: boolean | null;
    /** The pod's containers live in the node's PID namespace: the debug container sees every process of the node. */
    hostPID?: boolean | null;
  } | null;
  status?: {
    containerStatuses?: ContainerStatusLike[] | null;
    initContainerStatuses?: ContainerStatusLike[] | null;
    ephemeralContainerStatuses?: ContainerStatusLike[] | null;
  } | null;
}

/** Options of {@link attributeContainers}. */
export interface AttributeOptions {
  /**
   * The container whose namespace an `ephemeral` debug container joined: processes that cannot be attributed by
   * cgroup (no cgroup lines, unknown ids) belong to it, except pns's own.
   */
  targetContainer?: string | null;
}

/** The runtime's id from a status `containerID` (`containerd://<id>`, `cri-o://<id>`, `docker://<id>`). */
export function containerIdFromStatus(containerID: string | null | undefined): string | null {
  if (!containerID) return null;
  const sep = containerID.indexOf("://");
  const id = (sep < 0 ? containerID : containerID.slice(sep + 3)).toLowerCase();
  return /^[0-9a-f]{12,128}$/.test(id) ? id : null;
}

const HEX64 = /[0-9a-f]{64}/g;

/**
 * Container ids (64 hex) named by cgroup lines, in line order: cgroupfs (`/kubepods/burstable/pod<uid>/<id>`),
 * systemd (`cri-containerd-<id>.scope`, `crio-<id>.scope`, `crio-conmon-<id>.scope`, `docker-<id>.scope`),
 * docker (`/docker/<id>`), v1 (many lines) and v2 (`0::/…`, also relative `/../<id>` in a cgroup namespace).
 */
export function containerIdsOfCgroups(cgroups: readonly string[]): string[] {
  const ids: string[] = [];
  for (const line of cgroups) {
    const path = line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1);
    HEX64.lastIndex = 0;
    for (let m = HEX64.exec(path); m !== null; m = HEX64.exec(path)) {
      if (!ids.includes(m[0])) ids.push(m[0]);
    }
  }
  return ids;
}

interface KnownContainer {
  name: string;
  /** One of pns's debug containers: an ephemeral one, or the native sidecar (or container) of a pns copy. */
  debug: boolean;
  running: boolean;
}

function knownContainers(pod: PodLike): Map<string, KnownContainer> {
  const byId = new Map<string, KnownContainer>();
  const add = (statuses: ContainerStatusLike[] | null | undefined) => {
    for (const s of statuses ?? []) {
      const id = containerIdFromStatus(s.containerID);
      const debug = s.name.startsWith(DEBUG_CONTAINER_PREFIX);
      // A status without a state says nothing either way: only a state without `running` rules a container out.
      const running = s.state ? Boolean(s.state.running) : true;
      if (id) byId.set(id, { name: s.name, debug, running });
    }
  };
  add(pod.status?.initContainerStatuses);
  add(pod.status?.containerStatuses);
  add(pod.status?.ephemeralContainerStatuses);
  return byId;
}

/** True for the pod sandbox's `/pause` (or any process whose comm is `pause`). */
function looksLikePause(p: ProcessInfo): boolean {
  const first = p.args[0] ?? "";
  return p.comm === "pause" || first === "/pause" || first.endsWith("/pause");
}

/**
 * Names each process's container from its cgroup and the pod's container statuses, and marks the pause process
 * (role `pause`, container null) and pns's own processes (role `debug`): the collector (the header's `self=` shell
 * and its descendants, never anything by its command line, which any process may set) and every process of a
 * `pns-debug…` container (ephemeral, or the sidecar of a copy). Processes of no container of this pod (another
 * container's cgroup; with `hostPID`, the node's) are left out and counted in `outside`, so nothing outside the pod
 * is ever shown, offered for a signal or read. Sets `container` and `role` of the listing's processes in place, and
 * returns a new listing of those it keeps: a listing is attributed once it is parsed, and copying 10,000 processes
 * to keep the parsed ones untouched would double what a listing allocates. Attributing the same listing again (with
 * a pod read later) sets every process afresh, so it gives what the first time would have given with that pod.
 */
export function attributeContainers(
  listing: ProcessListing,
  pod: PodLike,
  options: AttributeOptions = {},
): ProcessListing {
  const byId = knownContainers(pod);
  // The processes of a container share their cgroup lines: read the ids once per distinct set of lines.
  const keys: string[] = new Array(listing.processes.length);
  const idsOf: string[][] = new Array(listing.processes.length);
  const idsByKey = new Map<string, string[]>();
  const seenIds = new Set<string>();
  let lastCgroups: readonly string[] | null = null;
  for (let i = 0; i < listing.processes.length; i++) {
    const cgroups = listing.processes[i]!.cgroups;
    // The parser shares one array between consecutive processes with the same lines: same array, same key.
    if (cgroups === lastCgroups) {
      keys[i] = keys[i - 1]!;
      idsOf[i] = idsOf[i - 1]!;
      continue;
    }
    lastCgroups = cgroups;
    const key = cgroups.length === 1 ? cgroups[0]! : cgroups.join("\n");
    keys[i] = key;
    let ids = idsByKey.get(key);
    if (ids === undefined) {
      ids = containerIdsOfCgroups(cgroups);
      idsByKey.set(key, ids);
      for (const id of ids) seenIds.add(id);
    }
    idsOf[i] = ids;
  }
  const idsAt = (i: number): string[] => idsOf[i]!;
  const pid1At = listing.processes.findIndex((p) => p.pid === 1);
  const pid1 = pid1At < 0 ? undefined : listing.processes[pid1At];
  const pid1Ids = pid1At < 0 ? [] : idsAt(pid1At);
  const pid1Known = pid1Ids.some((id) => byId.has(id));
  // PID 1 is the sandbox only when the namespace is the pod's: shared, or PID 1 is in no known container.
  const sandboxPid1 =
    pid1 !== undefined &&
    looksLikePause(pid1) &&
    (pod.spec?.shareProcessNamespace === true || (pid1Ids.length > 0 && !pid1Known));
  const sandboxIds = new Set(sandboxPid1 ? pid1Ids.filter((id) => !byId.has(id)) : []);
  const selfPid = listing.selfPid;
  // Another pns collector running at the same time is pns's by its container (below), not by what it prints.
  const collector = collectorPids(listing);
  // In a cgroup namespace (containerd and CRI-O on cgroup v2) pns's own container shows as `0::/` with no id: the
  // processes sharing the collector's cgroups are pns's when the collector itself is in no known container.
  const selfAt = selfPid === null ? -1 : listing.processes.findIndex((p) => p.pid === selfPid);
  const selfCgroups =
    selfAt >= 0 && listing.processes[selfAt]!.cgroups.length > 0 && !idsAt(selfAt).some((id) => byId.has(id))
      ? keys[selfAt]!
      : null;
  const inPod = [...seenIds].some((id) => byId.has(id));
  // Whose container `0::/` is: the one pns debug container whose id no process shows.
  // Ephemeral containers are never removed, so a pod carries the ended ones too: they keep their containerID but run
  // nothing. Only a running pns debug container can be the collector's own.
  const unseenDebug = [...byId].filter(([id, c]) => c.debug && c.running && !seenIds.has(id));
  const selfContainer = unseenDebug.length === 1 ? (unseenDebug[0]?.[1].name ?? null) : null;

  const hostPID = pod.spec?.hostPID === true;
  let outside = 0;
  const processes: ProcessInfo[] = [];
  for (let i = 0; i < listing.processes.length; i++) {
    const p = listing.processes[i]!;
    let container: string | null = null;
    let debugContainer = false;
    let sandbox = false;
    const ids = idsAt(i);
    const inSelfCgroup = selfCgroups !== null && keys[i] === selfCgroups;
    for (const id of ids) {
      const known = byId.get(id);
      if (known) {
        container = known.name;
        debugContainer = known.debug;
        break;
      }
      if (sandboxIds.has(id)) sandbox = true;
    }
    const own =
      collector.has(p.pid) || (inPod && inSelfCgroup && container === null) || (container !== null && debugContainer);
    if (own) {
      p.container = inSelfCgroup && container === null ? selfContainer : container;
      p.role = "debug";
    } else if ((sandboxPid1 && p.pid === 1) || (sandbox && container === null)) {
      p.container = null;
      p.role = "pause";
    } else if (container === null && (hostPID || ids.length > 0)) {
      // A process in another container's cgroup, or (hostPID) in none of this pod's, is not the pod's: never listed.
      outside += 1;
      continue;
    } else {
      p.container = container === null && options.targetContainer ? options.targetContainer : container;
      p.role = "app";
    }
    processes.push(p);
  }
  return outside > 0 || hostPID
    ? { ...listing, processes, outside: { processes: outside, hostPID } }
    : { ...listing, processes };
}

/** The container of a PID in an attributed listing; null when unknown or not listed. */
export function containerOf(listing: ProcessListing, pid: number): string | null {
  return listing.processes.find((p) => p.pid === pid)?.container ?? null;
}

/** The processes of one container in an attributed listing. */
export function processesOf(listing: ProcessListing, container: string): ProcessInfo[] {
  return listing.processes.filter((p) => p.container === container);
}
