/**
 * The closed loop after a sent signal: for a few seconds pns lists the processes again and reads the pod (restart
 * count, last termination, readiness), then says in the request's thread what happened — "Healthy after 10 s: nginx
 * ready, workers 20, 21 new", "Container nginx restarted (exit 137, OOMKilled)", "PID 7 is stopped (T)".
 */

import type { SignalRequest } from "../core/approval/types.js";
import { asPnsError } from "../core/errors.js";
import { afterSignalReport, type WatchedProcess } from "../core/process/after-signal.js";
import { toRows } from "../core/process/rows.js";
import type { ProcessListing } from "../core/process/types.js";
import { withoutCollector } from "../core/process/without-collector.js";
import { renderAfterSignalView } from "../core/views/signal-result-view.js";
import { approvalsChannel } from "./approval-message.js";
import type { WorkerDeps } from "./deps.js";
import type { DebugLocation, PodHealth } from "./ports/cluster.js";

/** How long pns watches after a signal (`PNS_WATCH_AFTER_SIGNAL`; 0: not at all). @default 10 s */
export const AFTER_SIGNAL_WATCH_MS = 10_000;

/** Reads of the processes and the pod in that time, evenly spaced; the last one decides. @default 3 */
export const AFTER_SIGNAL_POLLS = 3;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What the watch starts from: the listing just before the signal, the pod then, where the debug container is. */
export interface WatchStart {
  before: ProcessListing;
  podBefore: PodHealth | null;
  location: DebugLocation;
}

/** The pod a request's processes live in: a copy's own for a copy. */
function podOf(request: SignalRequest): string {
  return request.target.debugPod;
}

/** The pod's health, or null when it cannot be read (the watch says so; it never fails the signal). */
export async function readPodHealth(deps: WorkerDeps, request: SignalRequest): Promise<PodHealth | null> {
  try {
    return await deps.debuggerFor(request.target.cluster).podHealth(request.target.namespace, podOf(request));
  } catch (err) {
    deps.logger.info("could not read the pod around a signal", { request: request.id, error: asPnsError(err) });
    return null;
  }
}

function watched(deps: WorkerDeps, listing: ProcessListing): WatchedProcess[] {
  return toRows(withoutCollector(listing), deps.redactor)
    .filter((r) => r.role === "app")
    .map((r) => ({
      pid: r.pid,
      state: r.state,
      command: r.command,
      container: r.container,
      fingerprint: r.fingerprint ? { startTicks: r.fingerprint.startTicks } : null,
    }));
}

/**
 * Watches for `watchAfterSignalMs` (a few polls; earlier when a container restarted: that is the answer) and returns
 * the view to post; null when watching is off. Never throws: a failed read is one of the facts.
 */
export async function watchAfterSignal(deps: WorkerDeps, request: SignalRequest, start: WatchStart) {
  const total = deps.watchAfterSignalMs ?? AFTER_SIGNAL_WATCH_MS;
  if (total <= 0) return null;
  const sleep = deps.sleep ?? wait;
  const dbg = deps.debuggerFor(request.target.cluster);
  const step = Math.ceil(total / AFTER_SIGNAL_POLLS);
  const before = watched(deps, start.before);
  let after: WatchedProcess[] | null = null;
  let podAfter: PodHealth | null = null;
  let problem: string | null = null;
  let waited = 0;
  for (let poll = 0; poll < AFTER_SIGNAL_POLLS; poll++) {
    await sleep(step);
    waited += step;
    const [listed, pod] = await Promise.all([
      dbg.listProcesses(start.location, { cpuSampleSeconds: 0 }).then(
        (s) => ({ ok: true as const, rows: watched(deps, s.listing) }),
        (err: unknown) => ({ ok: false as const, message: asPnsError(err).userMessage }),
      ),
      readPodHealth(deps, request),
    ]);
    after = listed.ok ? listed.rows : null;
    problem = listed.ok ? null : deps.redactor.text(listed.message);
    podAfter = pod;
    const restarted = start.podBefore && pod && restartedSince(start.podBefore, pod);
    if (restarted) break;
  }
  const report = afterSignalReport({
    signal: request.signal,
    target: {
      pid: request.fingerprint.pid,
      startTicks: request.fingerprint.startTicks,
      container: request.process.container,
    },
    before,
    podBefore: start.podBefore,
    after,
    podAfter,
    seconds: waited / 1000,
    problem,
  });
  return renderAfterSignalView(request, report);
}

function restartedSince(before: PodHealth, after: PodHealth): boolean {
  const was = new Map(before.summary.containers.map((c) => [c.name, c.restartCount]));
  return after.summary.containers.some((c) => c.restartCount > (was.get(c.name) ?? c.restartCount));
}

/** Posts the watch's view in the request's thread; a failure is logged. */
export async function postAfterSignal(
  deps: WorkerDeps,
  request: SignalRequest,
  view: Awaited<ReturnType<typeof watchAfterSignal>>,
): Promise<void> {
  if (!view) return;
  await deps.chat
    .post(approvalsChannel(deps, request.channel), view, request.messageTs)
    .catch((error: unknown) => deps.logger.warn("could not post what happened after the signal", { error }));
}
