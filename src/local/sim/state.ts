import type { NamespaceAdmission } from "./admission.js";
import type { SimFile } from "./images.js";
import { hostBtime } from "./runtime/host-procs.js";
import { failureStatus, StatusError } from "./status.js";
import {
  type Json,
  type PlaceOptions,
  type ProcessView,
  type SignalOutcome,
  signalNumber,
  type World,
} from "./world.js";

/** Lets tests inspect and change the simulated world. */
export class SimState {
  constructor(
    /** The world itself, for what this facade does not cover. */
    readonly world: World,
  ) {}

  /** Boot time of the simulated node, seconds since the epoch. */
  get btime(): number {
    return this.world.real ? hostBtime() : this.world.clock.btime;
  }

  /** Which runtime runs the pods: `emulated`, `runc` or `crun`. */
  get runtime(): string {
    return this.world.real?.name ?? "emulated";
  }

  /** The pod as the API returns it. */
  pod(namespace: string, name: string): Json {
    return this.world.renderPod(this.world.getPod(namespace, name));
  }

  /** Compacts the store's history as etcd does: list continue tokens from before now answer 410 Expired. */
  compact(): void {
    this.world.compact();
  }

  /** Every pod (of a namespace). */
  pods(namespace?: string): Json[] {
    return [...this.world.pods.values()]
      .filter((p) => namespace === undefined || p.namespace === namespace)
      .map((p) => this.world.renderPod(p));
  }

  /** True when the pod exists. */
  hasPod(namespace: string, name: string): boolean {
    return this.world.findPod(namespace, name) !== undefined;
  }

  /** Every process of a pod (of one container when given), sorted by PID within each PID namespace. */
  processes(namespace: string, pod: string, container?: string): ProcessView[] {
    const p = this.world.getPod(namespace, pod);
    const all = this.world.real ? this.world.real.processes(p) : this.world.processesOf(p);
    return container === undefined ? all : all.filter((p) => p.container === container);
  }

  /** One process by PID (in the namespace `container` sees, when given). */
  process(namespace: string, pod: string, pid: number, container?: string): ProcessView | undefined {
    const p = this.world.getPod(namespace, pod);
    if (this.world.real) {
      const ns = container ? this.world.real.pidNamespaceOf(p, container) : null;
      return this.world.real.processes(p).find((v) => v.pid === pid && (ns === null || v.pidNamespace === ns));
    }
    const ns = this.world.nsOfPid(p, pid, container);
    return this.world.processesOf(p).find((v) => v.pid === pid && v.pidNamespace === ns?.id);
  }

  /** The PID namespace a container's processes live in (as {@link ProcessView.pidNamespace}); null if not running. */
  pidNamespaceOf(namespace: string, pod: string, container: string): number | null {
    const p = this.world.getPod(namespace, pod);
    if (this.world.real) return this.world.real.pidNamespaceOf(p, container);
    return p.containers.get(container)?.pidNs?.id ?? null;
  }

  /** Starts a process in a running container; returns it. */
  spawn(
    namespace: string,
    pod: string,
    container: string,
    args: string[],
    opts: { uid?: number; ppid?: number } = {},
  ): ProcessView {
    const p = this.world.getPod(namespace, pod);
    const rt = this.container(namespace, pod, container);
    this.emulatedOnly("spawn");
    const proc = this.world.spawn(p, rt, args, opts);
    this.world.touch(p);
    return this.process(namespace, pod, proc.pid, container) as ProcessView;
  }

  /** Signals a process as the kernel would, with no permission check. @default signal "KILL" */
  kill(namespace: string, pod: string, pid: number, signal = "KILL", container?: string): SignalOutcome {
    const p = this.world.getPod(namespace, pod);
    const n = signalNumber(signal);
    if (n === null) throw new Error(`unknown signal ${signal}`);
    if (this.world.real) return this.world.real.kill(p, pid, n, container);
    const ns = this.world.nsOfPid(p, pid, container);
    if (!ns) return "no_such_process";
    return this.world.signal(p, ns, pid, n, null);
  }

  /** Kills a process and starts another program under the same PID (new start time). @default args ["sleep", "3600"] */
  recyclePid(
    namespace: string,
    pod: string,
    pid: number,
    args: string[] = ["sleep", "3600"],
    container?: string,
  ): ProcessView {
    this.emulatedOnly("recyclePid");
    const p = this.world.getPod(namespace, pod);
    const ns = this.world.nsOfPid(p, pid, container);
    const old = ns?.procs.get(pid);
    if (!ns || !old) throw new Error(`no process ${pid} in pod ${namespace}/${pod}`);
    const rt = old.container ? p.containers.get(old.container) : undefined;
    if (!rt) throw new Error(`process ${pid} belongs to no container`);
    ns.procs.delete(pid);
    const proc = this.world.spawn(p, rt, args, {
      pid,
      ppid: old.ppid,
      uid: old.uid,
      role: old.role === "main" ? "main" : "child",
    });
    if (old.role === "main") rt.mainPid = pid;
    return this.process(namespace, pod, proc.pid, rt.name) as ProcessView;
  }

