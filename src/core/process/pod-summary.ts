/**
 * What a process table shows above its rows about the pod: phase, node, restart policy and, per container, its image,
 * restarts, last termination (OOMKilled) and memory limit. Pure: built from a V1Pod-shaped object by the adapter.
 */

/** The pod's `spec.restartPolicy`. */
export type RestartPolicy = "Always" | "OnFailure" | "Never";

/** How a container last ended, from `status.containerStatuses[].lastState.terminated` (or its state now). */
export interface ContainerTermination {
  /** `OOMKilled`, `Error`, `Completed`…; null when the kubelet gave none. */
  reason: string | null;
  exitCode: number | null;
  /** ISO 8601; null when unknown. */
  finishedAt: string | null;
}

/** One container of the pod, as the table's header shows it. */
export interface ContainerSummary {
  name: string;
  /** The image the container runs (the status's resolved image, else the spec's); null when unknown. */
  image: string | null;
  ready: boolean | null;
  restartCount: number;
  /**
   * `running`, `waiting` or `terminated`, with the kubelet's reason (`CrashLoopBackOff`, `OOMKilled`) and, once
   * terminated, the exit code; null when unknown.
   */
  state: { kind: "running" | "waiting" | "terminated"; reason: string | null; exitCode: number | null } | null;
  lastTermination: ContainerTermination | null;
  /** `resources.limits.memory` in bytes; null when the container has no memory limit. */
  memoryLimitBytes: number | null;
}

/** The pod as the table's header shows it. */
export interface PodSummary {
  /** `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`; null when unknown. */
  phase: string | null;
  node: string | null;
  /** Null when the pod does not say (the API server defaults it to Always). */
  restartPolicy: RestartPolicy | null;
  /** The pod's containers in spec order (init and ephemeral containers are left out). */
  containers: ContainerSummary[];
}

interface ContainerStateLike {
  running?: object | null;
  waiting?: { reason?: string | null } | null;
  terminated?: { reason?: string | null; exitCode?: number | null; finishedAt?: string | Date | null } | null;
}

/** The parts of a pod {@link podSummaryOf} reads; client-node's V1Pod fits it. */
export interface PodSummarySource {
  spec?: {
    nodeName?: string | null;
    restartPolicy?: string | null;
    containers?:
      | { name: string; image?: string | null; resources?: { limits?: Record<string, unknown> | null } | null }[]
      | null;
  } | null;
  status?: {
    phase?: string | null;
    containerStatuses?:
      | {
          name: string;
          image?: string | null;
          ready?: boolean | null;
          restartCount?: number | null;
          state?: ContainerStateLike | null;
          lastState?: ContainerStateLike | null;
        }[]
      | null;
  } | null;
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/**
 * A Kubernetes quantity (`128Mi`, `1G`, `1.5Gi`, `129e6`) as a number, or null when it is not one. The grammar is
 * apimachinery's (`pkg/api/resource/quantity.go`): a signed decimal, then a binary or decimal SI suffix or an
 * exponent; a suffix is tried before an exponent, so `1E` is an exa.
 */
export function parseQuantity(text: string): number | null {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/.exec(text.trim());
  if (!m) return null;
  const value = Number(m[1]);
  const suffix = m[2] ?? "";
  const scale = BINARY[suffix] ?? DECIMAL[suffix] ?? (/^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : null);
  if (scale === null || !Number.isFinite(value * scale)) return null;
  return value * scale;
}

function isoOf(v: string | Date | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const ms = v instanceof Date ? v.getTime() : Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function stateOf(s: ContainerStateLike | null | undefined): ContainerSummary["state"] {
  if (!s) return null;
  if (s.running) return { kind: "running", reason: null, exitCode: null };
  if (s.waiting) return { kind: "waiting", reason: s.waiting.reason ?? null, exitCode: null };
  if (s.terminated) {
    const code = s.terminated.exitCode;
    return {
      kind: "terminated",
      reason: s.terminated.reason ?? null,
      exitCode: typeof code === "number" ? code : null,
    };
  }
  return null;
}

function terminationOf(s: ContainerStateLike | null | undefined): ContainerTermination | null {
  const t = s?.terminated;
  if (!t) return null;
  return {
    reason: t.reason ?? null,
    exitCode: typeof t.exitCode === "number" ? t.exitCode : null,
    finishedAt: isoOf(t.finishedAt),
  };
}

/** The pod's summary for the process table and the signal's result. */
export function podSummaryOf(pod: PodSummarySource): PodSummary {
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const policy = pod.spec?.restartPolicy;
  return {
    phase: pod.status?.phase ?? null,
    node: pod.spec?.nodeName ?? null,
    restartPolicy: policy === "Always" || policy === "OnFailure" || policy === "Never" ? policy : null,
    containers: (pod.spec?.containers ?? []).map((c): ContainerSummary => {
      const s = statuses.get(c.name);
      const limit = c.resources?.limits?.memory;
      const bytes = typeof limit === "string" ? parseQuantity(limit) : typeof limit === "number" ? limit : null;
      return {
        name: c.name,
        image: s?.image || c.image || null,
        ready: typeof s?.ready === "boolean" ? s.ready : null,
        restartCount: typeof s?.restartCount === "number" ? s.restartCount : 0,
        state: stateOf(s?.state),
        lastTermination: terminationOf(s?.lastState),
        memoryLimitBytes: bytes !== null && bytes > 0 ? Math.round(bytes) : null,
      };
    }),
  };
}

/** What became of one container between two summaries of its pod. */
export interface ContainerChange {
  container: string;
  /** `restarted`: its restart count rose; `stopped`: it was running and has terminated, not (yet) restarted. */
  kind: "restarted" | "stopped";
  /** Restarts counted in between (0 for `stopped`). */
  restarts: number;
  /** How it ended: the last termination of a restarted container, the current state of a stopped one. */
  reason: string | null;
  exitCode: number | null;
}

/** The containers that restarted or stopped between two summaries of one pod (a signal's before and after). */
export function containerChanges(before: PodSummary, after: PodSummary): ContainerChange[] {
  const was = new Map(before.containers.map((c) => [c.name, c]));
  const out: ContainerChange[] = [];
  for (const c of after.containers) {
    const old = was.get(c.name);
    if (old === undefined) continue;
    if (c.restartCount > old.restartCount) {
      const t = c.lastTermination;
      out.push({
        container: c.name,
        kind: "restarted",
        restarts: c.restartCount - old.restartCount,
        reason: t?.reason ?? null,
        exitCode: t?.exitCode ?? null,
      });
    } else if (c.state?.kind === "terminated" && old.state?.kind !== "terminated") {
      out.push({ container: c.name, kind: "stopped", restarts: 0, reason: c.state.reason, exitCode: c.state.exitCode });
    }
  }
  return out;
}
