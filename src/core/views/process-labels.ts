/** How processes and debug attachments are named in every view, so a table, a picker and a file agree. */

import type { DebugAttachment } from "../model.js";
import type { ProcessRow } from "../process/types.js";

/** The CONTAINER column of a row: the pod sandbox and pns's own debug rows are marked as such. */
export function containerLabel(row: Pick<ProcessRow, "container" | "role">): string {
  if (row.role === "pause") return "pod sandbox (pause)";
  if (row.role === "debug") return `pns debug (${row.container ?? "pns"})`;
  return row.container ?? "unknown container";
}

/** True when pns offers the row for signals: an app process with a fingerprint. */
export function isSignallable(row: ProcessRow): boolean {
  return row.role === "app" && row.fingerprint !== null;
}

/** One line on how pns attached, e.g. "ephemeral container pns-debug-x7k2 targeting nginx (new)". */
export function describeAttachment(a: DebugAttachment): string {
  const how =
    a.strategy === "ephemeral"
      ? `ephemeral container ${a.container} targeting ${a.targetContainer ?? "the pod"}`
      : a.strategy === "shared"
        ? `ephemeral container ${a.container} in the shared process namespace`
        : `debug copy ${a.pod} of ${a.copyOf ?? "the pod"} (shared process namespace, container ${a.container})`;
  const line = `${how}, ${a.reused ? "reused" : "new"}, image ${a.image}`;
  return a.note ? `${line}. ${a.note}` : line;
}
