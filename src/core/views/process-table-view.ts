/**
 * The process table of a pod: a header, the controls to request a signal, and the rows — by default as a Slack
 * `table` block (PID, CONTAINER, USER, TIME, COMMAND; raw_text cells, so commands need no escaping), or, with
 * `layout: "preformatted"`, as a monospace ps-like block for clients without tables. The table is the default
 * because it reads best; its JSON costs about three times the preformatted text per row, so under the ~12k
 * blocks-JSON budget it shows about 30 short rows where the preformatted layout shows about 100.
 * Everything is fitted to that budget; rows beyond it are counted ("showing N of M") and left to the attached file.
 */

import type { DebugAttachment, PodRef } from "../model.js";
import type { ProcessRow } from "../process/types.js";
import { SIGNAL_HINTS, type SignalName } from "../signals.js";
import type {
  ActionsBlock,
  Block,
  ContextBlock,
  MessageView,
  RawTextCell,
  SelectOption,
  SelectOptionGroup,
  StaticSelectElement,
} from "./block-kit.js";
import { ActionId, BlockId, encodeListingBlockId, encodePidValue, encodeSignalValue } from "./ids.js";
import { BLOCKS_JSON_RESERVE, SlackLimits as L } from "./limits.js";
import { containerLabel, describeAttachment, isSignallable } from "./process-labels.js";
import { escapeTruncate, jsonSize, mrkdwn, plain, plural, slackDate, truncate } from "./text.js";

/** Input of {@link renderProcessTableView}. */
export interface ProcessTableInput {
  pod: PodRef;
  attachment: DebugAttachment;
  /** Rows to show, in order; may already be fewer than `totalProcesses`. */
  rows: ProcessRow[];
  totalProcesses: number;
  /** Id of the listing snapshot the worker stored; goes into the actions block_id. */
  listingId: string;
  /** Signals allowed for this pod; empty → no signal controls. */
  signals: SignalName[];
  /** Why `signals` is empty, shown instead of the controls. @default "the pns policy allows no signals for this pod" */
  noSignalsReason?: string;
  note?: string;
  /** `table`: a Slack table block; `preformatted`: a monospace block for clients without tables. @default "table" */
  layout?: "table" | "preformatted";
}

/** Most characters of a command shown in one table cell. */
const COMMAND_CELL_MAX = 160;
/** JSON characters the process picker may use, so the table keeps most of the budget. */
const PICKER_JSON_BUDGET = 3500;
const HEADER_CELLS = ["PID", "CONTAINER", "USER", "TIME", "COMMAND"];

/** A process table message, and how many of its rows it shows (the rest go into the attached file). */
export interface ProcessTableView extends MessageView {
  shown: number;
}

/** The process table message of a pod, with the signal controls when signals are allowed. */
export function renderProcessTableView(input: ProcessTableInput): ProcessTableView {
  const { pod, attachment, rows } = input;
  const total = Math.max(input.totalProcesses, rows.length);
  const where = `${pod.namespace}/${pod.pod} in ${pod.cluster}`;
  const blocks: Block[] = [
    { type: "header", text: plain(`Processes in ${pod.pod}`, L.header) },
    {
      type: "context",
      elements: [
        mrkdwn(
          `*Cluster* ${escapeTruncate(pod.cluster, 300)} · *Namespace* ${escapeTruncate(pod.namespace, 300)} · *Pod* ${escapeTruncate(pod.pod, 300)}`,
        ),
        mrkdwn(
          `*Debug:* ${escapeTruncate(describeAttachment(attachment), 1500)} · stops ${slackDate(Date.parse(attachment.expiresAt))}`,
        ),
      ],
    },
  ];
  if (input.note !== undefined && input.note.length > 0) {
    blocks.push({ type: "section", text: mrkdwn(escapeTruncate(input.note, L.sectionText)) });
  }

  const controls = renderControls(input);
  const tail: Block[] = [...controls];
  const budget = L.blocksJson - BLOCKS_JSON_RESERVE - jsonSize(blocks) - jsonSize(tail);
  const layout = input.layout ?? "table";
  const { block: table, shown } =
    layout === "table" ? fitTable(rows, budget) : fitPreformatted(rows, budget, renderProcessListingText);

  const summary: string[] = [];
  if (rows.length === 0) summary.push("No processes were listed.");
  else if (shown < total)
    summary.push(
      `Showing ${shown.toLocaleString("en-US")} of ${plural(total, "process")}; the full listing is attached as a file.`,
    );
  else summary.push(`${plural(total, "process")}.`);
  if (rows.some((r) => !isSignallable(r)))
    summary.push("The pod sandbox, pns's own debug processes and processes without a fingerprint cannot be signalled.");
  const summaryBlock: ContextBlock = { type: "context", elements: [mrkdwn(escapeTruncate(summary.join(" "), 2900))] };

  // Slack appends a table block to the bottom of the message whatever its place, so it goes last in both layouts.
  const ordered: Block[] = [...blocks, summaryBlock, ...tail];
  if (table !== null) ordered.push(table);

  const text = `Processes of pod ${escapeTruncate(where, 1000)}: ${rows.length === 0 ? "none listed" : `showing ${shown} of ${total}`}.`;
  return { text: truncate(text, 3000), blocks: ordered, shown };
}

