import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CopyLedger, OwnedCopies, PodDebugger } from "../../src/app/ports/cluster.js";
import { DEFAULT_DEBUG } from "../../src/core/config/defaults.js";
import type { DebugConfig } from "../../src/core/config/types.js";
import type { Fingerprint, ProcessInfo } from "../../src/core/process/types.js";
import { buildClusterClients } from "../../src/kube/clusters.js";
import { COPY_OF_ANNOTATION, EXPIRES_AT_ANNOTATION, MANAGED_BY_LABEL } from "../../src/kube/labels.js";
import { createKubeDebugger, type KubeDebuggerDeps } from "../../src/kube/pod-debugger.js";
import { type SimulatorOptions, startSimulator } from "../../src/local/sim/index.js";
import type { Json } from "../../src/local/sim/world.js";

/** The debug settings the kube tests run with. */
export const testDebugConfig: DebugConfig = { ...DEFAULT_DEBUG, execTimeoutMs: 10_000 };

/** A running simulator with its kubeconfig on disk. */
export type Sim = Awaited<ReturnType<typeof startSimulator>> & { kubeconfigPath: string };

/** Starts the simulator's seed scenario and writes its kubeconfig to a temp file. */
export async function startSim(podStartDelayMs = 30, opts: SimulatorOptions = {}): Promise<Sim> {
  const sim = await startSimulator({ port: 0, scenario: "seed", podStartDelayMs, ...opts });
  const dir = mkdtempSync(join(tmpdir(), "pns-kube-"));
  const kubeconfigPath = join(dir, "kubeconfig");
  writeFileSync(kubeconfigPath, sim.kubeconfig);
  return Object.assign(sim, { kubeconfigPath });
}

/** Ids `t0001`, `t0002` … so names are predictable. */
export function counterIds(prefix = "t"): () => string {
  let n = 0;
  return () => `${prefix}${String(++n).padStart(4, "0")}`;
}

/** A PodDebugger on the simulator, with its own client set (not the module cache). */
export async function debuggerFor(
  sim: Sim,
  debug: Partial<DebugConfig> = {},
  deps: KubeDebuggerDeps = {},
): Promise<PodDebugger> {
  const access = { kind: "kubeconfig", path: sim.kubeconfigPath, context: null } as const;
  const clients = await buildClusterClients(access);
  return createKubeDebugger(
    { name: "sim", access, debug: { ...testDebugConfig, ...debug } },
    { settleMs: 20, shortId: counterIds(), startTimeoutMs: 5000, clients, ...deps },
  );
}

/** The fingerprint of a listed process, as core computes it. */
export function fingerprint(p: ProcessInfo): Fingerprint {
  return { pid: p.pid, startTicks: p.startTicks ?? -1, cmdSha256: createHash("sha256").update(p.cmdHex).digest("hex") };
}

/** Counts the simulator's requests of one route (all when omitted) since `from`. */
export function requestsSince(sim: Sim, from: number, route?: string, status?: number): number {
  return sim.requests.entries
    .slice(from)
    .filter((e) => (route === undefined || e.route === route) && (status === undefined || e.status === status)).length;
}

/** The copies a test recorded creating, like pns's sessions store: `<namespace>/<pod>` → pod UID. */
export class TestLedger {
  readonly uids = new Map<string, string>();
  /** The ledger of one namespace's copies, as the app gives one to `attach`. */
  of(namespace: string): CopyLedger {
    return {
      recordedUid: async (name) => this.uids.get(`${namespace}/${name}`) ?? null,
      beforeCreate: async () => undefined,
      record: async (copy) => void this.uids.set(`${namespace}/${copy.name}`, copy.uid),
      forget: async (copy) => {
        if (this.uids.get(`${namespace}/${copy.name}`) === copy.uid) this.uids.delete(`${namespace}/${copy.name}`);
      },
    };
  }
  /** What cleanup may delete. */
  owned(): OwnedCopies {
    return new Map(this.uids);
  }
}

/**
 * The pod anyone with `create pods` can make: labelled and annotated exactly like a pns copy of `copyOf` (long
 * expired), with a `pns-debug…` native sidecar. pns must tell it from its own by the UID it recorded.
 */
export function lookalikeCopy(name: string, copyOf: string): { metadata: { name: string } & Json; spec: Json } {
  return {
    metadata: {
      name,
      labels: { [MANAGED_BY_LABEL]: "pns" },
      annotations: { [COPY_OF_ANNOTATION]: copyOf, [EXPIRES_AT_ANNOTATION]: "2000-01-01T00:00:00.000Z" },
    },
    spec: {
      terminationGracePeriodSeconds: 0,
      initContainers: [
        { name: "pns-debug-evil", image: "busybox:1.36", command: ["sleep", "3600"], restartPolicy: "Always" },
      ],
      containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
    },
  };
}
