import { type DecisionAction, decide as decideRequest, type Transition } from "../core/approval/state-machine.js";
import type { SignalRequest } from "../core/approval/types.js";
import { PnsError } from "../core/errors.js";
import { may, type SlackIdentity } from "../core/policy.js";
import { DENIAL_REASON_MAX_LENGTH, renderDecisionModal, renderDenialNote } from "../core/views/decision-modal.js";
import { renderErrorView } from "../core/views/error-view.js";
import { BlockId, CallbackId } from "../core/views/ids.js";
import { applyTransition } from "./apply-transition.js";
import { approvalsChannel, refreshApprovalMessageOrWarn, tellExpired } from "./approval-message.js";
import { audit, auditRequest } from "./audit.js";
import { type AppDeps, assertConfigured } from "./deps.js";
import { errorMessage } from "./errors.js";
import { markRequestGone, newerListing, sameCommandNow, stillListed } from "./freshness.js";
import { type DecisionMetadata, decodeReasonMetadata, encodeReasonMetadata } from "./reason-metadata.js";
import { assertServed, type ClickOrigin, replyToClick, type SubmissionReply } from "./request-signal.js";

/** A click on Approve, Deny or Cancel, decoded by the Slack adapter. */
export interface DecisionClick extends ClickOrigin {
  /** Null when the button is not one of pns's decision buttons. */
  action: DecisionAction | null;
  /** The request the button names; null when its value is not a pns request id. */
  requestId: string | null;
  /** The button's action id, for logs. */
  actionId: string | undefined;
  /** The ts of the message the button is on (`container.message_ts`). */
  messageTs: string | null;
  /** The request its block names (`block_id`), which must be the button's own. */
  blockRequestId: string | null;
  /** The click's trigger_id, for the confirmation modal; null when Slack sent none. */
  triggerId: string | null;
}

/** A click decides a request only from that request's own approval message, in its own channel. */
function onItsOwnMessage(deps: AppDeps, click: DecisionClick, request: SignalRequest): boolean {
  return (
    click.blockRequestId === request.id &&
    request.messageTs !== null &&
    click.messageTs === request.messageTs &&
    click.channel === approvalsChannel(deps, request.channel)
  );
}

const NOT_ITS_MESSAGE =
  "This button is not on this request's approval message, so it cannot decide it. Use the buttons on the request itself.";

/**
 * Approve, Deny or Cancel on an approval message. The state machine decides, a conditional write makes it stick
 * (of any number of concurrent clicks exactly one wins), the message shows the decision with its buttons gone, and
 * an approval hands the signal to the worker. Everyone else is told why, ephemerally. Never throws.
 */
export async function decide(deps: AppDeps, click: DecisionClick): Promise<void> {
  const { action, requestId, user } = click;
  try {
    assertConfigured(deps);
    assertServed(deps, click);
    if (!action || !requestId) throw new PnsError("invalid_command", "This button is not from a pns approval request.");
    const groups = await deps.userGroups.groupsOf(user);
    // people.approve is checked on every click too: the configuration may have changed since the request was made.
    if (action !== "cancel") {
      const allowed = may(deps.config, { user, groups }, "approve");
      if (!allowed.ok) throw new PnsError("not_allowed", allowed.message);
    }
    const now = deps.now();
    if (action === "cancel") {
      await record(deps, click, requestId, (r) => decideRequest(r, { action, user, userGroups: groups, now }));
      return;
    }
    // Approve and Deny: every check first, so a refusal comes at once; then one confirmation, in pns's own modal.
    const request = await deps.stores.requests.get(requestId);
    if (!request) throw new PnsError("expired", "This request no longer exists in pns, so nothing was sent.");
    const checked = onItsOwnMessage(deps, click, request)
      ? decideRequest(request, { action, user, userGroups: groups, now })
      : ({ ok: false, code: "not_allowed", message: NOT_ITS_MESSAGE, persist: null } as const);
    if (!checked.ok) {
      if (checked.persist) await record(deps, click, requestId, () => checked);
      else await replyToClick(deps, click, renderErrorView({ mrkdwn: checked.message }));
      return;
    }
    if (action === "approve" && (await goneSince(deps, request))) {
      await replyToClick(
        deps,
        click,
        renderErrorView({
          mrkdwn:
            "This request's process has exited since it was made: nothing can be sent. Its thread says where the same command runs now.",
        }),
      );
      return;
    }
    if (!click.triggerId || !request.messageTs)
      throw new PnsError(
        "invalid_command",
        "Slack sent this click without what pns needs to ask you to confirm: press the button again.",
      );
    const meta: DecisionMetadata = {
      kind: "decision",
      user,
      action,
      requestId,
      channel: click.channel ?? "",
      messageTs: request.messageTs,
    };
    await deps.chat.openModal(
      click.triggerId,
      renderDecisionModal(request, action, encodeReasonMetadata(meta, deps.metadataKey)),
    );
  } catch (err) {
    await replyToClick(deps, click, errorMessage(err, deps.logger, deps.newId, { action: click.actionId }));
  }
}

/** A submitted Approve or Deny modal, decoded by the Slack adapter. */
export interface DecisionSubmission extends SlackIdentity {
  /** Deny's optional reason as typed; empty for Approve. */
  reason: string;
  privateMetadata: string | undefined;
}

