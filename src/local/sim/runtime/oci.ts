import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type FifoStdio, fifoStdio } from "./fifo.js";
import type { BindMount } from "./rootfs.js";
import type { ProcessIdentity } from "./security.js";

/** The OCI runtimes the simulator can drive. */
export type OciRuntimeName = "runc" | "crun";

/** A namespace of an OCI config: new (no path) or joined (path of a process's ns file). */
export interface NamespaceSpec {
  type: "pid" | "network" | "ipc" | "uts" | "mount" | "cgroup";
  path?: string;
}

/** What one container's config.json is made from. */
export interface ContainerConfig {
  args: string[];
  env: string[];
  cwd: string;
  identity: ProcessIdentity;
  /** Set only with a new UTS namespace. */
  hostname?: string;
  namespaces: NamespaceSpec[];
  cgroupsPath: string;
  binds: BindMount[];
  annotations: Record<string, string>;
}

const MASKED = [
  "/proc/acpi",
  "/proc/asound",
  "/proc/kcore",
  "/proc/keys",
  "/proc/latency_stats",
  "/proc/timer_list",
  "/proc/timer_stats",
  "/proc/sched_debug",
  "/proc/scsi",
  "/sys/firmware",
];
const READONLY = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

/** The OCI runtime spec (config.json) of a container, as containerd's CRI plugin would write it. */
export function ociConfig(c: ContainerConfig): object {
  const caps = c.identity.caps.map((x) => `CAP_${x}`);
  const mounts: object[] = [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/dev",
      type: "tmpfs",
      source: "tmpfs",
      options: ["nosuid", "strictatime", "mode=755", "size=65536k"],
    },
    {
      destination: "/dev/pts",
      type: "devpts",
      source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    {
      destination: "/dev/shm",
      type: "tmpfs",
      source: "shm",
      options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"],
    },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    {
      destination: "/sys",
      type: "sysfs",
      source: "sysfs",
      options: ["nosuid", "noexec", "nodev", c.identity.privileged ? "rw" : "ro"],
    },
    ...c.binds.map((b) => ({
      destination: b.destination,
      type: "bind",
      source: b.source,
      options: ["rbind", "ro", "nosuid", "nodev"],
    })),
  ];
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: { uid: c.identity.uid, gid: c.identity.gid, additionalGids: c.identity.additionalGids },
      args: c.args,
      env: c.env,
      cwd: c.cwd,
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: c.identity.noNewPrivileges,
      oomScoreAdj: 1000,
    },
    root: { path: "rootfs", readonly: c.identity.readOnlyRoot },
    ...(c.hostname !== undefined ? { hostname: c.hostname } : {}),
    mounts,
    annotations: c.annotations,
    linux: {
      cgroupsPath: c.cgroupsPath,
      namespaces: c.namespaces,
      resources: { devices: [{ allow: false, access: "rwm" }] },
      ...(c.identity.privileged ? {} : { maskedPaths: MASKED, readonlyPaths: READONLY }),
    },
  };
}

/** A 64-hex container id, as containerd makes them. */
export function newContainerId(): string {
  return randomBytes(32).toString("hex");
}

/** The last error a runtime wrote to its JSON log, if any. */
export function runtimeError(logPath: string): string | null {
  let text = "";
  try {
    text = readFileSync(logPath, "utf8");
  } catch {
    return null;
  }
  let last: string | null = null;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as { level?: string; msg?: string };
      if (e.level === "error" && e.msg) last = e.msg;
    } catch {
      last = line;
    }
  }
  return last;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** Runs a runtime command to its end; resolves with its exit code and output. */
