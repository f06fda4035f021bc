import type { Block, MessageView } from "./block-kit.js";
import { SlackLimits as L } from "./limits.js";
import { packedBlocks } from "./sections.js";
import { escapeTruncate, plain, plural, slackDate } from "./text.js";

/** A debug container or copy named in a cleanup report. */
export interface CleanupItem {
  namespace: string;
  pod: string;
  container: string;
  /** Source pod of a copy; null for an ephemeral container. */
  copyOf: string | null;
  /** ISO 8601; null when unknown. */
  expiresAt: string | null;
}

/** What a cleanup did. */
export interface CleanupViewInput {
  cluster: string;
  deleted: CleanupItem[];
  kept: CleanupItem[];
  runningEphemeral: CleanupItem[];
  failed: { item: CleanupItem; message: string }[];
  /** Pods labelled as pns's copies that pns did not create (no recorded UID): left alone. @default [] */
  notOwned?: CleanupItem[];
}

/** An ISO 8601 time as epoch milliseconds, shown as a Slack date in each reader's time zone; null when unreadable. */
function dateOf(iso: string | null): number | null {
  const t = iso === null ? Number.NaN : Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

const name = (i: CleanupItem) => escapeTruncate(`${i.namespace}/${i.pod}`, 300);

/** The report of `/pns cleanup`: copies deleted, copies kept, ephemeral containers still running, failures. */
export function renderCleanupView(input: CleanupViewInput): MessageView {
  const head: Block[] = [{ type: "header", text: plain(`pns cleanup in ${input.cluster}`, L.header) }];
  const lines: string[] = [];
  for (const i of input.deleted)
    lines.push(
      `• :wastebasket: deleted debug copy *${name(i)}*${i.copyOf ? ` of ${escapeTruncate(i.copyOf, 200)}` : ""}`,
    );
  for (const f of input.failed)
    lines.push(`• :warning: could not delete *${name(f.item)}*: ${escapeTruncate(f.message, 500)}`);
  for (const i of input.kept) {
    const until = dateOf(i.expiresAt);
    lines.push(`• kept debug copy *${name(i)}* until ${until === null ? "its lifetime ends" : slackDate(until)}`);
  }
  for (const i of input.runningEphemeral) {
    const until = dateOf(i.expiresAt);
    lines.push(
      `• ephemeral container ${escapeTruncate(i.container, 120)} in *${name(i)}* still runs; it stops by itself${until === null ? "" : ` ${slackDate(until)}`} (Kubernetes cannot remove ephemeral containers)`,
    );
  }
  for (const i of input.notOwned ?? [])
    lines.push(
      `• :no_entry_sign: *${name(i)}* is labelled as a pns copy but is not pns's (pns did not record creating it): left alone; ask a cluster admin who made it`,
    );
  if (lines.length === 0) lines.push("Nothing to clean up: pns left no debug copies or running debug containers here.");
  const all = packedBlocks(head, lines, (placed, total) => `Showing ${placed} of ${plural(total, "line")}.`);
  const text = `pns cleanup: ${plural(input.deleted.length, "copy", "copies")} deleted, ${input.failed.length} failed, ${plural(input.runningEphemeral.length, "debug container")} still running.`;
  return { text, blocks: all };
}
