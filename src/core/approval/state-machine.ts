/**
 * The approval state machine of a signal request: pure functions that decide one transition each.
 *
 *        createSignalRequest                         createSignalRequest
 *      (approval required | self)                     (approval none)
 *                 │                                          │
 *                 ▼                                          │
 *  ┌────────┐ deny ┌─────────┐ cancel ┌───────────┐          │
 *  │ denied │◀─────│ pending │───────▶│ cancelled │          │
 *  └────────┘      └─────────┘  pns:  └───────────┘          │
 *                   │       │  target gone                   │
 *                   │       │                                │
 *   approve, while  │       │ expire, or any click           │
 *   now < expiresAt │       │ at now ≥ expiresAt             │
 *                   │       ▼                                │
 *                   │   ┌─────────┐                          │
 *                   │   │ expired │                          │
 *                   ▼   └─────────┘                          │
 *              ┌──────────┐                                  │
 *              │ approved │◀─────────────────────────────────┘
 *              └──────────┘
 *                   │ startExecution ─ more than 5 min after approval ─▶ failed (never sent)
 *                   ▼
 *             ┌───────────┐ finish(false) ┌────────┐
 *             │ executing │──────────────▶│ failed │
 *             └───────────┘               └────────┘
 *                   │ finish(true)
 *                   ▼
 *               ┌──────┐
 *               │ done │
 *               └──────┘
 *
 * Every transition returns the next request with `version + 1`; the store writes it only if state and version are
 * still what was read (a conditional write), so concurrent clicks produce exactly one transition.
 * A refusal is a value with a code and a message for the user who clicked (shown ephemerally).
 */
import { describeApprovers } from "./approvers.js";
import type { ApprovalMode, RequestState, SignalRequest } from "./types.js";

/**
 * How long after its approval a signal may still start: past it, `startExecution` marks the request failed instead
 * (a worker delayed or retried long after the decision must not act on it). @default 5 minutes
 */
export const EXECUTE_WITHIN_MS = 5 * 60_000;

/**
 * Why a transition was refused. `invalid_state`: the request is not in a state this transition starts from;
 * `not_found`: there is no such request (used by callers that load it first).
 */
export type RefusalCode =
  | "not_allowed"
  | "already_decided"
  | "already_supported"
  | "expired"
  | "invalid_state"
  | "not_found";

/** A refused transition: what happened, for the clicking user, and a write the caller should still make. */
export interface Refusal {
  ok: false;
  code: RefusalCode;
  /** For the user who clicked: what happened and what they can do. Slack mrkdwn. */
  message: string;
  /**
   * A write the refusal still makes: a pending request past its expiry marked `expired`, or an approved one
   * started too late marked `failed`.
   */
  persist: SignalRequest | null;
}

/** The outcome of a transition: the next request to write, or a refusal. */
export type Transition = { ok: true; request: SignalRequest } | Refusal;

/** A click on the approval message. */
export type DecisionAction = "approve" | "deny" | "cancel";

/** Who clicked what, and when. */
export interface DecisionInput {
  action: DecisionAction;
  /** Slack user ID of the clicking user. */
  user: string;
  /** Slack user-group IDs the clicking user belongs to. */
  userGroups: readonly string[];
  /** Epoch milliseconds. */
  now: number;
  /** A denial's optional reason (redacted by the caller); ignored for approve and cancel. */
  reason?: string;
}

/** What the requester fills in; the rest of a {@link SignalRequest} is set by {@link createSignalRequest}. */
export type SignalRequestInput = Omit<
  SignalRequest,
  | "id"
  | "state"
  | "createdAt"
  | "expiresAt"
  | "decidedBy"
  | "decidedAt"
  | "outcome"
  | "version"
  | "messageTs"
  | "supporters"
  | "denialReason"
> & { messageTs?: string | null };

/** The actor recorded when pns itself decides (expiry). */
export const PNS_ACTOR = "pns";

/** States from which nothing else happens. */
export const FINAL_STATES: readonly RequestState[] = ["done", "failed", "denied", "cancelled", "expired", "gone"];

/** Builds a new request: `pending`, or `approved` by the requester right away when approval is `none`. */
export function createSignalRequest(
  input: SignalRequestInput,
  options: { id: string; now: number; ttlMs: number },
): SignalRequest {
  const auto = input.approval === "none";
  return {
    ...input,
    id: options.id,
    state: auto ? "approved" : "pending",
    messageTs: input.messageTs ?? null,
    createdAt: options.now,
    expiresAt: options.now + options.ttlMs,
    decidedBy: auto ? input.requester : null,
    decidedAt: auto ? options.now : null,
    supporters: [],
    outcome: null,
    version: 1,
  };
}

