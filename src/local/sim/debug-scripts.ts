/**
 * What the emulated runtime prints for the scripts of `/pns ports` and `/pns inspect` (src/core/process/debug-scripts.ts):
 * the same lines the real scripts print on a kernel, from the simulated processes. The real runtimes run the
 * scripts themselves.
 */
import { createHash } from "node:crypto";
import { ENVIRON_MAX_BYTES, INSPECT_GONE_EXIT } from "../../core/process/debug-scripts.js";
import { cgroupText, statusText } from "./proc.js";
import { ALL_CAPS, effectiveCaps } from "./runtime/security.js";
import type { ExecContext } from "./shell.js";
import type { Json, SimPod, SimProcess } from "./world.js";

/** What an emulated script printed. */
export interface ScriptOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** A socket a program of the simulated images listens on: what its default configuration binds. */
interface Listen {
  protocol: "tcp" | "tcp6" | "udp" | "udp6";
  /** Hex as the kernel prints it (little-endian words). */
  address: string;
  port: number;
}

const ANY4 = "00000000";
const LOOPBACK4 = "0100007F";
const ANY6 = "00000000000000000000000000000000";

/**
 * The sockets each simulated program opens: nginx's default.conf `listen 80`, postgres `listen_addresses = '*'` on
 * 5432 (both families), Node's `server.listen(8080)` on `::`, envoy's listener on 10000 and its admin on 127.0.0.1:9901,
 * a JVM app on 8080, `--port=N` flags.
 */
function listensOf(p: SimProcess): Listen[] {
  const cmd = p.args.join(" ");
  if (p.comm === "nginx") return [{ protocol: "tcp", address: ANY4, port: 80 }];
  if (p.comm === "postgres")
    return [
      { protocol: "tcp", address: ANY4, port: 5432 },
      { protocol: "tcp6", address: ANY6, port: 5432 },
    ];
  if (p.comm === "node") return [{ protocol: "tcp6", address: ANY6, port: 8080 }];
  if (p.comm === "envoy")
    return [
      { protocol: "tcp", address: ANY4, port: 10000 },
      { protocol: "tcp", address: LOOPBACK4, port: 9901 },
    ];
  if (p.comm === "java") return [{ protocol: "tcp6", address: ANY6, port: 8080 }];
  const flag = /--port=(\d{1,5})\b/.exec(cmd);
  return flag ? [{ protocol: "tcp", address: ANY4, port: Number(flag[1]) }] : [];
}

/** Every process of the pod, across its PID namespaces: the network namespace is the pod's. */
function podProcesses(pod: SimPod): SimProcess[] {
  const seen = new Set<SimProcess>();
  const namespaces = [pod.sharedNs, ...[...pod.containers.values()].map((c) => c.pidNs)];
  for (const ns of namespaces) for (const p of ns?.procs.values() ?? []) seen.add(p);
  return [...seen];
}

/** The socket's inode: one per (pod, protocol, address, port), shared by the processes that inherited it. */
function inodeOf(pod: SimPod, l: Listen): number {
  const h = createHash("sha256").update(`${pod.uid}/${l.protocol}/${l.address}/${l.port}`).digest();
  return 20_000 + (h.readUInt32BE(0) % 9_000_000);
}

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, "0");

const HEADER4 = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";
const HEADER6 =
  "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

/** A line of /proc/net/tcp* or udp* (linux net/ipv4/tcp_ipv4.c `get_tcp4_sock`, udp.c `udp4_format_sock`). */
function tableLine(slot: number, l: Listen, uid: number, inode: number): string {
  const v6 = l.protocol.endsWith("6");
  const remote = `${v6 ? ANY6 : ANY4}:0000`;
  const state = l.protocol.startsWith("tcp") ? "0A" : "07";
  return `${String(slot).padStart(4)}: ${l.address}:${hex(l.port, 4)} ${remote} ${state} 00000000:00000000 00:00000000 00000000 ${String(uid).padStart(5)}        0 ${inode} 1 0000000000000000 100 0 0 10 0`;
}

/** May the exec's shell look into `target` (its fds, environ, root): ptrace read access, as the world decides. */
function mayTrace(ctx: ExecContext, target: SimProcess): boolean {
  return ctx.world.mayTrace(ctx.pod, { container: ctx.container, uid: ctx.self.uid }, target);
}

