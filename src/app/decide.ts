import { type DecisionAction, decide as decideRequest } from "../core/approval/state-machine.js";
import type { SignalRequest } from "../core/approval/types.js";
import { PnsError } from "../core/errors.js";
import { may } from "../core/policy.js";
import { renderErrorView } from "../core/views/error-view.js";
import { applyTransition } from "./apply-transition.js";
import { approvalsChannel, refreshApprovalMessage } from "./approval-message.js";
import { audit, auditRequest } from "./audit.js";
import { type AppDeps, assertConfigured } from "./deps.js";
import { errorMessage } from "./errors.js";
import { assertServed, type ClickOrigin, replyToClick } from "./request-signal.js";

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
    const result = await applyTransition(deps.stores.requests, requestId, (r) =>
      onItsOwnMessage(deps, click, r)
        ? decideRequest(r, { action, user, userGroups: groups, now })
        : { ok: false, code: "not_allowed", message: NOT_ITS_MESSAGE, persist: null },
    );
    if (!result.ok) {
      if (result.persist && result.current) await afterDecision(deps, result.current, "pns");
      // The state machine's refusals are pns's own mrkdwn: mentions of the approvers and dates stay tokens.
      await replyToClick(deps, click, renderErrorView({ mrkdwn: result.message }));
      return;
    }
    await afterDecision(deps, result.request, user);
  } catch (err) {
    await replyToClick(deps, click, errorMessage(err, deps.logger, deps.newId, { action: click.actionId }));
  }
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
  await refreshApprovalMessage(deps, request).catch((error: unknown) =>
    deps.logger.warn("could not update the approval message", { error, request: request.id }),
  );
  if (request.state === "approved") {
    await deps.dispatch({ kind: "execute", id: deps.newId(), requestId: request.id });
  }
}
