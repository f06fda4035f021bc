/**
 * The automatic SIGCONT after a SIGSTOP, chosen in the reason modal: when it is due and who sends it. One CONT per
 * STOP, ever: only the writer whose conditional write moves it `scheduled → sending` sends it.
 *
 *   STOP request created ── waiting ── STOP sent (done) ──▶ scheduled (dueAt) ── due, claimed ──▶ sending
 *                                 └─ STOP not sent: stays waiting, never sent              sending ──▶ sent | not_sent
 *                                                                       its run died while sending ──▶ lost
 */
import { slackDate } from "../views/text.js";
import type { Transition } from "./state-machine.js";
import type { AutoCont, SignalRequest } from "./types.js";

/** The choices of the reason modal's "Send CONT automatically after" select, in order; 0 is "never". */
export const AUTO_CONT_CHOICES: readonly { label: string; ms: number }[] = [
  { label: "1 min", ms: 60_000 },
  { label: "5 min", ms: 5 * 60_000 },
  { label: "15 min", ms: 15 * 60_000 },
  { label: "never", ms: 0 },
];

/** The select's preselected choice. @default 5 minutes */
export const AUTO_CONT_DEFAULT_MS = 5 * 60_000;

/** The delay a submitted select value names (milliseconds; 0 for never); null when it is not one of the choices. */
export function parseAutoContChoice(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const ms = Number(value);
  return AUTO_CONT_CHOICES.some((c) => c.ms === ms && String(c.ms) === value) ? ms : null;
}

/** The auto CONT a new STOP request carries; null for any other signal or for "never". */
export function autoContFor(signal: string, afterMs: number | null | undefined): AutoCont | null {
  if (signal !== "STOP" || !afterMs || afterMs <= 0) return null;
  return { afterMs, dueAt: null, state: "waiting", outcome: null };
}

/** The request as the STOP's `done` write records it: its CONT scheduled `afterMs` from `sentAt`. */
export function scheduleCont(request: SignalRequest, sentAt: number): SignalRequest {
  const a = request.autoCont;
  if (a?.state !== "waiting") return request;
  return { ...request, autoCont: { ...a, state: "scheduled", dueAt: sentAt + a.afterMs } };
}

/** Claims a due CONT for sending (`scheduled → sending`): refused when it is not due, or another writer claimed it. */
export function claimCont(request: SignalRequest, now: number): Transition {
  const a = request.autoCont;
  if (request.state !== "done" || !a || a.state !== "scheduled" || a.dueAt === null) {
    return refusal(`The automatic SIGCONT of request ${request.id} is ${a?.state ?? "not set"}, not scheduled.`);
  }
  if (now < a.dueAt) return refusal(`The automatic SIGCONT of request ${request.id} is not due yet.`);
  return {
    ok: true,
    request: { ...request, autoCont: { ...a, state: "sending", claimedAt: now }, version: request.version + 1 },
  };
}

/**
 * What the thread and the message say of an automatic CONT whose janitor run stopped while sending it: it may or may
 * not have been delivered, so the process may still be stopped, and nothing sends it again.
 */
export const LOST_CONT_OUTCOME =
  "pns lost track of the automatic SIGCONT: the janitor run sending it stopped mid-way, so it may or may not have " +
  "been delivered and the process may still be stopped. Check it with /pns ps (STAT T is stopped) and request " +
  "SIGCONT if it is.";

/** When a CONT was claimed for sending: its claim time, else (a record made before claims were timed) when it was due. */
export function contClaimedAt(request: SignalRequest): number {
  return request.autoCont?.claimedAt ?? request.autoCont?.dueAt ?? 0;
}

/** Records a claimed CONT whose janitor run stopped while sending it as lost: it is never sent again. */
export function loseCont(request: SignalRequest): Transition {
  const a = request.autoCont;
  if (a?.state !== "sending") return refusal(`The automatic SIGCONT of request ${request.id} is not being sent.`);
  const autoCont: AutoCont = { ...a, state: "lost", outcome: LOST_CONT_OUTCOME };
  return { ok: true, request: { ...request, autoCont, version: request.version + 1 } };
}

/** Records a claimed CONT as sent or not sent, with what happened. */
export function finishCont(request: SignalRequest, sent: boolean, outcome: string): Transition {
  const a = request.autoCont;
  if (a?.state !== "sending") return refusal(`The automatic SIGCONT of request ${request.id} is not being sent.`);
  const autoCont: AutoCont = { ...a, state: sent ? "sent" : "not_sent", outcome };
  return { ok: true, request: { ...request, autoCont, version: request.version + 1 } };
}

/** "in 5 min", "in 40 s", "now": how far `dueAt` is from `now`, in whole minutes from a minute on. */
export function untilText(dueAt: number, now: number): string {
  const s = Math.round((dueAt - now) / 1000);
  if (s <= 0) return "now";
  if (s < 60) return `in ${s} s`;
  return `in ${Math.round(s / 60)} min`;
}

/** "5 min", "1 min", "90 s": a delay as the modal names it. */
export function delayText(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

/** The request's auto CONT in one mrkdwn line (dates as Slack date tokens); null when it has none. */
export function autoContLine(request: SignalRequest, now: number): string | null {
  const a = request.autoCont;
  if (!a) return null;
  const at = (ms: number) => slackDate(ms, "{time}");
  switch (a.state) {
    case "waiting":
      return request.state === "pending" || request.state === "approved" || request.state === "executing"
        ? `:alarm_clock: pns sends *SIGCONT* automatically ${delayText(a.afterMs)} after the SIGSTOP.`
        : null;
    case "scheduled":
      return a.dueAt === null ? null : `:alarm_clock: *SIGCONT* at ${at(a.dueAt)} (${untilText(a.dueAt, now)}).`;
    case "sending":
      return ":alarm_clock: *SIGCONT* is being sent now.";
    case "sent":
      return `:arrow_forward: *SIGCONT* sent automatically${a.dueAt === null ? "" : ` at ${at(a.dueAt)}`}.`;
    case "not_sent":
      return ":warning: The automatic *SIGCONT* was not sent (see the thread): the process may still be stopped.";
    case "lost":
      return ":warning: pns lost track of the automatic *SIGCONT* (see the thread): the process may still be stopped.";
  }
}

function refusal(message: string): Transition {
  return { ok: false, code: "invalid_state", message, persist: null };
}