/** PORTS_SCRIPT on the emulated runtime. */
export function emulatePorts(ctx: ExecContext): ScriptOutput {
  const out: string[] = [`h pns-ports/1 self=${ctx.self.pid}`];
  const all = podProcesses(ctx.pod);
  const sockets = new Map<string, { listen: Listen; uid: number; inode: number }>();
  for (const p of all) {
    for (const l of listensOf(p)) {
      const k = `${l.protocol}/${l.address}/${l.port}`;
      // The first opener (the parent) owns the socket; its children inherit the fd.
      if (!sockets.has(k)) sockets.set(k, { listen: l, uid: p.uid, inode: inodeOf(ctx.pod, l) });
    }
  }
  for (const table of ["tcp", "tcp6", "udp", "udp6"] as const) {
    out.push(`n ${table}`, `l ${table.endsWith("6") ? HEADER6 : HEADER4}`);
    let slot = 0;
    for (const s of sockets.values()) {
      if (s.listen.protocol === table) out.push(`l ${tableLine(slot++, s.listen, s.uid, s.inode)}`);
    }
  }
  const visible = [...ctx.ns.procs.values()].sort((a, b) => (String(a.pid) < String(b.pid) ? -1 : 1));
  let n = 0;
  for (const p of visible) {
    if (p === ctx.self) continue;
    out.push(`p ${p.pid} ${p.uid}`);
    if (!mayTrace(ctx, p)) out.push("d");
    else for (const l of listensOf(p)) out.push(`f ${inodeOf(ctx.pod, l)}`);
    out.push("e");
    n++;
  }
  out.push(`z ${n}`);
  return { stdout: `${out.join("\n")}\n`, stderr: "", exitCode: 0 };
}

function capMask(caps: readonly string[]): string {
  let mask = 0n;
  ALL_CAPS.forEach((c, bit) => {
    if (caps.includes(c)) mask |= 1n << BigInt(bit);
  });
  return mask.toString(16).padStart(16, "0");
}

const LIMITS = [
  ["Max cpu time", "unlimited", "unlimited", "seconds"],
  ["Max file size", "unlimited", "unlimited", "bytes"],
  ["Max data size", "unlimited", "unlimited", "bytes"],
  ["Max stack size", "8388608", "unlimited", "bytes"],
  ["Max core file size", "unlimited", "unlimited", "bytes"],
  ["Max resident set", "unlimited", "unlimited", "bytes"],
  ["Max processes", "unlimited", "unlimited", "processes"],
  // containerd runs containers with its service's LimitNOFILE (1048576 on most distributions).
  ["Max open files", "1048576", "1048576", "files"],
  ["Max locked memory", "8388608", "8388608", "bytes"],
  ["Max address space", "unlimited", "unlimited", "bytes"],
];

function quantityBytes(q: unknown): number | null {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q ?? ""));
  if (!m) return null;
  const unit: Record<string, number> = {
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Math.round(Number(m[1]) * (m[2] ? (unit[m[2]] ?? 1) : 1));
}

function quantityCpu(q: unknown): number | null {
  const m = /^(\d+(?:\.\d+)?)(m)?$/.exec(String(q ?? ""));
  if (!m) return null;
  return Number(m[1]) / (m[2] ? 1000 : 1);
}

/** The environment the kubelet gives a container (pkg/kubelet/kubelet_pods.go `makeEnvironmentVariables`). */
function environmentOf(pod: SimPod, container: string | null, uid: number): string[] {
  const spec: Json = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])].find(
    (c: Json) => c.name === container,
  );
  const env = [
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    `HOSTNAME=${pod.name}`,
    ...((spec?.env ?? []) as Json[]).filter((e) => typeof e.value === "string").map((e) => `${e.name}=${e.value}`),
    "KUBERNETES_SERVICE_HOST=10.96.0.1",
    "KUBERNETES_SERVICE_PORT=443",
    "KUBERNETES_PORT=tcp://10.96.0.1:443",
    `HOME=${uid === 0 ? "/root" : "/"}`,
  ];
  return env;
}

