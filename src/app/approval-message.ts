import type { SignalRequest } from "../core/approval/types.js";
import type { PnsConfig } from "../core/config/types.js";
import type { ListingSnapshot } from "../core/jobs.js";
import { bindingFor } from "../core/policy.js";
import { renderApprovalRequestView } from "../core/views/approval-request-view.js";
import type { MessageView } from "../core/views/block-kit.js";
import { renderExpiryNote } from "../core/views/signal-result-view.js";
import type { AppDeps } from "./deps.js";

/** The approval message of a request as it is now. */
export function approvalView(request: SignalRequest, now: number): MessageView {
  return renderApprovalRequestView(request, { now });
}

/** Shows the request's current state on its approval message (buttons gone once decided). */
export async function refreshApprovalMessage(deps: AppDeps, request: SignalRequest): Promise<void> {
  if (!request.messageTs) return;
  await deps.chat.update(approvalsChannel(deps, request.channel), request.messageTs, approvalView(request, deps.now()));
}

/**
 * {@link refreshApprovalMessage}, logging a failure instead of throwing it: the request's state is stored already,
 * the message only shows it, and the next change of state updates it again.
 */
export async function refreshApprovalMessageOrWarn(deps: AppDeps, request: SignalRequest): Promise<void> {
  await refreshApprovalMessage(deps, request).catch((error: unknown) =>
    deps.logger.warn("could not update the approval message", { error, request: request.id }),
  );
}

/** Where approval requests from `channel` are posted. */
export function approvalsChannel(deps: Pick<AppDeps, "config">, channel: string): string {
  const binding = bindingFor(deps.config, channel);
  return binding.ok ? (binding.value.approvalsChannel ?? channel) : channel;
}

/**
 * Who may approve a request: the signal policy's approvers when it names any, else everyone in `people.approve`
 * (empty lists when that is everyone: then anyone but the requester may approve).
 */
export function approversOf(config: PnsConfig, policyApprovers: { users: string[]; groups: string[] }) {
  if (policyApprovers.users.length > 0 || policyApprovers.groups.length > 0) return policyApprovers;
  const people = config.people.approve;
  return people.everyone ? { users: [], groups: [] } : { users: [...people.users], groups: [...people.groups] };
}

/** The cluster, namespace and pod of a listing, for audit entries. */
export function podFields(snapshot: Pick<ListingSnapshot, "pod">) {
  return { cluster: snapshot.pod.cluster, namespace: snapshot.pod.namespace, pod: snapshot.pod.pod };
}

/** Tells the requester in the request's thread (mentioned) that it expired; only the writer of `expired` calls it. */
export async function tellExpired(
  deps: Pick<AppDeps, "chat" | "config" | "logger">,
  request: SignalRequest,
): Promise<void> {
  if (!request.messageTs) return;
  await deps.chat
    .post(approvalsChannel(deps, request.channel), renderExpiryNote(request), request.messageTs)
    .catch((error: unknown) => deps.logger.warn("could not tell the requester about the expiry", { error }));
}
