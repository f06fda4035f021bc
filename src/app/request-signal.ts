import { autoContFor } from "../core/approval/auto-cont.js";
import { attachMessage, createSignalRequest, support } from "../core/approval/state-machine.js";
import type { SignalRequest } from "../core/approval/types.js";
import { psOfPod } from "../core/command/hints.js";
import { PnsError } from "../core/errors.js";
import type { Job, ListingSnapshot, SnapshotProcess } from "../core/jobs.js";
import { checkIdentity, may, type SlackIdentity, signalPolicyFor } from "../core/policy.js";
import { undeliverable } from "../core/process/signal-delivery.js";
import type { Fingerprint } from "../core/process/types.js";
import type { SignalName } from "../core/signals.js";
import type { MessageView } from "../core/views/block-kit.js";
import { renderErrorView } from "../core/views/error-view.js";
import { ActionId, BlockId } from "../core/views/ids.js";
import { REASON_MAX_LENGTH, REASON_MIN_LENGTH, renderReasonModal } from "../core/views/reason-modal.js";
import { renderGiveReasonView, renderStalePickView } from "../core/views/stale-pick-view.js";
import { escapeTruncate, mrkdwn } from "../core/views/text.js";
import { applyTransition } from "./apply-transition.js";
import {
  approvalsChannel,
  approvalView,
  approversOf,
  podFields,
  refreshApprovalMessageOrWarn,
} from "./approval-message.js";
import { audit, auditRequest } from "./audit.js";
import { type AppDeps, assertConfigured, type WorkerDeps } from "./deps.js";
import { errorMessage } from "./errors.js";
import { newerListing, PENDING_HORIZON_MS, sameCommandNow, stillListed } from "./freshness.js";
import { listPod } from "./list-pod.js";
import { Progress } from "./progress.js";
import { decodeReasonMetadata, encodeReasonMetadata } from "./reason-metadata.js";

/*
 * Asking for a signal, in three steps: "Request signal…" on a process table opens the reason modal
 * (requestFromTable); submitting it makes the request (submitReason → openSignalRequest), or, for a typed
 * `/pns signal` without a fingerprint yet, hands the worker a job that lists the pod first (runSignal).
 */

/** A click on "Request signal…", decoded by the Slack adapter. */
export interface TablePick extends ClickOrigin {
  triggerId: string;
  /** The listing id of the table (its actions block); null when the button is not from a pns table. */
  listingId: string | null;
  pid: number | null;
  signal: SignalName | null;
}

/**
 * "Request signal…" on a process table (after Slack's confirm dialog): checks the picked process against the stored
 * listing and the policy, then opens the modal that asks for the reason. Never throws.
 */
export async function requestFromTable(deps: AppDeps, pick: TablePick): Promise<void> {
  try {
    assertConfigured(deps);
    assertServed(deps, pick);
    const { listingId, pid, signal } = pick;
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
    const channel = pick.channel ?? snapshot.channel;
    // Every check a submission would make, before the reason is asked for: a wrong pick never costs a typed reason.
    const process = checkRequestable(deps, {
      snapshot,
      pid,
      signal,
      requester: pick.user,
      requesterGroups: await deps.userGroups.groupsOf(pick.user),
      channel,
    });
    const stale = await staleAnswer(deps, snapshot, process, signal);
    if (stale) {
      await replyToClick(deps, pick, stale);
      return;
    }
    await deps.chat.openModal(
      pick.triggerId,
      renderReasonModal({
        listingId,
        requestDraft: {
          pid,
          command: process.command,
          container: process.container,
          signal,
          pod: snapshot.pod,
          main: process.main,
          runtime: process.runtime ?? null,
          copyPod: copyPodOf(snapshot),
        },
        privateMetadata: encodeReasonMetadata(
          { kind: "listing", user: pick.user, listingId, pid, signal, channel },
          deps.metadataKey,
        ),
      }),
    );
  } catch (err) {
    await replyToClick(deps, pick, errorMessage(err, deps.logger, deps.newId, { action: ActionId.psRequest }));
  }
}

/**
 * The current state, when pns has listed the pod since `snapshot` and the picked process is not in that listing:
 * where the same command runs now, with buttons to request for it. Null when the pick is still current.
 */
