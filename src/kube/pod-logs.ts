/**
 * Reads a container's log around a signal: `GET pods/{name}/log` with `sinceTime`, `timestamps` and `limitBytes`,
 * and the previous instance's (`previous=true`) when the container restarted since then, with its status.
 */
import { Writable } from "node:stream";
import { Log, type V1ContainerStatus } from "@kubernetes/client-node";
import type { LogCapture, LogRequest } from "../app/ports/cluster.js";
import { PnsError } from "../core/errors.js";
import type { ClusterClients } from "./clusters.js";
import { kubeCall, toPnsError } from "./kube-errors.js";

/** Longest wait for one log read. @default 10 s */
const LOG_READ_TIMEOUT_MS = 10_000;

/**
 * `sinceTime` as the API server passes it on: metav1.Time in RFC 3339 whole seconds (`Time.MarshalQueryParameter`
 * in apimachinery's meta/v1/time.go), which the kubelet compares with each line's timestamp (`ReadLogs` in
 * pkg/kubelet/kuberuntime/logs/logs.go keeps lines stamped at or after it).
 */
export function sinceTimeParam(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new PnsError("internal", `not a time: ${iso}`);
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** Collects a response body up to `limit` bytes (the server applies limitBytes too). */
class Collect extends Writable {
  readonly chunks: Buffer[] = [];
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    if (this.bytes < this.limit) {
      const part = chunk.subarray(0, this.limit - this.bytes);
      this.chunks.push(part);
      this.bytes += part.length;
    }
    done();
  }
}

async function readOne(
  c: ClusterClients,
  req: LogRequest,
  previous: boolean,
): Promise<{ text: string; bytes: number }> {
  const sink = new Collect(req.limitBytes);
  const finished = new Promise<void>((resolve, reject) => {
    sink.on("finish", resolve);
    sink.on("error", reject);
  });
  const op = { verb: "get", resource: "pods/log", namespace: req.namespace, name: req.pod } as const;
  let controller: AbortController | undefined;
  const timer = setTimeout(() => controller?.abort(), LOG_READ_TIMEOUT_MS);
  try {
    controller = await new Log(c.kc).log(req.namespace, req.pod, req.container, sink, {
      sinceTime: sinceTimeParam(req.since),
      timestamps: true,
      limitBytes: req.limitBytes,
      previous,
      follow: false,
    });
    await Promise.race([
      finished,
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new PnsError("unavailable", "The container's log did not arrive in time.")),
          LOG_READ_TIMEOUT_MS,
        ),
      ),
    ]);
  } catch (err) {
    throw toPnsError(err, op);
  } finally {
    clearTimeout(timer);
  }
  const buf = Buffer.concat(sink.chunks);
  return { text: buf.toString("utf8"), bytes: buf.length };
}

function statusOf(
  pod: { status?: { containerStatuses?: V1ContainerStatus[]; initContainerStatuses?: V1ContainerStatus[] } },
  name: string,
) {
  return [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find(
    (s) => s.name === name,
  );
}

const iso = (d: Date | string | undefined): string | null =>
  d === undefined ? null : typeof d === "string" ? d : d.toISOString();

/** Reads the container's log since `req.since`, and the previous instance's when it restarted since then. */
export async function readContainerLogs(c: ClusterClients, req: LogRequest): Promise<LogCapture> {
  const pod = await kubeCall({ verb: "get", resource: "pods", namespace: req.namespace, name: req.pod }, () =>
    c.core.readNamespacedPod({ name: req.pod, namespace: req.namespace }),
  );
  const status = statusOf(pod, req.container);
  if (!status) throw new PnsError("not_found", `Pod ${req.pod} has no container ${req.container}.`);
  const since = Date.parse(sinceTimeParam(req.since));
  const startedAt = iso(status.state?.running?.startedAt);
  const last = status.lastState?.terminated;
  const finishedAt = iso(last?.finishedAt);
  const restarted =
    (startedAt !== null && Date.parse(startedAt) >= since) || (finishedAt !== null && Date.parse(finishedAt) >= since);
  const current = status.state?.waiting ? { text: "", bytes: 0 } : await readOne(c, req, false);
  const previous = restarted ? await readOne(c, req, true).catch(() => null) : null;
  const bytes = current.bytes + (previous?.bytes ?? 0);
  return {
    current: current.text,
    previous: previous?.text ?? null,
    truncated: current.bytes >= req.limitBytes || (previous?.bytes ?? 0) >= req.limitBytes,
    restartCount: status.restartCount ?? 0,
    restarted,
    lastTermination: last ? { exitCode: last.exitCode ?? null, reason: last.reason ?? null, finishedAt } : null,
    bytes,
  };
}