function renderControls(input: ProcessTableInput): Block[] {
  if (input.signals.length === 0) {
    const why = input.noSignalsReason ?? "the pns policy allows no signals for this pod";
    return [{ type: "context", elements: [mrkdwn(escapeTruncate(`No signal controls: ${why}.`, 2900))] }];
  }
  const picker = renderProcessPicker(input.rows);
  if (picker === null) {
    return [
      {
        type: "context",
        elements: [mrkdwn("No signal controls: no process here can be signalled safely (none has a fingerprint).")],
      },
    ];
  }
  const signalSelect: StaticSelectElement = {
    type: "static_select",
    action_id: ActionId.psSignal,
    placeholder: plain("Signal", L.placeholder),
    options: input.signals.slice(0, L.selectOptions).map(
      (s): SelectOption => ({
        text: plain(`SIG${s}`, L.optionText),
        value: encodeSignalValue(s),
        description: plain(SIGNAL_HINTS[s], L.optionDescription),
      }),
    ),
  };
  const actions: ActionsBlock = {
    type: "actions",
    block_id: encodeListingBlockId(input.listingId),
    elements: [
      picker.select,
      signalSelect,
      {
        type: "button",
        action_id: ActionId.psRequest,
        text: plain("Request signal…", L.buttonText),
        style: "primary",
        value: input.listingId,
        confirm: {
          title: plain("Request a signal?", L.confirmTitle),
          text: plain(
            "pns will ask for your reason, then post the request for approval. Nothing is sent before it is approved, and only to the exact process listed here.",
            L.confirmText,
          ),
          confirm: plain("Continue", L.confirmButton),
          deny: plain("Back", L.confirmButton),
        },
      },
    ],
  };
  const out: Block[] = [actions];
  if (picker.left > 0) {
    out.push({
      type: "context",
      elements: [
        mrkdwn(
          `The picker offers ${plural(picker.offered, "process")}; ${plural(picker.left, "more signallable process", "more signallable processes")} can be picked with \`/pns signal\`.`,
        ),
      ],
    });
  }
  return out;
}

