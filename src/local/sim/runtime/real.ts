import type { ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { EventEmitter } from "node:events";
import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import { dirname, join } from "node:path";
import type { WebSocket } from "ws";
import type { ContainerRuntime, Json, ProcessView, SignalOutcome, SimPod, World } from "../world.js";
import { hostProcess, processesUnder } from "./host-procs.js";
import { ContainerLog } from "./logs.js";
import { cgroupV2, type NamespaceSpec, newContainerId, type OciEngine, ociConfig, runtimeError } from "./oci.js";
import { pauseBinary } from "./pause.js";
import { hostImageOf, pullErrorOf } from "./rootfs.js";
import { capsInMask, identityOf, isConfigError, type ProcessIdentity, qosClassOf } from "./security.js";

/** One running container instance. */
interface Instance {
  id: string;
  hostPid: number;
  child: ChildProcess;
  bundle: string;
  identity: ProcessIdentity;
  /** The OCI process spec of its init, the template of every exec. */
  process: Json;
  stdin: Socket | null;
  /** Emits `output` (stream, chunk) as the container prints, for attach. */
  output: EventEmitter;
  /** Resolves with the exit status (128 + signal when killed) once the output is drained. */
  exited: Promise<number>;
  /** Resolves once the exit is recorded (and any restart begun). */
  done: Promise<void>;
}

/** What the runtime holds for one pod. */
interface PodState {
  sandboxId: string;
  pauseHostPid: number;
  pause: ChildProcess | null;
  cgroupParent: string;
  instances: Map<string, Instance>;
  stopping: boolean;
  /** The sandbox died and is being re-created: exits are recorded, restarts wait for the new sandbox. */
  recreating: boolean;
}

/** An exec'd process: its streams and how it ended. */
export interface RealExec {
  stdout: Socket;
  stderr: Socket;
  stdin: Socket | null;
  /** Exit code, or the runtime's error when the process never started. */
  done: Promise<{ code: number; error: string | null }>;
  /** Kills the process (the client went away). */
  kill(): void;
}

let bounding: string[] | null = null;

/** The capabilities this process may hand on (its bounding set). */
function hostCaps(): string[] {
  bounding ??= capsInMask(/^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? "0");
  return bounding;
}

const PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** `command` replaces the image's entrypoint and `args` its cmd (kubernetes pkg/kubelet/container/helpers.go). */
function argvOf(spec: Json, imageDefault: string[]): string[] {
  const command: string[] = spec.command ?? [];
  const args: string[] = spec.args ?? [];
  if (command.length > 0) return [...command, ...args];
  if (args.length > 0) return args;
  return imageDefault;
}

/** Pods as real containers: a pause sandbox per pod and one OCI container per container, run by runc or crun. */
export class RealRuntime {
  private readonly pods = new Map<SimPod, PodState>();
  private readonly pending = new Set<Promise<void>>();
  private readonly pause: string;
  private closed = false;

  constructor(
    private readonly world: World,
    readonly engine: OciEngine,
    private readonly restartBackoffMs = 10_000,
  ) {
    this.pause = pauseBinary();
  }

  /** The runtime's name (`runc`, `crun`). */
  get name(): string {
    return this.engine.name;
  }

  private track(p: Promise<void>): void {
    const q = p.catch(() => {}).finally(() => this.pending.delete(q));
    this.pending.add(q);
  }

  /** Creates the pod sandbox, then runs init containers one by one and the containers in order. */
  startPod(pod: SimPod): void {
    this.track(this.runPod(pod));
  }

  private async runPod(pod: SimPod): Promise<void> {
    const qos = qosClassOf(pod.spec).toLowerCase();
    const cgroupParent = qos === "guaranteed" ? `/kubepods/pod${pod.uid}` : `/kubepods/${qos}/pod${pod.uid}`;
    const st: PodState = {
      sandboxId: pod.sandboxId,
      pauseHostPid: 0,
      pause: null,
      cgroupParent,
      instances: new Map(),
      stopping: false,
      recreating: false,
    };
    this.pods.set(pod, st);
    this.engine.notePod(pod.uid, cgroupParent);
    pod.startTime = nowIso();
    try {
      await this.startSandbox(pod, st);
    } catch (e) {
      for (const rt of pod.containers.values()) {
        rt.reason = "CreatePodSandboxError";
        rt.message = `Failed to create pod sandbox: ${e instanceof Error ? e.message : String(e)}`;
      }
      this.world.touch(pod);
      return;
    }
    this.world.touch(pod);
    for (const c of pod.spec.initContainers ?? []) {
      const rt = pod.containers.get(c.name);
      if (!rt || st.stopping) return;
      if (!(await this.startContainer(pod, st, rt))) return;
      if (c.restartPolicy === "Always") continue; // a native sidecar: the next one starts once it runs
      const code = await this.waitExit(pod, rt);
      if (code !== 0) return;
    }
    for (const rt of pod.containers.values()) {
      if (rt.ephemeral || rt.init || st.stopping) continue;
      await this.startContainer(pod, st, rt);
    }
  }

  private async waitExit(pod: SimPod, rt: ContainerRuntime): Promise<number> {
    for (;;) {
      if (rt.phase === "terminated") return rt.exitCode ?? 1;
      if (!this.pods.has(pod)) return 1;
      await sleep(20);
    }
  }

  private async startSandbox(pod: SimPod, st: PodState): Promise<void> {
    const id = st.sandboxId;
    const bundle = this.engine.bundle(pod.uid, id);
    writeFileSync(join(bundle, "rootfs", "pause"), "");
    // hostPID: no PID namespace of its own, the node's (kubelet NamespaceMode NODE).
    const namespaces: NamespaceSpec[] = [
      ...(pod.spec.hostPID === true ? [] : [{ type: "pid" } as const]),
      { type: "network" },
      { type: "ipc" },
      { type: "uts" },
      { type: "mount" },
    ];
    if (cgroupV2()) namespaces.push({ type: "cgroup" });
    const config = ociConfig({
      args: ["/pause"],
      env: [PATH_ENV],
      cwd: "/",
      // The pause image runs as 65535 (kubernetes build/pause/Dockerfile).
      identity: {
        uid: 65535,
        gid: 65535,
        additionalGids: [],
        caps: [],
        noNewPrivileges: true,
        readOnlyRoot: true,
        privileged: false,
      },
      hostname: pod.name,
      namespaces,
      cgroupsPath: `${st.cgroupParent}/${id}`,
      binds: [{ source: this.pause, destination: "/pause" }],
      annotations: { "io.kubernetes.cri.container-type": "sandbox", "io.kubernetes.cri.sandbox-name": pod.name },
    });
    const started = await this.engine.start(id, bundle, config, false);
    started.stdio.stdout.resume();
    started.stdio.stderr.resume();
    st.pause = started.child;
    st.pauseHostPid = started.hostPid;
    started.child.once("exit", () => {
      st.pause = null;
    });
    this.track(started.exited.then(() => this.onSandboxExit(pod, st)));
  }

  /**
   * The pause process died (INT or TERM reach it, it has handlers): the kubelet kills every container, makes a new
   * sandbox and starts the containers again, each restart counted (kubernetes pkg/kubelet/kuberuntime
   * `computePodActions`: "Pod sandbox changed, it will be killed and re-created"). Ephemeral containers stay dead.
   */
  private async onSandboxExit(pod: SimPod, st: PodState): Promise<void> {
    if (st.stopping || this.closed || !this.pods.has(pod)) return;
    st.recreating = true;
    const instances = [...st.instances.values()];
    await Promise.all(instances.map((i) => this.engine.delete(i.id)));
    await Promise.all(instances.map((i) => i.done));
    await this.engine.delete(st.sandboxId);
    if (st.stopping || this.closed) return;
    st.sandboxId = newContainerId();
    pod.sandboxId = st.sandboxId;
    try {
      await this.startSandbox(pod, st);
    } finally {
      st.recreating = false;
    }
    for (const rt of pod.containers.values())
      if (!rt.ephemeral && rt.phase !== "terminated" && !st.stopping) await this.startContainer(pod, st, rt);
  }

  private namespacesFor(pod: SimPod, st: PodState, rt: ContainerRuntime, spec: Json): NamespaceSpec[] {
    const sb = (t: string) => `/proc/${st.pauseHostPid}/ns/${t}`;
    const ns: NamespaceSpec[] = [
      { type: "network", path: sb("net") },
      { type: "ipc", path: sb("ipc") },
      { type: "uts", path: sb("uts") },
      { type: "mount" },
    ];
    if (cgroupV2()) ns.push({ type: "cgroup" });
    if (pod.spec.hostPID === true) return ns;
    if (pod.spec.shareProcessNamespace) ns.push({ type: "pid", path: sb("pid") });
    else {
      const target = rt.ephemeral ? st.instances.get(spec.targetContainerName ?? "") : undefined;
      ns.push(target ? { type: "pid", path: `/proc/${target.hostPid}/ns/pid` } : { type: "pid" });
    }
    return ns;
  }

  private waiting(pod: SimPod, rt: ContainerRuntime, reason: string, message: string): false {
    rt.phase = "waiting";
    rt.reason = reason;
    rt.message = message;
    this.world.waitingEvent(pod, rt.name, reason, message);
    this.world.touch(pod);
    return false;
  }

  /** Starts one container (its image "pulled" first); false when it could not start. */
  private async startContainer(pod: SimPod, st: PodState, rt: ContainerRuntime): Promise<boolean> {
    try {
      return await this.createContainer(pod, st, rt);
    } catch (e) {
      return this.waiting(pod, rt, "CreateContainerError", e instanceof Error ? e.message : String(e));
    }
  }

  private async createContainer(pod: SimPod, st: PodState, rt: ContainerRuntime): Promise<boolean> {
    if (st.stopping || this.closed) return false;
    const spec = this.world.containerSpec(pod, rt.name) ?? {};
    const image = hostImageOf(spec.image ?? "");
    if (!image) return this.waiting(pod, rt, "ErrImagePull", pullErrorOf(spec.image ?? ""));
    if (this.world.faults.pullFails(spec.image ?? ""))
      return this.waiting(pod, rt, "ImagePullBackOff", `Back-off pulling image "${spec.image}"`);
    const identity = identityOf(pod, spec, image.user);
    if (isConfigError(identity)) return this.waiting(pod, rt, identity.reason, identity.message);
    // containerd gives a privileged container every capability its own process holds.
    if (identity.privileged) identity.caps = identity.caps.filter((c) => hostCaps().includes(c));
    const id = newContainerId();
    const bundle = this.engine.bundle(pod.uid, id);
    const rootfs = join(bundle, "rootfs");
    const binds = image.populate(rootfs, pod.name);
    const env = [PATH_ENV, `HOSTNAME=${pod.name}`];
    for (const e of spec.env ?? []) if (e?.name && typeof e.value === "string") env.push(`${e.name}=${e.value}`);
    const config = ociConfig({
      args: argvOf(spec, image.defaultArgs),
      env,
      cwd: spec.workingDir ?? "/",
      identity,
      namespaces: this.namespacesFor(pod, st, rt, spec),
      cgroupsPath: `${st.cgroupParent}/${id}`,
      binds,
      annotations: {
        "io.kubernetes.cri.container-type": "container",
        "io.kubernetes.cri.container-name": rt.name,
        "io.kubernetes.cri.sandbox-id": st.sandboxId,
      },
    });
    const log = new ContainerLog(
      join(this.engine.runDir, "logs", `${pod.namespace}_${pod.name}_${pod.uid}`, rt.name, `${rt.restartCount}.log`),
    );
    let started: Awaited<ReturnType<OciEngine["start"]>>;
    try {
      started = await this.engine.start(id, bundle, config, spec.stdin === true);
    } catch (e) {
      rmSync(bundle, { recursive: true, force: true });
      return this.waiting(pod, rt, "RunContainerError", e instanceof Error ? e.message : String(e));
    }
    if (st.stopping || this.closed) {
      // The pod was stopped while this container started (a restart racing a delete): stopPod listed the instances
      // before this one existed, so nothing else would ever kill it.
      started.stdio.stdout.resume();
      started.stdio.stderr.resume();
      await this.engine.delete(id);
      await Promise.race([started.exited, sleep(2000)]);
      rmSync(bundle, { recursive: true, force: true });
      return false;
    }
    const { stdio } = started;
    const output = new EventEmitter();
    const drained = Promise.all(
      (["stdout", "stderr"] as const).map(
        (s) =>
          new Promise<void>((resolve) => {
            stdio[s].on("data", (d: Buffer) => {
              log.write(s, d);
              output.emit("output", s, d);
            });
            stdio[s].once("close", () => resolve());
          }),
      ),
    );
    // The exit status as the runtime saw it: a short-lived container may be gone before this line runs.
    const exited = started.exited.then(async (code) => {
      // Other processes may keep the pipes open a little; the kubelet does not wait for them.
      await Promise.race([drained, sleep(500)]);
      stdio.stdin?.destroy();
      log.end();
      return code;
    });
    const inst: Instance = {
      id,
      hostPid: started.hostPid,
      child: started.child,
      bundle,
      identity,
      process: (config as { process: Json }).process,
      stdin: stdio.stdin,
      output,
      exited,
      done: Promise.resolve(),
    };
    st.instances.set(rt.name, inst);
    rt.logs.push(log);
    rt.containerId = id;
    rt.imageId = image.imageId;
    rt.phase = "running";
    rt.reason = "";
    rt.message = null;
    rt.startedAt = nowIso();
    rt.finishedAt = null;
    rt.exitCode = null;
    rt.uid = identity.uid;
    this.world.updatePhase(pod);
    this.world.touch(pod);
    inst.done = exited.then((code) => this.onExit(pod, st, rt, inst, code));
    this.track(inst.done);
    return true;
  }

  private async onExit(pod: SimPod, st: PodState, rt: ContainerRuntime, inst: Instance, code: number): Promise<void> {
    if (st.instances.get(rt.name) === inst) st.instances.delete(rt.name);
    await this.engine.delete(inst.id);
    rmSync(join(inst.bundle, "rootfs"), { recursive: true, force: true });
    if (st.stopping || this.closed || !this.pods.has(pod)) return;
    const signal = code > 128 ? code - 128 : undefined;
    // Until the next instance runs, the status shows no running one.
    rt.phase = "waiting";
    rt.reason = "ContainerCreating";
    const restart = this.world.recordExit(pod, rt, code, signal);
    if (!restart || st.recreating) return;
    // The kubelet restarts at once the first time, then backs off (kubernetes pkg/kubelet/kuberuntime, 10 s doubling).
    const delay = rt.restartCount <= 1 ? 0 : Math.min(this.restartBackoffMs * 2 ** (rt.restartCount - 2), 300_000);
    if (delay > 0) {
      rt.phase = "waiting";
      rt.reason = "CrashLoopBackOff";
      rt.message = `back-off ${Math.round(delay / 1000)}s restarting failed container=${rt.name} pod=${pod.name}_${pod.namespace}(${pod.uid})`;
      this.world.waitingEvent(pod, rt.name, rt.reason, rt.message);
      this.world.touch(pod);
      const until = Date.now() + delay;
      while (Date.now() < until && !st.stopping && !this.closed) await sleep(100);
    }
    if (!st.stopping && this.pods.has(pod)) this.track(this.startContainer(pod, st, rt).then(() => {}));
  }

  /** Starts an ephemeral container that was just added. */
  startEphemeral(pod: SimPod, rt: ContainerRuntime): void {
    const st = this.pods.get(pod);
    if (st) this.track(this.startContainer(pod, st, rt).then(() => {}));
  }

  /** Stops a container so that it restarts (its image changed). */
  restartContainer(pod: SimPod, rt: ContainerRuntime, signal = "KILL"): void {
    const inst = this.pods.get(pod)?.instances.get(rt.name);
    if (inst) void this.engine.kill(inst.id, signal);
  }

  /** Stops a pod: TERM to every container, KILL after the grace period, then the sandbox; removes its traces. */
  deletePod(pod: SimPod, graceSeconds: number): Promise<void> {
    const st = this.pods.get(pod);
    if (!st) return Promise.resolve();
    const stopped = this.stopPod(pod, st, graceSeconds).catch(() => {});
    this.track(stopped);
    return stopped;
  }

  private async stopPod(pod: SimPod, st: PodState, graceSeconds: number): Promise<void> {
    st.stopping = true;
    const instances = [...st.instances.values()];
    if (graceSeconds > 0) {
      await Promise.all(instances.map((i) => this.engine.kill(i.id, "TERM")));
      await Promise.race([Promise.all(instances.map((i) => i.exited)), sleep(graceSeconds * 1000)]);
    }
    await Promise.all(instances.map((i) => this.engine.delete(i.id)));
    await Promise.race([Promise.all(instances.map((i) => i.exited)), sleep(2000)]);
    await this.engine.delete(st.sandboxId);
    this.pods.delete(pod);
    rmSync(join(this.engine.runDir, "bundles", pod.uid), { recursive: true, force: true });
    this.engine.dropPod(pod.uid, st.cgroupParent);
  }

  /** Kills every container now and removes all of this run's traces. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [pod, st] of this.pods) if (!st.stopping) this.track(this.stopPod(pod, st, 0));
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await this.engine.removeAll();
  }

  private instance(pod: SimPod, container: string): Instance | undefined {
    return this.pods.get(pod)?.instances.get(container);
  }

  /** Runs argv in a running container as its user, streaming its output. */
  exec(pod: SimPod, container: string, argv: string[], stdin: boolean): RealExec | null {
    const inst = this.instance(pod, container);
    if (!inst) return null;
    const x = this.engine.exec(inst.id, { ...inst.process, args: argv }, { stdin });
    const streams = (["stdout", "stderr"] as const).map(
      (s) => new Promise<void>((resolve) => x.stdio[s].once("close", () => resolve())),
    );
    let finished = false;
    const done = new Promise<{ code: number; error: string | null }>((resolve) => {
      x.child.once("exit", async (code, sig) => {
        finished = true;
        await Promise.race([Promise.all(streams), sleep(1000)]);
        x.stdio.stdin?.destroy();
        const status = code ?? (sig ? 128 + 9 : 1);
        const error = status !== 0 ? runtimeError(x.log) : null;
        this.engine.cleanExec(x.log);
        resolve({ code: status, error });
      });
    });
    return {
      stdout: x.stdio.stdout,
      stderr: x.stdio.stderr,
      stdin: x.stdio.stdin,
      done,
      kill: () => {
        if (finished) return;
        try {
          // The process itself, not the runtime's exec (which would leave it running).
          const pid = Number(readFileSync(x.pidFile, "utf8").trim());
          if (pid > 0) process.kill(pid, "SIGKILL");
        } catch {}
      },
    };
  }

  /**
   * `kubectl attach` (and `debug -i`): the container's output from now on, channel 0 into its stdin when its spec keeps
   * one, a Success status when it exits.
   */
  attach(ws: WebSocket, pod: SimPod, container: string, req: { stdin: boolean; tty: boolean }): void {
    const inst = this.instance(pod, container);
    if (!inst) {
      ws.close(1011, "container not running");
      return;
    }
    const send = (channel: number, data: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]));
    };
    const onOutput = (stream: string, d: Buffer) => send(stream === "stdout" || req.tty ? 1 : 2, d);
    inst.output.on("output", onOutput);
    ws.on("message", (data: Buffer) => {
      if (data[0] === 0 && req.stdin) inst.stdin?.write(data.subarray(1));
    });
    const done = () => inst.output.off("output", onOutput);
    ws.on("close", done);
    void inst.exited.then(() => {
      done();
      send(3, Buffer.from(JSON.stringify({ metadata: {}, status: "Success" })));
      if (ws.readyState === ws.OPEN) ws.close(1000);
    });
  }

  /** Every process of the pod, read from the host's /proc, PIDs as the pod's namespaces number them. */
  processes(pod: SimPod): ProcessView[] {
    const st = this.pods.get(pod);
    if (!st) return [];
    const procs = processesUnder(st.cgroupParent);
    const byHost = new Map(procs.map((p) => [p.hostPid, p]));
    const names = new Map<string, string>();
    for (const [name, rt] of pod.containers) if (rt.containerId) names.set(rt.containerId, name);
    return procs
      .map((p) => {
        const id = p.cgroup.split("/").pop() ?? "";
        const parent = byHost.get(p.hostPpid);
        return {
          pid: p.pid,
          ppid: parent && parent.pidNs === p.pidNs ? parent.pid : 0,
          uid: p.uid,
          args: p.args,
          comm: p.comm,
          state: p.state,
          startTicks: p.startTicks,
          container: id === st.sandboxId ? null : (names.get(id) ?? null),
          pidNamespace: p.pidNs,
        };
      })
      .sort((a, b) => a.pidNamespace - b.pidNamespace || a.pid - b.pid);
  }

  /** The PID namespace a container's processes live in (its init's). */
  pidNamespaceOf(pod: SimPod, container: string): number | null {
    const inst = this.instance(pod, container);
    return inst ? (hostProcess(inst.hostPid)?.pidNs ?? null) : null;
  }

  /** Signals a process from the host (no permission check), by its PID in the namespace a container sees. */
  kill(pod: SimPod, pid: number, signal: NodeJS.Signals | number, container?: string): SignalOutcome {
    const st = this.pods.get(pod);
    if (!st) return "no_such_process";
    const ns = container ? this.pidNamespaceOf(pod, container) : null;
    const target = processesUnder(st.cgroupParent).find((p) => p.pid === pid && (ns === null || p.pidNs === ns));
    if (!target) return "no_such_process";
    try {
      process.kill(target.hostPid, signal);
      return "sent";
    } catch {
      return "no_such_process";
    }
  }

  /** Writes a file into a container's root, owned by `uid`. */
  writeFile(pod: SimPod, container: string, path: string, content: string, mode: number, uid: number): void {
    const full = this.hostPath(pod, container, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content, { mode });
    chownSync(full, uid, uid);
    chmodSync(full, mode); // writeFileSync's mode passes the umask and leaves an existing file's mode alone
  }

  /** Makes a directory in a container's root, owned by `uid`, with exactly `mode`. */
  mkdir(pod: SimPod, container: string, path: string, mode: number, uid: number): void {
    const full = this.hostPath(pod, container, path);
    mkdirSync(full, { recursive: true });
    chownSync(full, uid, uid);
    chmodSync(full, mode);
  }

  /** Makes a symbolic link in a container's root. */
  symlink(pod: SimPod, container: string, path: string, target: string): void {
    const full = this.hostPath(pod, container, path);
    mkdirSync(dirname(full), { recursive: true });
    rmSync(full, { force: true });
    symlinkSync(target, full);
  }

  /** Makes a FIFO in a container's root. */
  mkfifo(pod: SimPod, container: string, path: string): void {
    const full = this.hostPath(pod, container, path);
    mkdirSync(dirname(full), { recursive: true });
    execFileSync("mkfifo", [full]);
  }

  private hostPath(pod: SimPod, container: string, path: string): string {
    const inst = this.instance(pod, container);
    if (!inst) throw new Error(`container ${container} of pod ${pod.namespace}/${pod.name} is not running`);
    const clean = path.split("/").filter((p) => p && p !== "." && p !== "..");
    // A link among the parents (nginx's /var/run → /run) would lead this root process out of the container's root.
    for (let i = 1; i < clean.length; i += 1) {
      const parent = join(inst.bundle, "rootfs", ...clean.slice(0, i));
      let link = false;
      try {
        link = lstatSync(parent).isSymbolicLink();
      } catch {
        break;
      }
      if (link) throw new Error(`${path} in ${container}: /${clean.slice(0, i).join("/")} is a symbolic link`);
    }
    return join(inst.bundle, "rootfs", ...clean);
  }
}
