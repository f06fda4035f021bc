import type { Json } from "./world.js";

/** Kubernetes' short human duration (`45s`, `3m2s`, `5h`, `2d`), as `kubectl get` shows AGE. */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  return `${d}d`;
}

function age(ts: string | undefined): string {
  return ts ? humanDuration(Date.now() - Date.parse(ts)) : "<unknown>";
}

function partial(obj: Json): Json {
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata };
}

function podStatusText(pod: Json): string {
  if (pod.metadata.deletionTimestamp) return "Terminating";
  for (const c of pod.status?.containerStatuses ?? []) {
    const waiting = c.state?.waiting?.reason;
    if (waiting && waiting !== "ContainerCreating") return waiting;
  }
  for (const c of pod.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason === "ContainerCreating") return "ContainerCreating";
  }
  return pod.status?.phase ?? "Unknown";
}

/** A meta.k8s.io/v1 Table of pods (NAME READY STATUS RESTARTS AGE, then wide columns). */
export function podTable(pods: Json[], resourceVersion: string): Json {
  const col = (name: string, type: string, priority = 0, format = "") => ({
    name,
    type,
    format,
    description: name,
    priority,
  });
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: [
      col("Name", "string", 0, "name"),
      col("Ready", "string"),
      col("Status", "string"),
      col("Restarts", "string"),
      col("Age", "string"),
      col("IP", "string", 1),
      col("Node", "string", 1),
      col("Nominated Node", "string", 1),
      col("Readiness Gates", "string", 1),
    ],
    rows: pods.map((pod) => {
      const statuses: Json[] = pod.status?.containerStatuses ?? [];
      const ready = statuses.filter((c) => c.ready).length;
      const restarts = statuses.reduce((n, c) => n + (c.restartCount ?? 0), 0);
      const lastRestart = statuses
        .map((c) => c.lastState?.terminated?.finishedAt as string | undefined)
        .filter(Boolean)
        .sort()
        .pop();
      return {
        cells: [
          pod.metadata.name,
          `${ready}/${pod.spec.containers.length}`,
          podStatusText(pod),
          lastRestart ? `${restarts} (${age(lastRestart)} ago)` : String(restarts),
          age(pod.metadata.creationTimestamp),
          pod.status?.podIP ?? "<none>",
          pod.spec.nodeName ?? "<none>",
          "<none>",
          "<none>",
        ],
        object: partial(pod),
      };
    }),
  };
}

/** A generic Table (NAME AGE) for other kinds. */
export function nameAgeTable(objs: Json[], resourceVersion: string): Json {
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: [
      { name: "Name", type: "string", format: "name", description: "Name", priority: 0 },
      { name: "Age", type: "string", format: "", description: "Age", priority: 0 },
    ],
    rows: objs.map((o) => ({ cells: [o.metadata.name, age(o.metadata.creationTimestamp)], object: partial(o) })),
  };
}
