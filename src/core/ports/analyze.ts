/** What listens in a pod, who holds each socket, and how that compares with the pod spec and its Services. */
import type { ProcessSockets } from "./ports-output.js";
import { isListening, isLoopback, type SocketEntry } from "./proc-net.js";

/** A port protocol as the pod spec and Services name it. */
export type PortProtocol = "TCP" | "UDP" | "SCTP";

/** A `containerPort` of the pod spec. */
export interface DeclaredPort {
  container: string;
  port: number;
  protocol: PortProtocol;
  /** The port's `name`, which a Service's `targetPort` may use; null when unnamed. */
  name: string | null;
}

/** One port of a Service that selects the pod. */
export interface ServicePort {
  service: string;
  /** The Service's own port. */
  port: number;
  /** A number, or the name of a containerPort (Kubernetes: `targetPort` defaults to `port`). */
  targetPort: number | string;
  protocol: PortProtocol;
}

/** A process of the pod as the ports view names it. */
export interface PortProcess {
  pid: number;
  /** The container it was attributed to; null when unknown. */
  container: string | null;
  user: string;
  /** Redacted command line. */
  command: string;
}

/** One listening port: every socket on that protocol and port, and who holds them. */
export interface Listener {
  protocol: "TCP" | "UDP";
  port: number;
  /** Local addresses, like `0.0.0.0` and `::`. */
  addresses: string[];
  /** Only 127.0.0.0/8 or ::1: other pods and Services cannot reach it. */
  loopbackOnly: boolean;
  /** The processes holding one of its sockets, PID order. */
  processes: PortProcess[];
  /** Containers whose spec declares the port. */
  declaredBy: string[];
  /** `service:port` of each Service port sending to it. */
  exposedBy: string[];
}

/** One thing worth knowing, with what to do about it. */
export interface PortFinding {
  severity: "warning" | "info";
  message: string;
  fix: string;
}

/** Everything `/pns ports` shows. */
export interface PortsReport {
  listeners: Listener[];
  findings: PortFinding[];
  /** PIDs (and uids) whose open files could not be read. */
  unreadable: { pid: number; uid: number }[];
}

/** What the analysis needs. */
export interface PortsInput {
  sockets: readonly SocketEntry[];
  /** Socket inodes per process, from the ports script. */
  holders: readonly ProcessSockets[];
  /** The pod's processes by PID, attributed to containers (pns's own left out). */
  processes: ReadonlyMap<number, PortProcess>;
  declared: readonly DeclaredPort[];
  /** The ports of the Services selecting the pod; null when pns could not list Services. */
  services: readonly ServicePort[] | null;
  /** Why Services are unknown, when `services` is null. */
  servicesProblem?: string;
  /**
   * True when pns sees only one container's processes (an ephemeral container targeting it in a pod that does not
   * share its process namespace): sockets of the others show with no holder.
   */
  partialView: boolean;
}

const protocolOf = (s: SocketEntry): "TCP" | "UDP" => (s.protocol.startsWith("tcp") ? "TCP" : "UDP");

