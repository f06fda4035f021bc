/**
 * The automatic SIGCONT after a STOP, sent by the janitor when due: claimed by one conditional write on the request
 * (`scheduled → sending`), so two janitors never both send it, then sent through the same fingerprint-checked path
 * as any signal. A process that changed since the STOP (another start time or command line) gets nothing, and the
 * thread says why.
 */

import { claimCont, finishCont, LOST_CONT_OUTCOME, loseCont } from "../core/approval/auto-cont.js";
import type { SignalRequest } from "../core/approval/types.js";
import { asPnsError, PnsError } from "../core/errors.js";
import { bindingFor, resolveNamespace } from "../core/policy.js";
import { toRows } from "../core/process/rows.js";
import { signalEffects } from "../core/process/signal-effect.js";
import { withoutCollector } from "../core/process/without-collector.js";
import { renderAutoContView } from "../core/views/signal-result-view.js";
import { applyTransition } from "./apply-transition.js";
import { approvalsChannel, refreshApprovalMessageOrWarn } from "./approval-message.js";
import { audit } from "./audit.js";
import type { WorkerDeps } from "./deps.js";
import { sendGuarded } from "./execute.js";

/** Sends every automatic CONT due at `now` that this run claims; returns how many it sent and how many it could not. */
export async function sendDueConts(deps: WorkerDeps, now: number): Promise<{ sent: number; notSent: number }> {
  const counts = { sent: 0, notSent: 0 };
  for (const due of await deps.stores.requests.listContDue(now)) {
    const claimed = await applyTransition(deps.stores.requests, due.id, (r) => claimCont(r, now));
    if (!claimed.ok) continue; // another janitor has it, or it is no longer due
    const sent = await sendCont(deps, claimed.request);
    counts[sent ? "sent" : "notSent"]++;
  }
  return counts;
}

/** Sends one claimed CONT once (never retried), records it, updates the approval message and says it in the thread. */
async function sendCont(deps: WorkerDeps, request: SignalRequest): Promise<boolean> {
  const what = `SIGCONT to PID ${request.process.pid}`;
  let sent = false;
  let message: string;
  try {
    // The channel may no longer reach the namespace; the approval of the STOP covered its CONT.
    const binding = bindingFor(deps.config, request.channel);
    const namespace = binding.ok ? resolveNamespace(binding.value, request.target.namespace) : binding;
    if (!namespace.ok) throw new PnsError("not_allowed", `the channel may no longer reach it (${namespace.message})`);
    const out = await sendGuarded(deps, request, "CONT");
    sent = true;
    const after = out.after ? toRows(withoutCollector(out.after.listing), deps.redactor) : null;
    const effects = signalEffects({
      signal: "CONT",
      target: { pid: request.fingerprint.pid, startTicks: request.fingerprint.startTicks },
      changes: { restarted: 0, started: 0, exited: 0 },
      after,
    });
    message = `${out.note ? `${out.note} ` : ""}${what} was delivered. ${
      after === null ? "pns could not list the processes after it." : effects.join(" ") || "No process changed."
    }`;
  } catch (err) {
    const error = asPnsError(err);
    if (error.code === "internal") deps.logger.error("automatic CONT failed", { request: request.id, error });
    message = `${what} was not sent: ${error.userMessage}${error.hint ? ` ${error.hint}` : ""}`;
  }
  await finishAndTell(deps, request, { sent, message, lost: false });
  return sent;
}

/**
 * Marks not sent, and says so, every automatic CONT claimed at or before `claimedBefore` whose janitor run stopped
 * before finishing it (a Lambda that timed out): it may or may not have been delivered, so it is never sent again, and
 * the thread tells the requester the process may still be stopped. Returns how many it marked.
 */
export async function markLostConts(deps: WorkerDeps, claimedBefore: number): Promise<number> {
  let lost = 0;
  for (const stuck of await deps.stores.requests.listContStuck(claimedBefore)) {
    if (await finishAndTell(deps, stuck, { sent: false, message: LOST_CONT_OUTCOME, lost: true })) lost++;
  }
  return lost;
}

/**
 * Records a claimed CONT's outcome (one writer wins), then, for the writer that recorded it, updates the approval
 * message, audits it and says it in the thread. Returns whether this call recorded it.
 */
async function finishAndTell(
  deps: WorkerDeps,
  request: SignalRequest,
  { sent, message, lost }: { sent: boolean; message: string; lost: boolean },
): Promise<boolean> {
  const finished = await applyTransition(deps.stores.requests, request.id, (r) =>
    lost ? loseCont(r) : finishCont(r, sent, message),
  );
  // A CONT finished meanwhile by its own run was not lost after all: nothing to say.
  if (!finished.ok && lost) return false;
  const final = finished.ok ? finished.request : (finished.current ?? request);
  deps.metrics?.count(sent ? "signalsSent" : "signalsFailed");
  if (lost) deps.logger.error("an automatic CONT's janitor run stopped while sending it", { request: request.id });
  await refreshApprovalMessageOrWarn(deps, final);
  await audit(deps, {
    actor: "pns",
    action: "signal",
    channel: request.channel,
    cluster: request.target.cluster,
    namespace: request.target.namespace,
    pod: request.target.pod,
    detail: `automatic SIGCONT to PID ${request.process.pid} after SIGSTOP (request ${request.id}): ${message}`,
    outcome: sent ? "ok" : "failed",
  });
  await deps.chat
    .post(
      approvalsChannel(deps, request.channel),
      renderAutoContView({ request: final, sent, message, lost }),
      request.messageTs,
    )
    .catch((error: unknown) => deps.logger.warn("could not post the automatic CONT's result", { error }));
  return true;
}