  /** Sets a container's restart count. */
  setRestartCount(namespace: string, pod: string, container: string, count: number): void {
    this.container(namespace, pod, container).restartCount = count;
    this.world.touch(this.world.getPod(namespace, pod));
  }

  /** Restarts a container as if its main process died (restart count + 1, new PIDs). */
  restartContainer(namespace: string, pod: string, container: string): void {
    this.world.containerExited(this.world.getPod(namespace, pod), this.container(namespace, pod, container), 137, 9);
  }

  /** Deletes a pod now (a pod deleted mid-session). */
  deletePod(namespace: string, name: string): void {
    this.world.deletePod(namespace, name);
  }

  /** Creates a pod with no admission checks; it starts after the image-pull delay unless `immediate`. */
  createPod(namespace: string, body: Json, opts: PlaceOptions = {}): Json {
    return this.world.renderPod(this.world.createPod(namespace, body, opts));
  }

  /** Adds a namespace, with admission beyond Pod Security when given (quota, LimitRange, priority, a webhook). */
  addNamespace(name: string, labels: Record<string, string> = {}, admission?: NamespaceAdmission): void {
    this.world.addNamespace(name, labels, 0, admission);
  }

  /** Creates a bound PersistentVolumeClaim with these access modes (e.g. `["ReadWriteOncePod"]`). */
  addClaim(namespace: string, name: string, accessModes: string[]): Json {
    const claim = this.world.claims.create(namespace, {
      metadata: { name },
      spec: { accessModes, resources: { requests: { storage: "1Gi" } } },
    });
    this.world.reschedule();
    return claim;
  }

  /** Writes a file into a container's simulated filesystem. @default mode 0o644, uid 0 */
  writeFile(
    namespace: string,
    pod: string,
    container: string,
    path: string,
    content: string,
    mode = 0o644,
    uid = 0,
  ): void {
    if (this.world.real) {
      this.world.real.writeFile(this.world.getPod(namespace, pod), container, path, content, mode, uid);
      return;
    }
    const f: SimFile = { content, mode, uid };
    this.container(namespace, pod, container).files.set(path, f);
  }

  /** Makes a symbolic link `path` → `target` in a container's filesystem. */
  symlink(namespace: string, pod: string, container: string, path: string, target: string): void {
    if (this.world.real) {
      this.world.real.symlink(this.world.getPod(namespace, pod), container, path, target);
      return;
    }
    this.container(namespace, pod, container).files.set(path, { content: "", mode: 0o777, uid: 0, link: target });
  }

  /** Makes a directory with its own mode and owner in a container's filesystem. @default mode 0o755, uid 0 */
  mkdir(namespace: string, pod: string, container: string, path: string, mode = 0o755, uid = 0): void {
    if (this.world.real) {
      this.world.real.mkdir(this.world.getPod(namespace, pod), container, path, mode, uid);
      return;
    }
    this.container(namespace, pod, container).files.set(path, { content: "", mode, uid, dir: true });
  }

  /** Makes a FIFO (named pipe) in a container's filesystem: reading it blocks until someone writes. */
  mkfifo(namespace: string, pod: string, container: string, path: string): void {
    if (this.world.real) {
      this.world.real.mkfifo(this.world.getPod(namespace, pod), container, path);
      return;
    }
    this.container(namespace, pod, container).files.set(path, { content: "", mode: 0o644, uid: 0, fifo: true });
  }

  /** A container's status as the API shows it (init, regular or ephemeral). */
  containerStatus(namespace: string, pod: string, container: string): Json | undefined {
    const o = this.pod(namespace, pod);
    return [
      ...(o.status.initContainerStatuses ?? []),
      ...(o.status.containerStatuses ?? []),
      ...(o.status.ephemeralContainerStatuses ?? []),
    ].find((s: Json) => s.name === container);
  }

  private emulatedOnly(what: string): void {
    if (this.world.real)
      throw new Error(`state.${what} needs the emulated runtime; this simulator runs ${this.runtime}`);
  }

  private container(namespace: string, pod: string, container: string) {
    const rt = this.world.getPod(namespace, pod).containers.get(container);
    if (!rt) throw new StatusError(failureStatus(404, `container ${container} not found in pod ${namespace}/${pod}`));
    return rt;
  }
}
