import { scheduleCont } from "../core/approval/auto-cont.js";
import { finish, startExecution } from "../core/approval/state-machine.js";
import type { SignalRequest } from "../core/approval/types.js";
import { asPnsError, PnsError } from "../core/errors.js";
import type { Job } from "../core/jobs.js";
import { bindingFor, resolveNamespace, signalPolicyFor } from "../core/policy.js";
import { diffListings } from "../core/process/diff.js";
import { toRows } from "../core/process/rows.js";
import { summarizeSignalEffect } from "../core/process/signal-effect.js";
import type { ProcessDiff, ProcessInfo, ProcessListing, ProcessRow } from "../core/process/types.js";
import { withoutCollector } from "../core/process/without-collector.js";
import type { SignalName } from "../core/signals.js";
import { renderSignalResultView, type SignalResultDiff } from "../core/views/signal-result-view.js";
import { AFTER_SIGNAL_WATCH_MS, postAfterSignal, readPodHealth, watchAfterSignal } from "./after-signal.js";
import { applyTransition } from "./apply-transition.js";
import { approvalsChannel, refreshApprovalMessageOrWarn } from "./approval-message.js";
import { auditRequest } from "./audit.js";
import type { WorkerDeps } from "./deps.js";
import { rememberAfterSignal } from "./freshness.js";
import { captureSignalEvidence } from "./signal-evidence.js";

/**
 * Sends the signal from the debug container the listing came from. If that container has ended since (its lifetime
 * ran out while the request waited), attaches again to the same pod first: the fingerprint still names exactly the
 * listed process, so a new container cannot hit another one. The check comes before the one attempt, never as a
 * retry after a failure, which could send the signal twice. Copies are not re-made: a new copy has other processes.
 * `signal` is the request's own, or CONT for a STOP's automatic CONT: the same fingerprint is checked either way.
 */
export async function sendGuarded(deps: WorkerDeps, request: SignalRequest, signal: SignalName = request.signal) {
  const dbg = deps.debuggerFor(request.target.cluster);
  const { namespace, pod, debugPod, debugContainer } = request.target;
  let location = { namespace, pod: debugPod, container: debugContainer };
  let note: string | undefined;
  if (debugPod === pod && !(await dbg.isRunning(location))) {
    deps.logger.info("debug container ended; attaching again", { request: request.id });
    const resolved = await dbg.resolveTarget(namespace, { kind: "pod", name: pod });
    const attachment = await dbg.attach(resolved, { requestedBy: request.requester });
    location = { namespace, pod: attachment.pod, container: attachment.container };
    note = attachment.note;
  }
  try {
    return { ...(await dbg.sendSignal({ location, fingerprint: request.fingerprint, signal })), note };
  } catch (err) {
    // Why the process may be gone (its container restarted) belongs with the refusal.
    const error = asPnsError(err);
    throw note ? new PnsError(error.code, `${note} ${error.userMessage}`, { cause: err, hint: error.hint }) : error;
  }
}

/** The rows of a diff, redacted like the table: matched to their listing's rows by PID and start time. */
export function diffRows(diff: ProcessDiff, before: ProcessRow[], after: ProcessRow[]): SignalResultDiff {
  const key = (p: { pid: number }, start: number | null) => `${p.pid}:${start ?? ""}`;
  const index = (rows: ProcessRow[]) => new Map(rows.map((r) => [key(r, r.fingerprint?.startTicks ?? null), r]));
  const byPid = (rows: ProcessRow[]) => new Map(rows.map((r) => [r.pid, r]));
  const [b, a, bp, ap] = [index(before), index(after), byPid(before), byPid(after)];
  const rowOf = (p: ProcessInfo, exact: Map<string, ProcessRow>, pids: Map<number, ProcessRow>) =>
    exact.get(key(p, p.startTicks)) ?? pids.get(p.pid);
  const pick = (ps: ProcessInfo[], exact: Map<string, ProcessRow>, pids: Map<number, ProcessRow>) =>
    ps.map((p) => rowOf(p, exact, pids)).filter((r): r is ProcessRow => r !== undefined);
  return {
    exited: pick(diff.exited, b, bp),
    started: pick(diff.started, a, ap),
    restarted: diff.restarted.flatMap((r) => {
      const was = rowOf(r.before, b, bp);
      const now = rowOf(r.after, a, ap);
      return was && now ? [{ before: was, after: now }] : [];
    }),
  };
}

/**
 * Sends an approved signal, exactly once: only the worker whose conditional write moves the request from approved
 * to executing goes on, so a Lambda retry or a second job does nothing. Then records done or failed, updates the
 * approval message and posts the before/after difference in its thread.
 */
