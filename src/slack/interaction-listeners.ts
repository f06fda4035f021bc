import { type DecisionAction, decide } from "../core/approval/state-machine.js";
import type { SignalRequest } from "../core/approval/types.js";
import { PnsError } from "../core/errors.js";
import { may } from "../core/policy.js";
import type { MessageView } from "../core/views/block-kit.js";
import { renderErrorView } from "../core/views/error-view.js";
import {
  ActionId,
  BlockId,
  decodeListingBlockId,
  decodePidValue,
  decodeRequestValue,
  decodeSignalValue,
} from "../core/views/ids.js";
import { renderReasonModal } from "../core/views/reason-modal.js";
import { applyTransition } from "../store/apply-transition.js";
import { audit, openSignalRequest, refreshApprovalMessage } from "./approvals.js";
import { assertConfigured, type SlackClient, type SlackDeps } from "./deps.js";
import { errorMessage } from "./errors.js";
import { decodeReasonMetadata, encodeReasonMetadata } from "./reason-metadata.js";

/** Sends a message only the clicking user sees. */
export type Reply = (view: MessageView) => Promise<void>;

/** The parts of a `block_actions` payload pns reads. */
export interface BlockActionBody {
  user: { id: string };
  channel?: { id: string };
  trigger_id: string;
  actions: { action_id: string; block_id: string; value?: string }[];
  state?: { values: Record<string, Record<string, { selected_option?: { value: string } | null }>> };
}

/**
 * "Request signal…" on a process table (after Slack's confirm dialog): checks the picked process against the stored
 * listing and the policy, then opens the modal that asks for the reason. Never throws.
 */
export async function onRequestSignal(deps: SlackDeps, client: SlackClient, body: BlockActionBody, reply: Reply) {
  try {
    assertConfigured(deps);
    const action = body.actions[0];
    const listingId = action ? decodeListingBlockId(action.block_id) : null;
    const picked = listingId ? body.state?.values[action?.block_id ?? ""] : undefined;
    const pid = decodePidValue(picked?.[ActionId.psProcess]?.selected_option?.value);
    const signal = decodeSignalValue(picked?.[ActionId.psSignal]?.selected_option?.value);
    if (!listingId) throw new PnsError("invalid_command", "This button is not from a pns process table.");
    if (pid === null || signal === null) {
      throw new PnsError("invalid_command", "Pick a process and a signal first, then press *Request signal…* again.");
    }
    const snapshot = await deps.stores.listings.get(listingId);
    if (!snapshot) {
      throw new PnsError("expired", "This process table is too old to act on: processes may have changed since.", {
        hint: "Run `/pns ps` again and pick the process from the new table.",
      });
    }
    const process = snapshot.processes.find((p) => p.pid === pid);
    if (!process?.fingerprint) throw new PnsError("not_allowed", `PID ${pid} cannot be signalled from this table.`);
    const channel = body.channel?.id ?? snapshot.channel;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: renderReasonModal({
        listingId,
        requestDraft: { pid, command: process.command, container: process.container, signal, pod: snapshot.pod },
        privateMetadata: encodeReasonMetadata({ kind: "listing", listingId, pid, signal, channel }),
      }) as never,
    });
  } catch (err) {
    await reply(errorMessage(err, deps.logger, deps.newId, { action: ActionId.psRequest }));
  }
}

/** The parts of a `view_submission` payload pns reads. */
export interface ViewSubmissionBody {
  user: { id: string };
  view: {
    private_metadata?: string;
    state: { values: Record<string, Record<string, { value?: string | null }>> };
  };
}

/** How the modal submission is acknowledged: close it, or show an error on the reason field. */
export type SubmissionReply = { response_action: "errors"; errors: Record<string, string> } | undefined;

/**
 * The reason modal was submitted: makes the signal request from the stored listing (posting its approval message),
 * or hands a typed `/pns signal` to the worker, which lists the pod first. Errors go to the user ephemerally.
 */