/**
 * The Approve or Deny modal was submitted: decides the request (a conditional write; the checks run again, the
 * request may have changed while the modal was open). A refusal is told privately in the request's channel.
 */
export async function submitDecision(deps: AppDeps, submission: DecisionSubmission): Promise<SubmissionReply> {
  const meta = decodeReasonMetadata(submission.privateMetadata, deps.metadataKey);
  if (meta?.kind !== "decision" || meta.user !== submission.user) {
    deps.logger.warn("decision modal without pns metadata", { user: submission.user });
    return undefined;
  }
  const reason = submission.reason.trim();
  if (reason.length > DENIAL_REASON_MAX_LENGTH) {
    return {
      response_action: "errors",
      errors: { [BlockId.denyReason]: `Keep the reason under ${DENIAL_REASON_MAX_LENGTH} characters.` },
    };
  }
  const click: DecisionClick = {
    ...submission,
    action: meta.action,
    requestId: meta.requestId,
    actionId: CallbackId.decisionModal,
    messageTs: meta.messageTs,
    blockRequestId: meta.requestId,
    channel: meta.channel,
    responseUrl: null,
    triggerId: null,
  };
  try {
    assertConfigured(deps);
    assertServed(deps, submission);
    const groups = await deps.userGroups.groupsOf(submission.user);
    const allowed = may(deps.config, { user: submission.user, groups }, "approve");
    if (!allowed.ok) throw new PnsError("not_allowed", allowed.message);
    const now = deps.now();
    const denial = meta.action === "deny" && reason.length > 0 ? { reason: deps.redactor.text(reason) } : {};
    await record(deps, click, meta.requestId, (r) =>
      decideRequest(r, { action: meta.action, user: submission.user, userGroups: groups, now, ...denial }),
    );
  } catch (err) {
    await replyToClick(deps, click, errorMessage(err, deps.logger, deps.newId, { callback: "decision" }));
  }
  return undefined;
}

/** True when pns's latest listing of the request's pod, taken after the request, lacks its process: marked gone. */
async function goneSince(deps: AppDeps, request: SignalRequest): Promise<boolean> {
  const t = request.target;
  const pod = { cluster: t.cluster, namespace: t.namespace, pod: t.pod };
  // The pod's whole PID namespace (shared, copy), else the one of the process's container (targeted ephemeral).
  for (const targetContainer of [null, request.process.container]) {
    const latest = await newerListing(
      deps,
      { channel: request.channel, pod, attachment: { pod: t.debugPod, targetContainer } },
      request.createdAt,
    );
    if (!latest) continue;
    if (stillListed(latest, request.fingerprint)) return false;
    const current = sameCommandNow(latest, { container: request.process.container, fingerprint: request.fingerprint });
    return (await markRequestGone(deps, request, latest, current)) !== null;
  }
  return false;
}

/** Applies one state-machine step to the request and records the outcome; a refusal is told to the clicking user. */
async function record(
  deps: AppDeps,
  click: DecisionClick,
  requestId: string,
  step: (r: SignalRequest) => Transition,
): Promise<void> {
  const result = await applyTransition(deps.stores.requests, requestId, (r) =>
    onItsOwnMessage(deps, click, r)
      ? step(r)
      : { ok: false, code: "not_allowed", message: NOT_ITS_MESSAGE, persist: null },
  );
  if (!result.ok) {
    if (result.persist && result.current) await afterDecision(deps, result.current, "pns");
    if (result.persisted && result.current?.state === "expired") await tellExpired(deps, result.current);
    // The state machine's refusals are pns's own mrkdwn: mentions of the approvers and dates stay tokens.
    await replyToClick(deps, click, renderErrorView({ mrkdwn: result.message }));
    return;
  }
  await afterDecision(deps, result.request, click.user);
}

/** Records a decision: audit, the message updated, and for an approval the job that sends the signal. */
async function afterDecision(deps: AppDeps, request: SignalRequest, actor: string) {
  await audit(deps, {
    actor,
    action: request.state === "expired" ? "expire" : "decision",
    channel: request.channel,
    cluster: request.target.cluster,
    namespace: request.target.namespace,
    pod: request.target.pod,
    detail: `${request.state} SIG${request.signal} to PID ${request.process.pid} (request ${request.id})`,
    outcome: request.state === "approved" ? "ok" : "refused",
  });
  // The request's own entry says where it stands now (denied, cancelled, expired; approved stays pending until sent).
  await auditRequest(deps, request);
  // The message first: the worker's own update (sent, failed) must come after this one, never before it.
  await refreshApprovalMessageOrWarn(deps, request);
  if (request.state === "approved") {
    await deps.dispatch({ kind: "execute", id: deps.newId(), requestId: request.id });
  }
  if (request.state === "denied" && request.messageTs) {
    // The requester is told in the thread (mentioned), with the denier's reason when one was given.
    await deps.chat
      .post(approvalsChannel(deps, request.channel), renderDenialNote(request), request.messageTs)
      .catch((error: unknown) => deps.logger.warn("could not tell the requester about the denial", { error }));
  }
}