async function staleAnswer(
  deps: AppDeps,
  snapshot: ListingSnapshot,
  process: SnapshotProcess & { fingerprint: Fingerprint },
  signal: SignalName,
): Promise<MessageView | null> {
  const latest = await newerListing(deps, snapshot, snapshot.createdAt);
  if (!latest || stillListed(latest, process.fingerprint)) return null;
  return renderStalePickView({
    was: { pid: process.pid, command: process.command, container: process.container },
    signal,
    takenAt: snapshot.createdAt,
    latestAt: latest.createdAt,
    listingId: latest.id,
    current: sameCommandNow(latest, process),
  });
}

/** Who clicked a button, where, and the click's `response_url`: where a private answer goes. */
export interface ClickOrigin extends SlackIdentity {
  /** The channel of the clicked message; null when Slack did not say. */
  channel: string | null;
  responseUrl: string | null;
}

/** Refuses a sender pns does not serve (a bot, another workspace, a Slack Connect channel). */
export function assertServed(deps: Pick<AppDeps, "config">, who: SlackIdentity): void {
  const served = checkIdentity(deps.config, who);
  if (!served.ok) throw new PnsError("not_allowed", served.message);
}

/** Answers the clicking user privately, beside the message they clicked; a failure is logged, not thrown. */
export async function replyToClick(deps: AppDeps, click: ClickOrigin, view: MessageView): Promise<void> {
  if (!click.channel && !click.responseUrl) {
    deps.logger.warn("could not answer the clicking user: the click carried no channel and no response_url");
    return;
  }
  const to = { user: click.user, channel: click.channel ?? "", responseUrl: click.responseUrl };
  await deps.chat
    .replyPrivately(to, view, { replaceOriginal: false })
    .catch((error: unknown) => deps.logger.warn("could not answer the clicking user", { error }));
}

/** A submitted reason modal, decoded by the Slack adapter. */
export interface ReasonSubmission extends SlackIdentity {
  /** The reason as typed (untrimmed). */
  reason: string;
  /** The modal's `private_metadata`. */
  privateMetadata: string | undefined;
  /** Slack's id of the modal: one modal makes at most one request, however often its submission arrives. */
  viewId: string | null;
  /** A STOP's "Send CONT automatically after" choice in milliseconds (0: never); null or absent when not given. */
  autoContMs?: number | null;
}

/** How long a submitted modal's id is remembered. @default 1 hour */
export const VIEW_CLAIM_MS = 60 * 60_000;

/** How the modal submission is acknowledged: close it, or show an error on the reason field. */
export type SubmissionReply = { response_action: "errors"; errors: Record<string, string> } | undefined;

/**
 * The reason modal was submitted: makes the signal request from the stored listing (posting its approval message),
 * or hands a typed `/pns signal` to the worker, which lists the pod first. Errors go to the user ephemerally.
 */
export async function submitReason(deps: AppDeps, submission: ReasonSubmission): Promise<SubmissionReply> {
  const reason = submission.reason.trim();
  // The modal's min_length and max_length are the client's; a forged or older client's submission is held to them here.
  if (reason.length < REASON_MIN_LENGTH)
    return {
      response_action: "errors",
      errors: { [BlockId.reason]: `Say why the signal is needed (at least ${REASON_MIN_LENGTH} characters).` },
    };
  if (reason.length > REASON_MAX_LENGTH)
    return {
      response_action: "errors",
      errors: { [BlockId.reason]: `Keep the reason under ${REASON_MAX_LENGTH} characters.` },
    };
  const meta = decodeReasonMetadata(submission.privateMetadata, deps.metadataKey);
  const user = submission.user;
  if (!meta || meta.kind === "decision" || meta.user !== user) {
    deps.logger.warn("reason modal without pns metadata", { user });
    return {
      response_action: "errors",
      errors: { [BlockId.reason]: "This form is not from pns: close it and start again." },
    };
  }
  const channel = meta.kind === "listing" ? meta.channel : meta.origin.channel;
  try {
    assertServed(deps, submission);
    if (submission.viewId && !(await deps.stores.claims.claim(`view:${submission.viewId}`, VIEW_CLAIM_MS))) {
      deps.logger.warn("ignored a reason modal submitted twice", { user });
      return undefined;
    }
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
    await openSignalRequest(deps, {
      snapshot,
      pid: meta.pid,
      signal: meta.signal,
      reason,
      requester: user,
      requesterGroups: groups,
      channel,
      autoContMs: submission.autoContMs ?? null,
    });
  } catch (err) {
    const answer =
      err instanceof StalePick ? err.view : errorMessage(err, deps.logger, deps.newId, { callback: "reason" });
    const view = withReason(answer, reason);
    await deps.chat
      .replyPrivately({ user, channel, responseUrl: null }, view)
      .catch((error: unknown) => deps.logger.warn("could not tell the user about a refused request", { error }));
  }
  return undefined;
}