/** The grouped process picker, fitted to its JSON budget; null when no row can be signalled. */
function renderProcessPicker(
  rows: ProcessRow[],
): { select: StaticSelectElement; offered: number; left: number } | null {
  const candidates = rows.filter(isSignallable);
  if (candidates.length === 0) return null;
  const groups = new Map<string, SelectOptionGroup>();
  let offered = 0;
  let size = 200;
  for (const row of candidates) {
    if (offered >= L.selectOptions) break;
    const label = containerLabel(row);
    const option: SelectOption = {
      text: plain(`${row.pid} · ${row.command.length === 0 ? "(no command)" : row.command}`, L.optionText),
      value: encodePidValue(row.pid),
    };
    let group = groups.get(label);
    const cost = jsonSize(option) + 1 + (group === undefined ? 60 + label.length : 0);
    if (size + cost > PICKER_JSON_BUDGET) break;
    if (group === undefined) {
      if (groups.size >= L.selectGroups) break;
      group = { label: plain(label, L.groupLabel), options: [] };
      groups.set(label, group);
    }
    group.options.push(option);
    size += cost;
    offered += 1;
  }
  return {
    select: {
      type: "static_select",
      action_id: ActionId.psProcess,
      placeholder: plain("Process", L.placeholder),
      option_groups: [...groups.values()],
    },
    offered,
    left: candidates.length - offered,
  };
}

function cell(text: string): RawTextCell {
  return { type: "raw_text", text: text.length === 0 ? " " : text };
}

/** The table cells of a row: PID, CONTAINER, USER, TIME, COMMAND. */
function rowCells(row: ProcessRow): RawTextCell[] {
  return [
    cell(String(row.pid)),
    cell(truncate(containerLabel(row), 80)),
    cell(truncate(row.user, 40)),
    cell(truncate(row.cpuTime, 20)),
    cell(truncate(row.command, COMMAND_CELL_MAX)),
  ];
}

function fitTable(rows: ProcessRow[], budget: number): { block: Block | null; shown: number } {
  if (rows.length === 0) return { block: null, shown: 0 };
  const table: Block = {
    type: "table",
    block_id: BlockId.psTable,
    column_settings: [
      { align: "right" },
      { align: "left" },
      { align: "left" },
      { align: "right" },
      { is_wrapped: true },
    ],
    rows: [HEADER_CELLS.map(cell)],
  };
  let size = jsonSize(table);
  for (const row of rows) {
    if (table.rows.length >= L.tableRows) break;
    const cells = rowCells(row);
    const cost = jsonSize(cells) + 1;
    if (size + cost > budget) break;
    table.rows.push(cells);
    size += cost;
  }
  const shown = table.rows.length - 1;
  return { block: shown > 0 ? table : null, shown };
}

/** A monospace block of as many rows as fit in `budget` JSON chars. */
export function fitPreformatted(
  rows: ProcessRow[],
  budget: number,
  render: (rows: ProcessRow[], commandMax?: number) => string,
): { block: Block | null; shown: number } {
  if (rows.length === 0) return { block: null, shown: 0 };
  const make = (n: number): Block => ({
    type: "rich_text",
    block_id: BlockId.psTable,
    elements: [{ type: "rich_text_preformatted", elements: [{ type: "text", text: render(rows.slice(0, n), 100) }] }],
  });
  // Binary search for the most rows that fit: rendering is linear, so this stays fast for 10,000 rows.
  let lo = 0;
  let hi = Math.min(rows.length, 500);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (jsonSize(make(mid)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return { block: lo > 0 ? make(lo) : null, shown: lo };
}

/** A ps-like plain-text table of the rows (for the file upload and the preformatted layout). */
export function renderProcessListingText(rows: ProcessRow[], commandMax = Number.POSITIVE_INFINITY): string {
  const header = ["PID", "PPID", "USER", "CONTAINER", "STAT", "TIME", "COMMAND"];
  const body = rows.map((r) => [
    String(r.pid),
    r.ppid === null ? "-" : String(r.ppid),
    r.user,
    containerLabel(r),
    r.state,
    r.cpuTime,
    r.command.length > commandMax ? truncate(r.command, commandMax) : r.command,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cols) => (cols[i] ?? "").length)));
  const right = new Set([0, 1, 5]);
  const line = (cols: string[]) =>
    cols
      .map((c, i) => {
        if (i === cols.length - 1) return c;
        const w = widths[i] ?? c.length;
        return right.has(i) ? c.padStart(w) : c.padEnd(w);
      })
      .join("  ");
  return [line(header), ...body.map(line)].join("\n") + (rows.length === 0 ? "\n(no processes)" : "");
}