export async function onReasonSubmitted(
  deps: SlackDeps,
  client: SlackClient,
  body: ViewSubmissionBody,
): Promise<SubmissionReply> {
  const reason = (body.view.state.values[BlockId.reason]?.[ActionId.reasonInput]?.value ?? "").trim();
  if (reason.length === 0)
    return { response_action: "errors", errors: { [BlockId.reason]: "Say why the signal is needed." } };
  if (reason.length > 500)
    return { response_action: "errors", errors: { [BlockId.reason]: "Keep the reason under 500 characters." } };
  const meta = decodeReasonMetadata(body.view.private_metadata);
  const user = body.user.id;
  if (!meta) {
    deps.logger.warn("reason modal without pns metadata", { user });
    return {
      response_action: "errors",
      errors: { [BlockId.reason]: "This form is not from pns: close it and start again." },
    };
  }
  const channel = meta.kind === "listing" ? meta.channel : meta.origin.channel;
  try {
    if (meta.kind === "command") {
      await deps.dispatch({ kind: "signal", id: deps.newId(), origin: meta.origin, command: meta.command, reason });
      return undefined;
    }
    const snapshot = await deps.stores.listings.get(meta.listingId);
    if (!snapshot) {
      throw new PnsError("expired", "The process table this request came from is too old to act on.", {
        hint: "Run `/pns ps` again and pick the process from the new table.",
      });
    }
    const groups = await deps.userGroups.groupsOf(user);
    await openSignalRequest(deps, client, {
      snapshot,
      pid: meta.pid,
      signal: meta.signal,
      reason,
      requester: user,
      requesterGroups: groups,
      channel,
    });
  } catch (err) {
    const view = errorMessage(err, deps.logger, deps.newId, { callback: "reason" });
    await client.chat
      .postEphemeral({ channel, user, text: view.text, blocks: view.blocks as never })
      .catch((error: unknown) => deps.logger.warn("could not tell the user about a refused request", { error }));
  }
  return undefined;
}

const DECISIONS: Record<string, DecisionAction> = {
  [ActionId.signalApprove]: "approve",
  [ActionId.signalDeny]: "deny",
  [ActionId.signalCancel]: "cancel",
};

/**
 * Approve, Deny or Cancel on an approval message. The state machine decides, a conditional write makes it stick
 * (of any number of concurrent clicks exactly one wins), the message shows the decision with its buttons gone, and
 * an approval hands the signal to the worker. Everyone else is told why, ephemerally. Never throws.
 */
export async function onDecision(deps: SlackDeps, client: SlackClient, body: BlockActionBody, reply: Reply) {
  const action = body.actions[0];
  const kind = action ? DECISIONS[action.action_id] : undefined;
  const requestId = decodeRequestValue(action?.value);
  const user = body.user.id;
  try {
    assertConfigured(deps);
    if (!kind || !requestId) throw new PnsError("invalid_command", "This button is not from a pns approval request.");
    const groups = await deps.userGroups.groupsOf(user);
    // people.approve is checked on every click too: the configuration may have changed since the request was made.
    if (kind !== "cancel") {
      const allowed = may(deps.config, { user, groups }, "approve");
      if (!allowed.ok) throw new PnsError("not_allowed", allowed.message);
    }
    const now = deps.now();
    const result = await applyTransition(deps.stores.requests, requestId, (r) =>
      decide(r, { action: kind, user, userGroups: groups, now }),
    );
    if (!result.ok) {
      if (result.persist && result.current) await afterDecision(deps, client, result.current, "pns");
      await reply(renderErrorView({ message: result.message }));
      return;
    }
    await afterDecision(deps, client, result.request, user);
  } catch (err) {
    await reply(errorMessage(err, deps.logger, deps.newId, { action: action?.action_id }));
  }
}

/** Records a decision: audit, the message updated, and for an approval the job that sends the signal. */
async function afterDecision(deps: SlackDeps, client: SlackClient, request: SignalRequest, actor: string) {
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
  // The message first: the worker's own update (sent, failed) must come after this one, never before it.
  await refreshApprovalMessage(client, deps, request).catch((error: unknown) =>
    deps.logger.warn("could not update the approval message", { error, request: request.id }),
  );
  if (request.state === "approved") {
    await deps.dispatch({ kind: "execute", id: deps.newId(), requestId: request.id });
  }
}
