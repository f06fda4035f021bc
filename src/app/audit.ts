import type { AuditEntry, AuditRef, RequestState, SignalRequest } from "../core/approval/types.js";
import { renderAuditView } from "../core/views/audit-view.js";
import type { MessageView } from "../core/views/block-kit.js";
import { truncateWords } from "../core/views/text.js";
import type { AppDeps } from "./deps.js";

/** Longest detail an audit entry keeps; longer text is cut at a word, with "…". */
export const AUDIT_DETAIL_MAX = 1000;

/**
 * Appends one audit entry, its detail redacted with the same redactor as every message (typed reasons and command
 * text can hold secrets) and cut at a word; with `ref`, it replaces the entry written there before (a command's
 * pending entry gets its final outcome). Never fails the caller (the failure is logged).
 */
export async function audit(deps: AppDeps, entry: Omit<AuditEntry, "id" | "at">, ref?: AuditRef): Promise<void> {
  try {
    const detail = truncateWords(deps.redactor.text(entry.detail), AUDIT_DETAIL_MAX);
    await deps.stores.audit.append({ id: ref?.id ?? deps.newId(), at: ref?.at ?? deps.now(), ...entry, detail });
  } catch (error) {
    deps.logger.error("could not write the audit trail", { error, action: entry.action });
  }
}

/** A command's detail: its `/pns …` text (when the job carries it) and what came of it. */
export function commandDetail(ref: AuditRef | undefined, result: string): string {
  return ref?.command ? `${ref.command}: ${result}` : result;
}

/** The one audit entry of a signal request, kept where the request was made. */
export function requestAuditRef(request: SignalRequest): AuditRef {
  return { id: `request-${request.id}`, at: request.createdAt };
}

const REQUEST_OUTCOME: Record<RequestState, { outcome: AuditEntry["outcome"]; words: string }> = {
  pending: { outcome: "pending", words: "waiting for approval" },
  approved: { outcome: "pending", words: "approved, about to be sent" },
  executing: { outcome: "pending", words: "being sent" },
  done: { outcome: "ok", words: "sent" },
  failed: { outcome: "failed", words: "failed" },
  denied: { outcome: "refused", words: "denied" },
  cancelled: { outcome: "refused", words: "cancelled" },
  expired: { outcome: "refused", words: "expired unapproved" },
  gone: { outcome: "refused", words: "closed unsent: its process is gone" },
};

/**
 * Writes a signal request's one audit entry as the request stands now (pending until it is sent, fails, or is
 * denied, cancelled or expired), replacing what it said before; `note` says what happened (the signal's result).
 */
export async function auditRequest(deps: AppDeps, request: SignalRequest, note?: string): Promise<void> {
  const { outcome, words } = REQUEST_OUTCOME[request.state];
  const result = note ? `${words}: ${note}` : words;
  await audit(
    deps,
    {
      actor: request.requester,
      action: "request",
      channel: request.channel,
      cluster: request.target.cluster,
      namespace: request.target.namespace,
      pod: request.target.pod,
      detail: `SIG${request.signal} to PID ${request.process.pid} (${request.process.command}), because "${request.reason}": ${result}`,
      outcome,
    },
    requestAuditRef(request),
  );
}

/** `/pns audit [N]`: the channel's last N audit entries, newest first. */
export async function listAudit(deps: AppDeps, channel: string, count: number): Promise<MessageView> {
  const entries = await deps.stores.audit.list({ channel, limit: count });
  return renderAuditView(entries);
}