export async function runExecute(deps: WorkerDeps, job: Extract<Job, { kind: "execute" }>): Promise<void> {
  const started = await applyTransition(deps.stores.requests, job.requestId, (r) => startExecution(r, deps.now()));
  if (!started.ok) {
    deps.logger.info("signal not sent by this job", { request: job.requestId, code: started.code });
    // Started too late: the request is now failed, and its message and thread say so.
    if (started.persist && started.current?.state === "failed") await reportOutcome(deps, started.current, false);
    return;
  }
  const request = started.request;
  await refreshApprovalMessageOrWarn(deps, request);

  let ok = false;
  let message: string;
  let diff: SignalResultDiff | undefined;
  let after: ProcessRow[] | undefined;
  let sentAt: string | null = null;
  let watchStart: Parameters<typeof watchAfterSignal>[2] | null = null;
  const what = `SIG${request.signal} to PID ${request.process.pid}`;
  try {
    stillAllowed(deps, request);
    // The pod just before the signal: the watch after it counts restarts from here.
    const watching = (deps.watchAfterSignalMs ?? AFTER_SIGNAL_WATCH_MS) > 0;
    const podBefore = watching ? await readPodHealth(deps, request) : null;
    const out = await sendGuarded(deps, request);
    ok = true;
    sentAt = out.sentAt ?? null;
    if (watching) watchStart = { before: out.before.listing, podBefore, location: out.before.location };
    const result = resultRows(deps, out.before.listing, out.after?.listing ?? null);
    diff = result.diff;
    after = result.after;
    // Sent, and recorded as sent (never retried): the exit is the signal's effect, not a failure.
    message = out.targetExited
      ? `${out.note ? `${out.note} ` : ""}${what} was sent; the container's main process exited and took the debug container with it. The kubelet restarts the container per its restartPolicy; the next \`/pns ps\` attaches a new debug container.`
      : `${out.note ? `${out.note} ` : ""}${what} was delivered. ${
          result.diff
            ? summarizeSignalEffect({
                signal: request.signal,
                target: request.fingerprint,
                changes: {
                  restarted: result.diff.restarted.length,
                  started: result.diff.started.length,
                  exited: result.diff.exited.length,
                },
                after: result.after ?? null,
              })
            : "pns could not list the processes after it."
        }`;
  } catch (err) {
    const error = asPnsError(err);
    if (error.code === "internal")
      deps.logger.error("signal failed", { request: request.id, error: error.cause ?? error });
    message = `${what} was not sent: ${error.userMessage}${error.hint ? ` ${error.hint}` : ""}`;
  }

  deps.metrics?.count(ok ? "signalsSent" : "signalsFailed");
  // A STOP's automatic CONT is scheduled in the same write that records it sent: due `afterMs` from now.
  const finishedAt = deps.now();
  const finished = await applyTransition(deps.stores.requests, request.id, (r) => {
    const t = finish(r, ok, message);
    return t.ok && ok ? { ok: true, request: scheduleCont(t.request, finishedAt) } : t;
  });
  const final: SignalRequest = finished.ok ? finished.request : (finished.current ?? request);
  await reportOutcome(deps, final, ok, diff, after);
  if (after) {
    await rememberAfterSignal(deps, final, after).catch((error: unknown) =>
      deps.logger.warn("could not record the listing taken after the signal", { error }),
    );
  }
  if (!ok) return;
  // The watch runs while the log is read, so its seconds count from the signal; it posts after the log's evidence.
  const watched = watchStart ? watchAfterSignal(deps, final, watchStart) : Promise.resolve(null);
  await captureSignalEvidence(deps, final, sentAt);
  await postAfterSignal(deps, final, await watched);
}

/**
 * The channel binding and the signal policy, checked again right before sending: the configuration may have changed
 * since the request was approved (a namespace unbound, a signal no longer allowed). Throws PnsError when not.
 */
function stillAllowed(deps: WorkerDeps, request: SignalRequest): void {
  const binding = bindingFor(deps.config, request.channel);
  const namespace = binding.ok ? resolveNamespace(binding.value, request.target.namespace) : binding;
  if (!namespace.ok) throw new PnsError("not_allowed", `the channel may no longer reach it (${namespace.message})`);
  const policy = signalPolicyFor(deps.config, request.target.namespace, request.signal);
  if (!policy.ok) throw new PnsError("not_allowed", `the signal policy changed since the approval (${policy.message})`);
}

/** Records a finished request: its approval message, the audit trail, and the result in the approval's thread. */
async function reportOutcome(
  deps: WorkerDeps,
  final: SignalRequest,
  ok: boolean,
  diff?: SignalResultDiff,
  after?: ProcessRow[],
): Promise<void> {
  const message = final.outcome ?? (ok ? "sent" : "not sent");
  await refreshApprovalMessageOrWarn(deps, final);
  // The request's one entry gets its final outcome (it said pending until now).
  await auditRequest(deps, final, message);
  const view = renderSignalResultView({
    request: final,
    ok,
    message,
    now: deps.now(),
    ...(diff ? { diff } : {}),
    ...(after ? { after } : {}),
  });
  await deps.chat
    .post(approvalsChannel(deps, final.channel), view, final.messageTs)
    .catch((error: unknown) => deps.logger.warn("could not post the signal's result", { error }));
}

function resultRows(deps: WorkerDeps, rawBefore: ProcessListing, rawAfter: ProcessListing | null) {
  if (!rawAfter) return { diff: undefined, after: undefined };
  const before = withoutCollector(rawBefore);
  const after = withoutCollector(rawAfter);
  const beforeRows = toRows(before, deps.redactor);
  const afterRows = toRows(after, deps.redactor);
  return { diff: diffRows(diffListings(before, after), beforeRows, afterRows), after: afterRows };
}
