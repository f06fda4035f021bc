import { failureStatus, type StatusBody } from "./status.js";

/** Options of an injected failure. */
export interface FailOptions {
  /** The Status message. @default "injected failure" wording per code */
  message?: string;
  /** The Status reason. @default the reason of the code */
  reason?: string;
  /** How many requests fail. @default 1 */
  times?: number;
}

interface Failure {
  status: StatusBody;
  remaining: number;
}

/** Faults a test injects into the simulator; each targets a route name such as `GET pods`. */
export class Faults {
  private readonly latencies = new Map<string, number>();
  private readonly failures = new Map<string, Failure>();
  private dropAfter: number | null = null;
  private readonly pullFailures = new Set<string>();
  private readonly podDeletions: { namespace: string; pod: string }[] = [];
  private watchCloses = 0;

  /** Delays every request of `route` by `ms`. */
  latency(route: string, ms: number): void {
    this.latencies.set(route, ms);
  }

  /** Fails the next request(s) of `route` with a Status of `status`. */
  failNext(route: string, status: number, opts: FailOptions = {}): void {
    const message = opts.message ?? `injected failure (${status}) for ${route}`;
    this.failures.set(route, { status: failureStatus(status, message, opts.reason), remaining: opts.times ?? 1 });
  }

  /** Fails every request of `route` until {@link Faults.clear}. */
  fail(route: string, status: number, opts: Omit<FailOptions, "times"> = {}): void {
    this.failNext(route, status, { ...opts, times: Number.POSITIVE_INFINITY });
  }

  /** The next exec stream is cut (socket dropped, no status) after `bytes` bytes of stdout. */
  dropExecAfter(bytes: number): void {
    this.dropAfter = bytes;
  }

  /** Containers (debug ones included) with this image never pull: `waiting: ImagePullBackOff`. */
  imagePullFailure(image: string): void {
    this.pullFailures.add(image);
  }

  /** The pod is deleted as soon as the next exec stream into it ends (a pod deleted mid-session). */
  deletePodDuringSession(namespace: string, pod: string): void {
    this.podDeletions.push({ namespace, pod });
  }

  /**
   * The next `times` pod watches are closed by the server right after their first events, cleanly and without an
   * error, as a proxy or load balancer with an idle timeout closes a long request.
   */
  closeWatches(times: number): void {
    this.watchCloses = times;
  }

  /** True (consuming one) when this watch is to be closed at once. */
  takeWatchClose(): boolean {
    if (this.watchCloses <= 0) return false;
    this.watchCloses -= 1;
    return true;
  }

  /** Removes every fault. */
  clear(): void {
    this.latencies.clear();
    this.failures.clear();
    this.dropAfter = null;
    this.pullFailures.clear();
    this.podDeletions.length = 0;
    this.watchCloses = 0;
  }

  /** The latency of a route in ms. */
  latencyOf(route: string): number {
    return this.latencies.get(route) ?? 0;
  }

  /** The Status to fail this request with, consuming one injected failure. */
  takeFailure(route: string): StatusBody | null {
    const f = this.failures.get(route);
    if (!f) return null;
    f.remaining -= 1;
    if (f.remaining <= 0) this.failures.delete(route);
    return f.status;
  }

  /** The byte count after which this exec stream drops, consuming the fault. */
  takeExecDrop(): number | null {
    const d = this.dropAfter;
    this.dropAfter = null;
    return d;
  }

  /** True when pulling this image fails. */
  pullFails(image: string): boolean {
    return this.pullFailures.has(image);
  }

  /** True (once) when this pod is to be deleted after the current exec. */
  takePodDeletion(namespace: string, pod: string): boolean {
    const i = this.podDeletions.findIndex((d) => d.namespace === namespace && d.pod === pod);
    if (i < 0) return false;
    this.podDeletions.splice(i, 1);
    return true;
  }
}