/** Decides a click on approve, deny or cancel: the next request, or a refusal for the clicking user. */
export function decide(request: SignalRequest, input: DecisionInput): Transition {
  const open = stillOpen(request, input.now);
  if (open) return open;
  const isRequester = input.user === request.requester;
  const isSupporter = isSupporterOf(request, input.user);
  const isApprover = mayApprove(request, input.user, input.userGroups);
  switch (input.action) {
    case "approve":
    case "deny":
      if (isRequester && request.approval !== "self") {
        return refuse(
          "not_allowed",
          input.action === "approve"
            ? `You can't approve your own request. It can be approved by ${describeApprovers(request)}: ask them in this channel.`
            : "You can't deny your own request. To withdraw it, press *Cancel*.",
        );
      }
      if (isSupporter && request.approval !== "self") {
        // A supporter asked for the same signal: four eyes means someone who did not ask decides.
        return refuse(
          "not_allowed",
          `You asked for this signal too, so you can't ${input.action} it. It can be decided by ${describeApprovers(request)}.`,
        );
      }
      if (!isApprover) {
        return refuse(
          "not_allowed",
          `You are not one of the approvers of this request. It can be decided by ${describeApprovers(request)}.`,
        );
      }
      return {
        ok: true,
        request: next(request, {
          state: input.action === "approve" ? "approved" : "denied",
          decidedBy: input.user,
          decidedAt: input.now,
          ...(input.action === "deny" && input.reason?.trim() ? { denialReason: input.reason.trim() } : {}),
        }),
      };
    case "cancel":
      if (!isRequester && !isApprover) {
        return refuse(
          "not_allowed",
          `Only ${mention(request.requester)} or an approver (${describeApprovers(request)}) can cancel this request.`,
        );
      }
      return { ok: true, request: next(request, { state: "cancelled", decidedBy: input.user, decidedAt: input.now }) };
  }
}

/**
 * A duplicate request (the same signal to the same process) merged into this pending one: `user` is added as a
 * supporter, with their reason. Refused when the request is no longer pending, or when `user` already asked.
 */
export function support(request: SignalRequest, input: { user: string; reason: string; now: number }): Transition {
  const open = stillOpen(request, input.now);
  if (open) return open;
  if (input.user === request.requester || isSupporterOf(request, input.user)) {
    return refuse(
      "already_supported",
      `You already asked for SIG${request.signal} to PID ${request.process.pid}: that request is still waiting for approval.`,
    );
  }
  const supporters = [...(request.supporters ?? []), { user: input.user, reason: input.reason, at: input.now }];
  return { ok: true, request: next(request, { supporters }) };
}

/**
 * Marks a pending request `gone` ("target gone"): its process is no longer running (a later listing lacks its
 * fingerprint, or its debug copy was deleted), so it can never be sent. `outcome` says what pns saw instead (shown on
 * the message).
 */
export function markGone(request: SignalRequest, now: number, outcome: string): Transition {
  if (request.state !== "pending") return refuseDecided(request);
  return { ok: true, request: next(request, { state: "gone", decidedBy: PNS_ACTOR, decidedAt: now, outcome }) };
}

/** True when `user` is among the request's supporters. */
export function isSupporterOf(request: SignalRequest, user: string): boolean {
  return (request.supporters ?? []).some((s) => s.user === user);
}

/** Moves an approved request to `executing`, just before the signal is sent; refused from any other state. */
export function startExecution(request: SignalRequest, now: number, withinMs = EXECUTE_WITHIN_MS): Transition {
  if (request.state !== "approved") {
    if (request.state === "pending") {
      return refuse("invalid_state", "This request has not been approved yet, so the signal was not sent.");
    }
    return refuseDecided(request);
  }
  const approvedAt = request.decidedAt ?? request.createdAt;
  if (now - approvedAt > withinMs) {
    // A signal approved for the process as it was then is not sent long after: the situation may have changed.
    const outcome =
      `Not sent: approved ${slackTime(approvedAt)}, but pns could not start sending it within ` +
      `${Math.round(withinMs / 60_000)} minutes, so it was dropped. Check the process with /pns ps and ask again if it is still needed.`;
    return refuse("expired", outcome, next(request, { state: "failed", outcome }));
  }
  return { ok: true, request: next(request, { state: "executing" }) };
}