function run(bin: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The cgroup v1 hierarchies (or the v2 root) under which containers' cgroups live. */
export function cgroupRoots(): string[] {
  const base = "/sys/fs/cgroup";
  if (existsSync(join(base, "cgroup.controllers"))) return [base];
  try {
    return readdirSync(base)
      .map((d) => join(base, d))
      .filter((d) => {
        try {
          return statSync(d).isDirectory() && existsSync(join(d, "cgroup.procs"));
        } catch {
          return false;
        }
      });
  } catch {
    return [];
  }
}

/** True on a cgroup v2 host (containerd then gives containers a private cgroup namespace). */
export function cgroupV2(): boolean {
  return existsSync("/sys/fs/cgroup/cgroup.controllers");
}

/** Removes a pod's cgroup (already emptied of containers) in every hierarchy; missing ones are fine. */
export function removeCgroup(path: string): void {
  for (const root of cgroupRoots()) {
    const dir = join(root, path);
    if (!existsSync(dir)) continue;
    // Children first: a runtime may leave an empty container cgroup behind.
    for (const child of readdirSync(dir, { withFileTypes: true }))
      if (child.isDirectory())
        try {
          rmdirSync(join(dir, child.name));
        } catch {}
    try {
      rmdirSync(dir);
    } catch {}
  }
}

const BASE_DIR = "/run/pns-sim";

/** Why the real runtime cannot run here, or null when it can (root, the runtime binary, busybox). */
export function unavailableReason(name: OciRuntimeName): string | null {
  if (process.platform !== "linux") return "not on Linux";
  if (typeof process.getuid === "function" && process.getuid() !== 0) return "not running as root";
  const path = (process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin").split(":");
  const has = (bin: string) => path.some((d) => d && existsSync(join(d, bin)));
  if (!has(name)) return `${name} is not installed (apt-get install ${name})`;
  if (!has("cc")) return "cc is not installed (it builds the pod sandbox's pause program)";
  if (!existsSync("/usr/bin/busybox")) return "busybox is not installed (apt-get install busybox-static)";
  if (name === "crun" && hybridControllers().length > 0)
    return `crun refuses hybrid cgroups while cgroup v2 holds controllers (${hybridControllers().join(", ")}): mount them as v1 hierarchies`;
  return null;
}

/** Controllers left on the v2 hierarchy of a hybrid (v1 + v2) host; crun refuses to run while there are any. */
export function hybridControllers(): string[] {
  try {
    return readFileSync("/sys/fs/cgroup/unified/cgroup.controllers", "utf8").split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * One simulator run's use of runc or crun: its own state root, bundles, logs and cgroups, all under a directory named
 * with the run id, removed on close; runs whose owner process died are swept when another starts.
 */
export class OciEngine {
  readonly runDir: string;
  readonly stateDir: string;
  private seq = 0;

  private constructor(
    readonly name: OciRuntimeName,
    readonly runId: string,
    baseDir: string,
  ) {
    this.runDir = join(baseDir, `run-${runId}`);
    this.stateDir = join(this.runDir, "state");
  }

  /** Sweeps stale runs, then prepares this run's directories. */
  static async open(name: OciRuntimeName, baseDir = BASE_DIR): Promise<OciEngine> {
    const reason = unavailableReason(name);
    if (reason) throw new Error(`the ${name} runtime cannot run here: ${reason}`);
    mkdirSync(baseDir, { recursive: true });
    await OciEngine.sweep(baseDir);
    const engine = new OciEngine(name, randomBytes(4).toString("hex"), baseDir);
    mkdirSync(engine.stateDir, { recursive: true });
    mkdirSync(join(engine.runDir, "pods"), { recursive: true });
    writeFileSync(
      join(engine.runDir, "owner.json"),
      JSON.stringify({ pid: process.pid, start: startTimeOf(process.pid), runtime: name }),
    );
    return engine;
  }

  /** Removes every run whose owner process is gone: its containers, cgroups and files. */
  static async sweep(baseDir = BASE_DIR): Promise<number> {
    let swept = 0;
    let entries: string[] = [];
    try {
      entries = readdirSync(baseDir).filter((d) => d.startsWith("run-"));
    } catch {
      return 0;
    }
    for (const d of entries) {
      const dir = join(baseDir, d);
      let owner: { pid?: number; start?: string | null; runtime?: OciRuntimeName } = {};
      try {
        owner = JSON.parse(readFileSync(join(dir, "owner.json"), "utf8"));
      } catch {}
      const live = typeof owner.pid === "number" && alive(owner.pid) && startTimeOf(owner.pid) === owner.start;
      if (live) continue;
      const stale = new OciEngine(owner.runtime ?? "runc", d.slice(4), baseDir);
      await stale.removeAll();
      swept += 1;
    }
    return swept;
  }

  /** Kills and deletes every container of this run, removes its pods' cgroups and its directory. */
  async removeAll(): Promise<void> {
    if (existsSync(this.stateDir)) {
      const listed = await run(this.name, ["--root", this.stateDir, "list", "-q"]);
      const ids = listed.stdout.split("\n").filter((x) => /^[0-9a-f]{64}$/.test(x));
      await Promise.all(ids.map((id) => this.delete(id)));
    }
    try {
      for (const f of readdirSync(join(this.runDir, "pods")))
        removeCgroup(readFileSync(join(this.runDir, "pods", f), "utf8").trim());
    } catch {}
    rmSync(this.runDir, { recursive: true, force: true });
  }

  /** Records a pod's cgroup parent, so a sweep can remove it after a crash. */
  notePod(uid: string, cgroupParent: string): void {
    writeFileSync(join(this.runDir, "pods", uid), cgroupParent);
  }

  /** Forgets a pod (its cgroup is removed). */
  dropPod(uid: string, cgroupParent: string): void {
    removeCgroup(cgroupParent);
    rmSync(join(this.runDir, "pods", uid), { force: true });
  }

  /** A fresh bundle directory for a container (`rootfs/` inside). */
  bundle(podUid: string, id: string): string {
    const dir = join(this.runDir, "bundles", podUid, id);
    mkdirSync(join(dir, "rootfs"), { recursive: true });
    return dir;
  }

  private globalArgs(log: string): string[] {
    return ["--root", this.stateDir, "--log", log, "--log-format", "json"];
  }

  /**
   * Starts a container in the foreground (`run`): the child lives as long as the container's init and exits with its
   * status (128 + signal when killed). Resolves once the init runs (its host PID), or rejects with the runtime's error.
   */
  async start(
    id: string,
    bundle: string,
    config: object,
    stdin: boolean,
  ): Promise<{ child: ChildProcess; hostPid: number; stdio: FifoStdio; exited: Promise<number> }> {
    writeFileSync(join(bundle, "config.json"), JSON.stringify(config));
    const log = join(bundle, "runtime.log");
    const pidFile = join(bundle, "init.pid");
    const stdio = fifoStdio(join(bundle, "io"), stdin);
    const child = spawn(
      this.name,
      [...this.globalArgs(log), "run", "--pid-file", pidFile, "--bundle", bundle, "--no-new-keyring", id],
      { stdio: stdio.childFds },
    );
    stdio.closeChildFds();
    const exited = new Promise<number>((resolve) =>
      child.once("exit", (code, sig) => resolve(code ?? 128 + sigNo(sig))),
    );
    for (;;) {
      const done = await Promise.race([exited, sleep(5).then(() => null)]);
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, "utf8").trim());
        if (pid > 0) return { child, hostPid: pid, stdio, exited };
      }
      if (done !== null) {
        stdio.stdout.destroy();
        stdio.stderr.destroy();
        stdio.stdin?.destroy();
        throw new Error(runtimeError(log) ?? `${this.name} exited with ${done}`);
      }
    }
  }

  /** Starts `argv` in a running container (`exec`) as the container's user, with FIFOs for its stdio. */
  exec(
    id: string,
    process: object,
    opts: { stdin: boolean },
  ): { child: ChildProcess; log: string; pidFile: string; stdio: FifoStdio } {
    this.seq += 1;
    const dir = join(this.runDir, "exec");
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `${id.slice(0, 12)}-${this.seq}`);
    const log = `${base}.log`;
    const pidFile = `${base}.pid`;
    // A whole process spec, as containerd hands one to the runtime: the container's user, groups, capabilities.
    writeFileSync(`${base}.json`, JSON.stringify(process));
    const stdio = fifoStdio(base, opts.stdin);
    const child = spawn(
      this.name,
      [...this.globalArgs(log), "exec", "--pid-file", pidFile, "--process", `${base}.json`, id],
      { stdio: stdio.childFds },
    );
    stdio.closeChildFds();
    return { child, log, pidFile, stdio };
  }

  /** Removes what an exec left (its FIFOs, log and PID file). */
  cleanExec(log: string): void {
    const base = log.replace(/\.log$/, "");
    for (const suffix of [".log", ".pid", ".json", ".stdin", ".stdout", ".stderr"])
      rmSync(`${base}${suffix}`, { force: true });
  }

  /** Sends a signal to a container's init (`kill`). */
  async kill(id: string, signal: string): Promise<void> {
    await run(this.name, ["--root", this.stateDir, "kill", id, signal]);
  }

  /** Kills and removes a container (`delete --force`); a missing one is fine. */
  async delete(id: string): Promise<void> {
    await run(this.name, ["--root", this.stateDir, "delete", "--force", id]);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

function sigNo(sig: NodeJS.Signals | null): number {
  return sig ? (SIGNALS[sig] ?? 0) : 0;
}
