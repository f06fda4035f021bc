import type { ProcessInfo, ProcessListing } from "./types.js";

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

/** True for a shell running pns's collector (its command line holds the script's marker). */
function isCollector(p: ProcessInfo): boolean {
  return p.args.some((a) => a.includes("pns-ps/"));
}

/**
 * Names each process's container from its cgroup and the pod's container statuses, and marks the pause process
 * (role `pause`, container null) and pns's own processes (role `debug`): the collector's shell and its children, and
 * every process of a `pns-debug…` container (ephemeral, or the sidecar of a copy). Returns a new listing; the input is not changed.
 */
export function attributeContainers(
  listing: ProcessListing,
  pod: PodLike,
  options: AttributeOptions = {},
): ProcessListing {
  const byId = knownContainers(pod);
  const pid1 = listing.processes.find((p) => p.pid === 1);
  const pid1Ids = pid1 ? containerIdsOfCgroups(pid1.cgroups) : [];
  const pid1Known = pid1Ids.some((id) => byId.has(id));
  // PID 1 is the sandbox only when the namespace is the pod's: shared, or PID 1 is in no known container.
  const sandboxPid1 =
    pid1 !== undefined &&
    looksLikePause(pid1) &&
    (pod.spec?.shareProcessNamespace === true || (pid1Ids.length > 0 && !pid1Known));
  const sandboxIds = new Set(sandboxPid1 ? pid1Ids.filter((id) => !byId.has(id)) : []);
  const selfPid = listing.selfPid;
  // Collectors (this one, or another user's running at the same time; in the ps fallback there is no selfPid).
  const collectorPids = new Set(listing.processes.filter(isCollector).map((p) => p.pid));
  // In a cgroup namespace (containerd and CRI-O on cgroup v2) pns's own container shows as `0::/` with no id: the
  // processes sharing the collector's cgroups are pns's when the collector itself is in no known container.
  const self = selfPid === null ? undefined : listing.processes.find((p) => p.pid === selfPid);
  const selfCgroups =
    self && self.cgroups.length > 0 && !containerIdsOfCgroups(self.cgroups).some((id) => byId.has(id))
      ? self.cgroups.join("\n")
      : null;
  const seenIds = new Set(listing.processes.flatMap((p) => containerIdsOfCgroups(p.cgroups)));
  const inPod = [...seenIds].some((id) => byId.has(id));
  // Whose container `0::/` is: the one running pns debug container whose id no process shows. Ephemeral containers
  // are never removed, so a pod carries the ended ones too: they keep their containerID but run nothing.
  const unseenDebug = [...byId].filter(([id, c]) => c.debug && c.running && !seenIds.has(id));
  const selfContainer = unseenDebug.length === 1 ? (unseenDebug[0]?.[1].name ?? null) : null;

  const processes = listing.processes.map((p): ProcessInfo => {
    let container: string | null = null;
    let debugContainer = false;
    let sandbox = false;
    const ids = containerIdsOfCgroups(p.cgroups);
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
      (selfPid !== null && (p.pid === selfPid || p.ppid === selfPid)) ||
      collectorPids.has(p.pid) ||
      (p.ppid !== null && collectorPids.has(p.ppid)) ||
      (inPod && selfCgroups !== null && container === null && p.cgroups.join("\n") === selfCgroups) ||
      (container !== null && debugContainer);
    if (own) {
      const inSelfCgroup = container === null && selfCgroups !== null && p.cgroups.join("\n") === selfCgroups;
      return { ...p, container: inSelfCgroup ? selfContainer : container, role: "debug" };
    }
    if ((sandboxPid1 && p.pid === 1) || (sandbox && container === null)) {
      return { ...p, container: null, role: "pause" };
    }
    if (container === null && ids.length === 0 && options.targetContainer) container = options.targetContainer;
    return { ...p, container, role: "app" };
  });
  return { ...listing, processes };
}

/** The container of a PID in an attributed listing; null when unknown or not listed. */
export function containerOf(listing: ProcessListing, pid: number): string | null {
  return listing.processes.find((p) => p.pid === pid)?.container ?? null;
}

/** The processes of one container in an attributed listing. */
export function processesOf(listing: ProcessListing, container: string): ProcessInfo[] {
  return listing.processes.filter((p) => p.container === container);
}