/** Compares the pod's listening sockets with its declared ports and the Services that select it. */
export function analyzePorts(input: PortsInput): PortsReport {
  const holdersOf = new Map<number, number[]>();
  for (const h of input.holders) {
    for (const inode of h.inodes) holdersOf.set(inode, [...(holdersOf.get(inode) ?? []), h.pid]);
  }
  const byKey = new Map<string, Listener>();
  for (const s of input.sockets.filter(isListening)) {
    const protocol = protocolOf(s);
    const key = `${protocol}/${s.port}`;
    const l = byKey.get(key) ?? {
      protocol,
      port: s.port,
      addresses: [],
      loopbackOnly: true,
      processes: [],
      declaredBy: [],
      exposedBy: [],
    };
    if (!l.addresses.includes(s.address)) l.addresses.push(s.address);
    if (!isLoopback(s.address)) l.loopbackOnly = false;
    for (const pid of holdersOf.get(s.inode) ?? []) {
      const p = input.processes.get(pid);
      if (p && !l.processes.some((x) => x.pid === pid)) l.processes.push(p);
    }
    byKey.set(key, l);
  }
  const listeners = [...byKey.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
  for (const l of listeners) l.processes.sort((a, b) => a.pid - b.pid);
  const find = (protocol: PortProtocol, port: number) =>
    protocol === "SCTP" ? undefined : byKey.get(`${protocol}/${port}`);

  const findings: PortFinding[] = [];
  for (const d of input.declared) {
    if (d.protocol === "SCTP") continue;
    const l = find(d.protocol, d.port);
    const what = `${d.port}/${d.protocol}${d.name ? ` (${d.name})` : ""}`;
    if (l && !l.declaredBy.includes(d.container)) l.declaredBy.push(d.container);
    if (!l) {
      findings.push({
        severity: "warning",
        message: `${what} is declared by container ${d.container} but nothing listens on it.`,
        fix: "Check the port the app is configured to listen on (and that it started), or correct the containerPort.",
      });
    } else if (l.loopbackOnly) {
      findings.push({
        severity: "warning",
        message: `${what} of container ${d.container} listens only on ${l.addresses.join(", ")}: other pods cannot reach it.`,
        fix: "Make the app listen on 0.0.0.0 (or ::) instead of localhost.",
      });
    }
  }

  if (input.services === null) {
    findings.push({
      severity: "info",
      message: `pns could not read the Services of the namespace${input.servicesProblem ? `: ${input.servicesProblem}` : ""}, so it does not say which ports they expose.`,
      fix: "Grant pns `list` on `services` (infra/rbac.yaml has the rule).",
    });
  } else {
    for (const sp of input.services) {
      const target = resolveTarget(sp, input.declared);
      const name = `${sp.service}:${sp.port}`;
      if (target === null) {
        findings.push({
          severity: "warning",
          message: `Service ${sp.service} sends port ${sp.port} to the port named ${String(sp.targetPort)}, which no container of the pod declares.`,
          fix: `Name a containerPort ${String(sp.targetPort)}, or give the Service a numeric targetPort.`,
        });
        continue;
      }
      const l = find(sp.protocol, target);
      if (l) {
        if (!l.exposedBy.includes(name)) l.exposedBy.push(name);
        if (l.loopbackOnly) {
          findings.push({
            severity: "warning",
            message: `Service ${sp.service} sends port ${sp.port} to ${target}/${sp.protocol}, which listens only on ${l.addresses.join(", ")}.`,
            fix: "Make the app listen on 0.0.0.0 (or ::): traffic from the Service never reaches localhost.",
          });
        }
      } else if (sp.protocol !== "SCTP") {
        findings.push({
          severity: "warning",
          message: `Service ${sp.service} sends port ${sp.port} to ${target}/${sp.protocol}, where nothing listens.`,
          fix: `Point the Service's targetPort at a port the pod listens on${listeners.length > 0 ? ` (${listeners.map((x) => `${x.port}/${x.protocol}`).join(", ")})` : ""}, or fix the app's port.`,
        });
      }
    }
    for (const l of listeners) {
      if (l.exposedBy.length > 0 || l.loopbackOnly) continue;
      const who = l.processes[0] ? ` (${describe(l.processes[0])})` : "";
      findings.push({
        severity: "info",
        message: `${l.port}/${l.protocol} listens${who} but no Service exposes it.`,
        fix: `Fine for an admin or metrics port; otherwise add a Service port with targetPort ${l.port}.`,
      });
    }
  }

  const unreadable = input.holders.filter((h) => h.denied).map((h) => ({ pid: h.pid, uid: h.uid }));
  const orphans = listeners.filter((l) => l.processes.length === 0);
  if (orphans.length > 0) {
    const ports = orphans.map((l) => `${l.port}/${l.protocol}`).join(", ");
    if (unreadable.length > 0) {
      const pids = unreadable
        .slice(0, 6)
        .map((u) => `${u.pid} (uid ${u.uid})`)
        .join(", ");
      findings.push({
        severity: "info",
        message: `pns cannot say who listens on ${ports}: the open files of PID ${pids}${unreadable.length > 6 ? " and others" : ""} could not be read.`,
        fix: "Reading another user's open files needs SYS_PTRACE: set `debug.profile: general` where Pod Security allows it.",
      });
    } else {
      findings.push({
        severity: "info",
        message: `No process pns sees holds ${ports}${input.partialView ? ": the pod does not share its process namespace, so pns sees one container's processes only" : ""}.`,
        fix: input.partialView
          ? "Name the container with `-c`, or use `--copy` to see every container's processes."
          : "The socket may belong to a process that just exited; run the command again.",
      });
    }
  } else if (unreadable.length > 0) {
    findings.push({
      severity: "info",
      message: `The open files of ${unreadable.length === 1 ? "PID" : "PIDs"} ${unreadable
        .slice(0, 6)
        .map((u) => u.pid)
        .join(
          ", ",
        )} could not be read (another user, and no SYS_PTRACE); every listening socket has a known holder all the same.`,
      fix: "Set `debug.profile: general` to read every process's open files.",
    });
  }
  return { listeners, findings, unreadable };
}

/** The number a Service port's targetPort names in this pod; null for a name no container declares. */
function resolveTarget(sp: ServicePort, declared: readonly DeclaredPort[]): number | null {
  if (typeof sp.targetPort === "number") return sp.targetPort;
  if (/^\d+$/.test(sp.targetPort)) return Number(sp.targetPort);
  const named = declared.find((d) => d.name === sp.targetPort && d.protocol === sp.protocol);
  return named ? named.port : null;
}

function describe(p: PortProcess): string {
  const cmd = p.command.length > 40 ? `${p.command.slice(0, 39)}…` : p.command;
  return `PID ${p.pid} ${cmd}${p.container ? ` in container ${p.container}` : ""}`;
}
