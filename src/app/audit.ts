import type { AuditEntry } from "../core/approval/types.js";
import { renderAuditView } from "../core/views/audit-view.js";
import type { MessageView } from "../core/views/block-kit.js";
import type { AppDeps } from "./deps.js";

/**
 * Appends one audit entry, its detail redacted with the same redactor as every message (typed reasons and command
 * text can hold secrets); never fails the caller (the failure is logged).
 */
export async function audit(deps: AppDeps, entry: Omit<AuditEntry, "id" | "at">): Promise<void> {
  try {
    const detail = deps.redactor.text(entry.detail);
    await deps.stores.audit.append({ id: deps.newId(), at: deps.now(), ...entry, detail });
  } catch (error) {
    deps.logger.error("could not write the audit trail", { error, action: entry.action });
  }
}

/** `/pns audit [N]`: the channel's last N audit entries, newest first. */
export async function listAudit(deps: AppDeps, channel: string, count: number): Promise<MessageView> {
  const entries = await deps.stores.audit.list({ channel, limit: count });
  return renderAuditView(entries);
}
