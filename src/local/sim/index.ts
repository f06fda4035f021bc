import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { SimClock } from "./clock.js";
import { SERVER_VERSIONS, type ServerVersion } from "./discovery.js";
import { Faults } from "./faults.js";
import { renderKubeconfig } from "./kubeconfig.js";
import { loadRbac, type RbacPolicy } from "./rbac.js";
import { RequestLog } from "./request-log.js";
import { OciEngine } from "./runtime/oci.js";
import { RealRuntime } from "./runtime/real.js";
import { applyScenario, type ScenarioName } from "./scenario.js";
import { ApiServer } from "./server.js";
import { SimState } from "./state.js";
import { makeCertificate } from "./tls.js";
import { World } from "./world.js";

export type { NamespaceAdmission } from "./admission.js";
export { SERVER_VERSIONS, type ServerVersion } from "./discovery.js";
export { type FailOptions, Faults } from "./faults.js";
export { cmdlineHex, cmdlineSha256 } from "./proc.js";
export { loadRbac, type RbacPolicy } from "./rbac.js";
export { type RequestEntry, RequestLog } from "./request-log.js";
export { type OciRuntimeName, unavailableReason } from "./runtime/oci.js";
export type { ScenarioName } from "./scenario.js";
export { SimState } from "./state.js";
export type { ProcessView, SignalOutcome } from "./world.js";

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Address to listen on. @default "127.0.0.1" */
  host?: string;
  /** The world to start with. @default "seed" */
  scenario?: ScenarioName;
  /** How long pods and debug containers take to start (image pull). @default 300 */
  podStartDelayMs?: number;
  /** Where to write the kubeconfig (directories are created); not written when omitted. */
  kubeconfigPath?: string;
  /** The bearer token clients must send. @default random */
  token?: string;
  /**
   * Containers see /proc/PID/cgroup through a cgroup namespace, as containerd on cgroup v2 sets up by default:
   * `0::/` for their own container, `0::/../cri-containerd-<id>.scope` for others. @default false (full paths)
   */
  cgroupNamespaces?: boolean;
  /**
   * Who runs the pods: `emulated` (simulated processes, no root needed) or real containers run by `runc` or `crun`
   * (root; busybox and nginx images from this machine's packages). @default "emulated"
   */
  runtime?: RuntimeName;
  /** The kubelet's crash back-off before a second restart, doubling after. @default 10000 */
  restartBackoffMs?: number;
  /**
   * Enforce RBAC for the token's user: the rules of every Role and ClusterRole in this manifest (e.g.
   * `infra/rbac.yaml`), or a policy; requests they do not allow get the API server's 403. @default none (all allowed)
   */
  rbac?: string | RbacPolicy;
  /**
   * The Kubernetes version the API server is: `1.28` reports it on /version and drops `restartPolicy` from init
   * containers (no native sidecars before 1.29). @default "1.31"
   */
  serverVersion?: ServerVersion;
}

/** The runtimes the simulator offers. */
export type RuntimeName = "emulated" | "runc" | "crun";

/** Every runtime name, the default first. */
export const RUNTIMES: readonly RuntimeName[] = ["emulated", "runc", "crun"];

/** A running simulator. */
export interface Simulator {
  /** Which runtime runs the pods. */
  runtime: RuntimeName;
  /** `https://127.0.0.1:PORT`. */
  url: string;
  token: string;
  /** kubeconfig YAML: CA inline, bearer token, context `sim`. */
  kubeconfig: string;
  kubeconfigPath: string | null;
  faults: Faults;
  requests: RequestLog;
  state: SimState;
  /** Stops the server, its streams and timers. */
  close(): Promise<void>;
}

/** Starts the local Kubernetes simulator (for local use, tests, benchmarks and the demo; never production). */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? "127.0.0.1";
  const token = opts.token ?? randomBytes(16).toString("hex");
  const faults = new Faults();
  const requests = new RequestLog();
  const rbac = typeof opts.rbac === "string" ? loadRbac(opts.rbac) : (opts.rbac ?? null);
  const world = new World(new SimClock(), faults, opts.podStartDelayMs ?? 300);
  world.cgroupNamespaces = opts.cgroupNamespaces ?? false;
  world.restartBackoffMs = opts.restartBackoffMs ?? world.restartBackoffMs;
  const serverVersion = opts.serverVersion ?? "1.31";
  if (!SERVER_VERSIONS.includes(serverVersion))
    throw new Error(`unknown server version "${serverVersion}": use one of ${SERVER_VERSIONS.join(", ")}`);
  world.serverVersion = serverVersion;
  const runtime = opts.runtime ?? "emulated";
  if (!RUNTIMES.includes(runtime)) throw new Error(`unknown runtime "${runtime}": use one of ${RUNTIMES.join(", ")}`);
  if (runtime !== "emulated") {
    world.real = new RealRuntime(world, await OciEngine.open(runtime), opts.restartBackoffMs);
  }
  try {
    applyScenario(world, opts.scenario ?? "seed");
  } catch (e) {
    await world.real?.close();
    throw e;
  }
  const cert = await makeCertificate(host);
  const api = new ApiServer(world, faults, requests, token, cert, rbac);
  await new Promise<void>((resolve, reject) => {
    api.server.once("error", reject);
    api.server.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = api.server.address();
  const port = typeof address === "object" && address ? address.port : (opts.port ?? 0);
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const kubeconfig = renderKubeconfig(url, cert.cert, token);
  const kubeconfigPath = opts.kubeconfigPath ?? null;
  if (kubeconfigPath) {
    await mkdir(dirname(kubeconfigPath), { recursive: true });
    await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });
  }
  let closed = false;
  return {
    runtime,
    url,
    token,
    kubeconfig,
    kubeconfigPath,
    faults,
    requests,
    state: new SimState(world),
    async close() {
      if (closed) return;
      closed = true;
      world.close();
      await api.close();
      await world.real?.close();
    },
  };
}