/** INSPECT_SCRIPT on the emulated runtime. */
export function emulateInspect(ctx: ExecContext, params: string[]): ScriptOutput {
  const [pidText = "", maxText = String(ENVIRON_MAX_BYTES)] = params;
  const p = /^\d+$/.test(pidText) ? ctx.ns.procs.get(Number(pidText)) : undefined;
  if (!p) return { stdout: "", stderr: "pns: gone\n", exitCode: INSPECT_GONE_EXIT };
  const owner = p.container ? ctx.pod.containers.get(p.container) : undefined;
  const caps = owner ? effectiveCaps({ uid: p.uid, caps: owner.caps }) : [];
  const spec: Json = [...(ctx.pod.spec.containers ?? []), ...(ctx.pod.spec.initContainers ?? [])].find(
    (c: Json) => c.name === p.container,
  );
  const seccomp = spec?.securityContext?.seccompProfile?.type ?? ctx.pod.spec.securityContext?.seccompProfile?.type;
  const noNewPrivs = spec?.securityContext?.allowPrivilegeEscalation === false ? 1 : 0;
  const status = [
    ...statusText(p).trimEnd().split("\n"),
    "CapInh:\t0000000000000000",
    `CapPrm:\t${capMask(caps)}`,
    `CapEff:\t${capMask(caps)}`,
    `CapBnd:\t${capMask(owner?.caps ?? [])}`,
    "CapAmb:\t0000000000000000",
    `NoNewPrivs:\t${noNewPrivs}`,
    `Seccomp:\t${seccomp === "RuntimeDefault" || seccomp === "Localhost" ? 2 : 0}`,
    `Seccomp_filters:\t${seccomp === "RuntimeDefault" || seccomp === "Localhost" ? 1 : 0}`,
  ];
  const out: string[] = [`h pns-inspect/1 self=${ctx.self.pid}`, ...status.map((l) => `s ${l}`)];
  out.push(`l ${"Limit".padEnd(26)}${"Soft Limit".padEnd(21)}${"Hard Limit".padEnd(21)}Units`);
  for (const [name, soft, hard, units] of LIMITS)
    out.push(`l ${name!.padEnd(26)}${soft!.padEnd(21)}${hard!.padEnd(21)}${units}`);
  const traced = mayTrace(ctx, p);
  if (traced) {
    const bytes = Buffer.from(`${environmentOf(ctx.pod, p.container, p.uid).join("\0")}\0`, "utf8");
    out.push(`v ${bytes.subarray(0, Number(maxText) || ENVIRON_MAX_BYTES).toString("hex")}`);
    out.push(`n ${p.comm === "nginx" ? 8 : 4}`);
    const exe = p.comm === "nginx" ? "/usr/sbin/nginx" : p.args[0]?.startsWith("/") ? p.args[0] : `/usr/bin/${p.comm}`;
    out.push(`k cwd ${Buffer.from("/").toString("hex")}`, `k exe ${Buffer.from(exe).toString("hex")}`);
  } else {
    out.push("d environ", "d fd", "d cwd", "d exe");
  }
  out.push("u          0          0 4294967295", "g          0          0 4294967295");
  for (const line of cgroupText(ctx.pod, p, ctx.world.cgroupNamespaces ? ctx.self.cgroupId : null)
    .trimEnd()
    .split("\n"))
    out.push(`c ${line}`);
  if (traced) {
    const limits = spec?.resources?.limits ?? {};
    const memory = quantityBytes(limits.memory);
    const cpu = quantityCpu(limits.cpu);
    const used = (p.rssKb ?? 1024) * 1024 * 2;
    out.push(`m memory.max ${memory ?? "max"}`, `m memory.current ${used}`, `m memory.peak ${Math.round(used * 1.25)}`);
    out.push(
      `m cpu.max ${cpu === null ? "max" : Math.round(cpu * 100_000)} 100000`,
      "m pids.max max",
      "m pids.current 2",
    );
    const usage = (p.utime + p.stime) * 10_000;
    out.push(
      `m cpu.stat.usage_usec ${usage}`,
      "m cpu.stat.nr_periods 0",
      "m cpu.stat.nr_throttled 0",
      "m cpu.stat.throttled_usec 0",
    );
  } else {
    out.push("d root");
  }
  out.push("z");
  return { stdout: `${out.join("\n")}\n`, stderr: "", exitCode: 0 };
}