/** Records the result of sending the signal: `done` when `ok`, else `failed`; `outcome` says what happened. */
export function finish(request: SignalRequest, ok: boolean, outcome: string): Transition {
  if (request.state !== "executing") {
    return refuse(
      "invalid_state",
      `This request is ${request.state}, not executing, so its result can't be recorded. Nothing else was sent.`,
    );
  }
  return { ok: true, request: next(request, { state: ok ? "done" : "failed", outcome }) };
}

/** Marks a pending request past its expiry as `expired` (the janitor's transition, decided by `pns`). */
export function expire(request: SignalRequest, now: number): Transition {
  if (request.state !== "pending") return refuseDecided(request);
  if (now < request.expiresAt) {
    return refuse("invalid_state", `This request is still open until ${slackTime(request.expiresAt)}.`);
  }
  return { ok: true, request: next(request, { state: "expired", decidedBy: PNS_ACTOR, decidedAt: request.expiresAt }) };
}

/** Records the ts of the approval message once it is posted; the state stays as it is. */
export function attachMessage(request: SignalRequest, messageTs: string): SignalRequest {
  return next(request, { messageTs });
}

/** True when `user` (with `userGroups`) may approve or deny: a listed approver, or anyone when the lists are empty. */
export function mayApprove(request: SignalRequest, user: string, userGroups: readonly string[]): boolean {
  if (user === request.requester) return request.approval === "self";
  const { users, groups } = request.approvers;
  if (users.length === 0 && groups.length === 0) return true;
  return users.includes(user) || userGroups.some((g) => groups.includes(g));
}

/** True when nothing else can happen to the request. */
export function isFinal(state: RequestState): boolean {
  return FINAL_STATES.includes(state);
}

/** Null while the request is pending and not past its expiry; otherwise the refusal (an expiry is persisted). */
function stillOpen(request: SignalRequest, now: number): Refusal | null {
  if (request.state !== "pending") return refuseDecided(request);
  if (now < request.expiresAt) return null;
  const expired = next(request, { state: "expired", decidedBy: PNS_ACTOR, decidedAt: request.expiresAt });
  return refuse(
    "expired",
    `This request expired at ${slackTime(request.expiresAt)} before anyone approved it, so nothing was sent. ` +
      `${mention(request.requester)} can send a new request.`,
    expired,
  );
}

function next(request: SignalRequest, changes: Partial<SignalRequest>): SignalRequest {
  return { ...request, ...changes, version: request.version + 1 };
}

function refuse(code: RefusalCode, message: string, persist: SignalRequest | null = null): Refusal {
  return { ok: false, code, message, persist };
}

/** The refusal for a click on a request that is no longer pending: who decided, when, and what became of it. */
function refuseDecided(request: SignalRequest): Refusal {
  const by = request.decidedBy === null ? "someone" : actor(request.decidedBy, request.approval);
  const at = request.decidedAt === null ? "" : ` at ${slackTime(request.decidedAt)}`;
  const messages: Record<RequestState, string> = {
    pending: "This request is still waiting for approval.",
    approved: `This request was already approved by ${by}${at}; the signal is about to be sent.`,
    executing: `This request was already approved by ${by}${at}; the signal is being sent now.`,
    done: `This request was already approved by ${by}${at} and the signal was sent. Nothing else was sent.`,
    failed: `This request was already approved by ${by}${at}, but sending the signal failed. Send a new request to try again.`,
    denied: `This request was already denied by ${by}${at}. Nothing was sent.`,
    cancelled: `This request was already cancelled by ${by}${at}. Nothing was sent.`,
    expired: `This request expired${at} before anyone approved it, so nothing was sent. Send a new request if it is still needed.`,
    gone: `This request can no longer be sent: its process is gone.${request.outcome ? ` ${request.outcome}` : ""} Nothing was sent.`,
  };
  return refuse(request.state === "expired" ? "expired" : "already_decided", messages[request.state]);
}

function actor(user: string, approval: ApprovalMode): string {
  if (user === PNS_ACTOR) return "pns";
  return approval === "none" ? `${mention(user)} (no approval needed)` : mention(user);
}

function mention(user: string): string {
  return `<@${user}>`;
}

/** A Slack date token: shown in the reader's time zone, with a UTC fallback. */
function slackTime(ms: number): string {
  const fallback = `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${fallback}>`;
}