/** `/pns signal` typed in full: lists the pod (for the process's fingerprint), then opens the request. */
export async function runSignal(deps: WorkerDeps, job: Extract<Job, { kind: "signal" }>): Promise<void> {
  const { origin, command } = job;
  const progress = new Progress(deps, origin.responseUrl);
  const listed = await listPod(deps, origin, command, progress);
  const groups = await deps.userGroups.groupsOf(origin.user);
  if (job.reason === null) {
    // Every check first, on the fresh listing; the reason is asked for only for a process pns may signal.
    const process = checkRequestable(deps, {
      snapshot: listed.snapshot,
      pid: command.pid,
      signal: command.signal,
      requester: origin.user,
      requesterGroups: groups,
      channel: origin.channel,
    });
    const view = renderGiveReasonView({
      pid: process.pid,
      command: process.command,
      container: process.container,
      signal: command.signal,
      pod: listed.snapshot.pod,
      listingId: listed.snapshot.id,
      copyPod: copyPodOf(listed.snapshot),
    });
    if (origin.responseUrl) {
      await deps.chat.respond(origin.responseUrl, { response_type: "ephemeral", replace_original: true, ...view });
    } else {
      await deps.chat.replyPrivately({ user: origin.user, channel: origin.channel, responseUrl: null }, view);
    }
    return;
  }
  const request = await openSignalRequest(deps, {
    snapshot: listed.snapshot,
    pid: command.pid,
    signal: command.signal,
    reason: job.reason,
    requester: origin.user,
    requesterGroups: groups,
    channel: origin.channel,
  });
  if (origin.responseUrl) {
    await deps.chat
      .respond(origin.responseUrl, {
        response_type: "ephemeral",
        replace_original: true,
        text: `Request ${request.id} for SIG${command.signal} to PID ${command.pid} is posted and waits for approval.`,
      })
      .catch((error: unknown) => deps.logger.debug("could not update the progress message", { error }));
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
  /** STOP only: send CONT automatically this long after the STOP. @default none */
  autoContMs?: number | null;
}

/**
 * Checks the policy, creates a signal request from a listed process, posts its approval message (Approve, Deny,
 * Cancel) and records the message on it. With approval `none` the request starts approved and is handed to the
 * worker at once. Throws PnsError with a message for the requester when anything is not allowed.
 */
export async function openSignalRequest(deps: AppDeps, input: OpenRequestInput): Promise<SignalRequest> {
  const { snapshot, pid, signal } = input;
  const process = checkRequestable(deps, input);
  const policy = signalPolicyFor(deps.config, snapshot.pod.namespace, signal);
  if (!policy.ok) throw new PnsError("not_allowed", policy.message);
  const stale = await staleAnswer(deps, snapshot, process, signal);
  if (stale) throw new StalePick(stale);
  const merged = await supportExisting(deps, input, process.fingerprint);
  if (merged) return merged;
  const request = createSignalRequest(
    {
      requester: input.requester,
      channel: input.channel,
      target: {
        ...snapshot.pod,
        debugPod: snapshot.attachment.pod,
        debugContainer: snapshot.attachment.container,
        targetContainer: snapshot.attachment.targetContainer,
      },
      process: {
        pid,
        command: process.command,
        container: process.container,
        user: process.user,
        main: process.main,
        ...(process.runtime ? { runtime: process.runtime } : {}),
      },
      fingerprint: process.fingerprint,
      signal,
      // Shown on the approval message and stored: a pasted token in a reason must not travel further.
      reason: deps.redactor.text(input.reason),
      approval: policy.value.approval,
      approvers: approversOf(deps.config, policy.value.approvers),
      autoCont: autoContFor(signal, input.autoContMs),
    },
    { id: deps.newId(), now: deps.now(), ttlMs: policy.value.ttlMs },
  );
  const created = await deps.stores.requests.create(request);
  if (!created.ok) throw new PnsError("internal", "pns could not record the request.");

  const ts = await deps.chat.post(approvalsChannel(deps, input.channel), approvalView(request, deps.now()));
  let current = request;
  if (ts) {
    const withTs = attachMessage(request, ts);
    const written = await deps.stores.requests.transition(request.id, request, withTs);
    current = written.ok ? written.request : (written.current ?? request);
  }
  await auditRequest(deps, current);
  if (current.state === "approved") {
    await deps.dispatch({ kind: "execute", id: deps.newId(), requestId: current.id });
  }
  return current;
}

/**
 * Everything checked before a request is made (and before its reason is asked for): the requester's rights, the
 * table's channel, the signal policy, and that the PID is a process pns may signal. Returns the listed process.
 */
export function checkRequestable(
  deps: AppDeps,
  input: Omit<OpenRequestInput, "reason">,
): SnapshotProcess & { fingerprint: Fingerprint } {
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
      hint: `Run \`${psOfPod(snapshot.pod, snapshot.attachment.strategy === "copy")}\` and pick a process from the table.`,
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
  // Before anyone is asked to approve it: the kernel would drop this signal (a namespace's init, an ignored one).
  const dropped = undeliverable(signal, process);
  if (dropped) throw dropped;
  return { ...process, fingerprint: process.fingerprint };
}

/** A pick that a newer listing shows is gone: its answer is the current state, not an error. */
export class StalePick extends Error {
  constructor(readonly view: MessageView) {
    super("the picked process is gone since its table was taken");
  }
}

/**
 * A pending request for the same signal to the same process (fingerprint) already exists: the requester is added to
 * it as a supporter (one conditional write) and told so, instead of a second card. Null when there is none.
 */
async function supportExisting(
  deps: AppDeps,
  input: OpenRequestInput,
  fingerprint: Fingerprint,
): Promise<SignalRequest | null> {
  const now = deps.now();
  const pending = await deps.stores.requests.listExpirable(now + PENDING_HORIZON_MS);
  const { pod, attachment } = input.snapshot;
  const same = pending.find(
    (r) =>
      r.signal === input.signal &&
      r.channel === input.channel &&
      r.target.cluster === pod.cluster &&
      r.target.namespace === pod.namespace &&
      r.target.debugPod === attachment.pod &&
      r.fingerprint.pid === fingerprint.pid &&
      r.fingerprint.startTicks === fingerprint.startTicks &&
      r.fingerprint.cmdSha256 === fingerprint.cmdSha256,
  );
  if (!same) return null;
  const reason = deps.redactor.text(input.reason);
  const result = await applyTransition(deps.stores.requests, same.id, (r) =>
    support(r, { user: input.requester, reason, now }),
  );
  if (!result.ok) {
    // Decided or expired meanwhile: a new request is the right answer then; already asked: say so.
    if (result.code === "already_supported") throw new PnsError("not_allowed", result.message);
    return null;
  }
  await refreshApprovalMessageOrWarn(deps, result.request);
  await audit(deps, {
    actor: input.requester,
    action: "request",
    channel: input.channel,
    ...podFields(input.snapshot),
    detail: `supports request ${same.id}, SIG${input.signal} to PID ${input.pid}: ${reason}`,
    outcome: "pending",
  });
  await deps.chat
    .replyPrivately(
      { user: input.requester, channel: input.channel, responseUrl: null },
      renderErrorView({
        mrkdwn: `<@${same.requester}> already asked for SIG${same.signal} to PID ${same.process.pid}: you are added to that request as a supporter, with your reason. No second request was made.`,
      }),
    )
    .catch((error: unknown) => deps.logger.warn("could not tell a supporter", { error }));
  return result.request;
}

/** An error answer to a submitted modal, with the typed reason quoted back so it is never lost. */
function withReason(view: MessageView, reason: string): MessageView {
  return {
    text: view.text,
    blocks: [
      ...view.blocks,
      { type: "context", elements: [mrkdwn(`Your reason, to paste again: ${escapeTruncate(reason, 1000)}`)] },
    ],
  };
}

/** The debug copy a listing's processes run in (`--copy`); null when they are the pod's own. */
function copyPodOf(snapshot: ListingSnapshot): string | null {
  return snapshot.attachment.strategy === "copy" ? snapshot.attachment.pod : null;
}
