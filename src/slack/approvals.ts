import { attachMessage, createSignalRequest } from "../core/approval/state-machine.js";
import type { AuditEntry, SignalRequest } from "../core/approval/types.js";
import type { PnsConfig } from "../core/config/types.js";
import { PnsError } from "../core/errors.js";
import type { ListingSnapshot } from "../core/jobs.js";
import { bindingFor, may, signalPolicyFor } from "../core/policy.js";
import type { SignalName } from "../core/signals.js";
import { renderApprovalRequestView } from "../core/views/approval-request-view.js";
import type { MessageView } from "../core/views/block-kit.js";
import type { SlackClient, SlackDeps } from "./deps.js";

/** Who may approve, as mrkdwn for the approval message: mentions, or "anyone but the requester". */
export function approverMentions(request: Pick<SignalRequest, "approval" | "approvers">): string {
  if (request.approval === "none") return "no approval needed";
  const mentions = [
    ...request.approvers.groups.map((g) => `<!subteam^${g}>`),
    ...request.approvers.users.map((u) => `<@${u}>`),
  ];
  const anyone =
    request.approval === "self" ? "anyone allowed to approve" : "anyone allowed to approve but the requester";
  return mentions.length > 0 ? mentions.join(" or ") : anyone;
}

/** The approval message of a request as it is now. */
export function approvalView(request: SignalRequest, now: number): MessageView {
  return renderApprovalRequestView(request, { approverMentions: approverMentions(request), now });
}

/** Shows the request's current state on its approval message (buttons gone once decided). */
export async function refreshApprovalMessage(client: SlackClient, deps: SlackDeps, request: SignalRequest) {
  if (!request.messageTs) return;
  const channel = approvalsChannel(deps, request.channel);
  const view = approvalView(request, deps.now());
  await client.chat.update({ channel, ts: request.messageTs, text: view.text, blocks: view.blocks as never });
}

/** Where approval requests from `channel` are posted. */
export function approvalsChannel(deps: SlackDeps, channel: string): string {
  const binding = bindingFor(deps.config, channel);
  return binding.ok ? (binding.value.approvalsChannel ?? channel) : channel;
}

/** Appends one audit entry; never fails the caller (the failure is logged). */
export async function audit(deps: SlackDeps, entry: Omit<AuditEntry, "id" | "at">): Promise<void> {
  try {
    await deps.stores.audit.append({ id: deps.newId(), at: deps.now(), ...entry });
  } catch (error) {
    deps.logger.error("could not write the audit trail", { error, action: entry.action });
  }
}

/** What a signal request is made from: a process of a stored listing, a signal and a reason. */
export interface OpenRequestInput {
  snapshot: ListingSnapshot;
  pid: number;
  signal: SignalName;
  reason: string;
  requester: string;
  requesterGroups: readonly string[];
  /** Channel the request came from. */
  channel: string;
}

/**
 * Checks the policy, creates a signal request from a listed process, posts its approval message (Approve, Deny,
 * Cancel) and records the message on it. With approval `none` the request starts approved and is handed to the
 * worker at once. Throws PnsError with a message for the requester when anything is not allowed.
 */
export async function openSignalRequest(
  deps: SlackDeps,
  client: SlackClient,
  input: OpenRequestInput,
): Promise<SignalRequest> {
  const { snapshot, pid, signal } = input;
  const actor = { user: input.requester, groups: input.requesterGroups };
  const allowed = may(deps.config, actor, "signal");
  if (!allowed.ok) throw new PnsError("not_allowed", allowed.message);
  if (snapshot.channel !== input.channel) {
    throw new PnsError("not_allowed", "This process table belongs to another channel: run `/pns ps` here first.");
  }
  const policy = signalPolicyFor(deps.config, snapshot.pod.namespace, signal);
  if (!policy.ok) throw new PnsError("not_allowed", policy.message);
  const process = snapshot.processes.find((p) => p.pid === pid);
  if (!process) {
    throw new PnsError("process_gone", `PID ${pid} was not in the process table of ${snapshot.pod.pod}.`, {
      hint: `Run \`/pns ps ${snapshot.pod.pod} -n ${snapshot.pod.namespace}\` and pick a process from the table.`,
    });
  }
  if (!process.fingerprint || process.role !== "app") {
    const what =
      process.role === "pause"
        ? "the pod's pause process"
        : process.role === "debug"
          ? "pns's own process"
          : "a process pns cannot identify for certain";
    throw new PnsError("not_allowed", `PID ${pid} is ${what}; pns does not signal it.`);
  }
  const request = createSignalRequest(
    {
      requester: input.requester,
      channel: input.channel,
      target: { ...snapshot.pod, debugPod: snapshot.attachment.pod, debugContainer: snapshot.attachment.container },
      process: { pid, command: process.command, container: process.container, user: process.user },
      fingerprint: process.fingerprint,
      signal,
      reason: input.reason,
      approval: policy.value.approval,
      approvers: approversOf(deps.config, policy.value.approvers),
    },
    { id: deps.newId(), now: deps.now(), ttlMs: policy.value.ttlMs },
  );
  const created = await deps.stores.requests.create(request);
  if (!created.ok) throw new PnsError("internal", "pns could not record the request.");

  const view = approvalView(request, deps.now());
  const posted = await client.chat.postMessage({
    channel: approvalsChannel(deps, input.channel),
    text: view.text,
    blocks: view.blocks as never,
  });
  let current = request;
  if (posted.ts) {
    const withTs = attachMessage(request, posted.ts);
    const written = await deps.stores.requests.transition(request.id, request, withTs);
    current = written.ok ? written.request : (written.current ?? request);
  }
  const where = { channel: input.channel, ...podFields(snapshot) };
  await audit(deps, {
    actor: input.requester,
    action: "request",
    ...where,
    detail: `SIG${signal} to PID ${pid} (${process.command}): ${input.reason}`,
    outcome: request.state === "approved" ? "ok" : "pending",
  });
  if (current.state === "approved") {
    await deps.dispatch({ kind: "execute", id: deps.newId(), requestId: current.id });
  }
  return current;
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
