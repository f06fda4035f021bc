/**
 * The process table of a pod: a header (who asked, when it was taken, the pod's phase, node and containers), the
 * controls to request a signal, and the rows as a process tree — by default as a Slack `table` block (PID, STAT,
 * %CPU, RSS, AGE, THR, CONTAINER, USER, COMMAND; raw_text cells, so commands need no escaping), or, with
 * `layout: "preformatted"`, as a monospace ps-like block for clients without tables. The table is the default
 * because it reads best; its JSON costs several times the preformatted text per row, so under the ~12k blocks-JSON
 * budget it shows about 20 rows where the preformatted layout shows about 60.
 * Everything is fitted to that budget; rows beyond it are counted ("showing N of M") and left to the attached file.
 */

import type { DebugAttachment, PodRef } from "../model.js";
import type { ContainerSummary, PodSummary } from "../process/pod-summary.js";
import { escapeControl } from "../process/rows.js";
import type { RuntimeKind } from "../process/runtime.js";
import { processTree, type TreeEntry } from "../process/tree.js";
import type { ProcessRow } from "../process/types.js";
import { intentsFor, signalOptionDescription } from "../signal-catalogue.js";
import type { SignalName } from "../signals.js";
import type {
  ActionsBlock,
  Block,
  ButtonElement,
  ContextBlock,
  MessageView,
  RawTextCell,
  SelectOption,
  SelectOptionGroup,
  StaticSelectElement,
} from "./block-kit.js";
import {
  ActionId,
  BlockId,
  encodeIntentValue,
  encodeListingBlockId,
  encodePidValue,
  encodeShareValue,
  encodeSignalValue,
} from "./ids.js";
import { BLOCKS_JSON_RESERVE, SlackLimits as L } from "./limits.js";
import { containerLabel, describeAttachment, isSignallable } from "./process-labels.js";
import {
  codeSpan,
  escapeTruncate,
  fitLines,
  formatAge,
  formatKib,
  formatPercent,
  jsonSize,
  mrkdwn,
  plain,
  plural,
  slackDate,
  truncate,
  userMention,
} from "./text.js";

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
  /** Slack user ID of who ran the command: "Requested by @x". */
  requestedBy?: string;
  /** When the listing was taken, epoch ms: "as of 08:11" in each reader's time zone. */
  takenAt?: number;
  /** The pod's phase, node and containers, when the adapter read them. */
  summary?: PodSummary;
  /** Records the collector printed but could not be read: "3 processes could not be read". */
  unreadable?: number;
  /** Seconds between the collector's CPU samples (the %CPU column's interval); null or absent when none. */
  cpuSampleSeconds?: number | null;
  /** Shown only to whoever asked: a "Share in channel" button posts the same table in the channel. @default false */
  share?: boolean;
}

/** Most characters of a command shown in one table cell. */
const COMMAND_CELL_MAX = 160;
/** JSON characters the process picker may use, so the table keeps most of the budget. */
const PICKER_JSON_BUDGET = 3000;
/** Characters of the pod summary above the table: its head and about eight containers. */
const SUMMARY_CHARS = 1400;
/** Levels of the tree shown as indentation; deeper processes are drawn at this depth. */
const MAX_INDENT = 6;

/** A row of the tree with what its cells need beyond the row: its depth and its container's memory limit. */
interface TableEntry extends TreeEntry<ProcessRow> {
  memoryLimitBytes: number | null;
}

/** One column of the table and of the text listing. */
interface Column {
  header: string;
  align: "left" | "right";
  cell: (e: TableEntry) => string;
}

/** The command with the tree drawn before it: children of a listed parent under it, `└ ` at their depth. */
function treeCommand(e: TableEntry, max: number): string {
  const command = e.row.command.length > max ? truncate(e.row.command, max) : e.row.command;
  if (e.depth === 0) return command;
  return `${"\u00a0\u00a0".repeat(Math.min(e.depth, MAX_INDENT) - 1)}└ ${command}`;
}

/** RSS, and its share of the container's memory limit when there is one: `5.2M 4%`. */
function rssCell(e: TableEntry): string {
  const rss = formatKib(e.row.rssKb);
  if (e.row.rssKb === null || e.memoryLimitBytes === null) return rss;
  return `${rss} ${formatPercent(((e.row.rssKb * 1024) / e.memoryLimitBytes) * 100)}%`;
}

const COLUMNS = {
  pid: { header: "PID", align: "right", cell: (e) => String(e.row.pid) },
  ppid: { header: "PPID", align: "right", cell: (e) => (e.row.ppid === null ? "-" : String(e.row.ppid)) },
  stat: { header: "STAT", align: "left", cell: (e) => e.row.state || "?" },
  cpu: { header: "%CPU", align: "right", cell: (e) => formatPercent(e.row.cpuPercent) },
  rss: { header: "RSS", align: "right", cell: rssCell },
  age: { header: "AGE", align: "right", cell: (e) => formatAge(e.row.ageSeconds) },
  started: { header: "STARTED", align: "left", cell: (e) => e.row.startedAt?.replace(/\.\d{3}Z$/, "Z") ?? "-" },
  threads: { header: "THR", align: "right", cell: (e) => (e.row.threads === null ? "-" : String(e.row.threads)) },
  time: { header: "TIME", align: "right", cell: (e) => e.row.cpuTime },
  // Kubernetes names hold no control characters; a simulator or a hostile runtime's might.
  container: { header: "CONTAINER", align: "left", cell: (e) => truncate(escapeControl(containerLabel(e.row)), 80) },
  user: { header: "USER", align: "left", cell: (e) => truncate(e.row.user, 40) },
} satisfies Record<string, Column>;

/** The table block's columns (PPID is the tree's indentation; the file has it as a number). */
const TABLE_COLUMNS: Column[] = [
  COLUMNS.pid,
  COLUMNS.stat,
  COLUMNS.cpu,
  COLUMNS.rss,
  COLUMNS.age,
  COLUMNS.threads,
  COLUMNS.container,
  COLUMNS.user,
  { header: "COMMAND", align: "left", cell: (e) => treeCommand(e, COMMAND_CELL_MAX) },
];

/** The rows in tree order, each with its container's memory limit from the pod's summary. */
function tableEntries(rows: ProcessRow[], summary: PodSummary | undefined): TableEntry[] {
  const limits = new Map((summary?.containers ?? []).map((c) => [c.name, c.memoryLimitBytes]));
  return processTree(rows).map((e) => ({
    ...e,
    memoryLimitBytes: e.row.container === null ? null : (limits.get(e.row.container) ?? null),
  }));
}

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
    {
      type: "header",
      text: plain(
        attachment.strategy === "copy"
          ? `Processes in debug copy ${attachment.pod} of pod ${pod.pod}`
          : `Processes in ${pod.pod}`,
        L.header,
      ),
    },
    {
      type: "context",
      elements: [
        mrkdwn(
          `*Cluster* ${escapeTruncate(pod.cluster, 300)} · *Namespace* ${escapeTruncate(pod.namespace, 300)} · ${
            attachment.strategy === "copy"
              ? `*Debug copy* ${escapeTruncate(attachment.pod, 300)} of *pod* ${escapeTruncate(pod.pod, 300)} (signals reach the copy only, never the live pod)`
              : `*Pod* ${escapeTruncate(pod.pod, 300)}`
          }`,
        ),
        ...(input.requestedBy !== undefined || input.takenAt !== undefined
          ? [mrkdwn(requestedLine(input.requestedBy, input.takenAt))]
          : []),
        mrkdwn(
          `*Debug:* ${escapeTruncate(describeAttachment(attachment), 1500)} · stops ${slackDate(Date.parse(attachment.expiresAt))}`,
        ),
      ],
    },
  ];
  if (input.summary !== undefined) blocks.push({ type: "section", text: mrkdwn(renderPodSummary(input.summary)) });
  if (input.note !== undefined && input.note.length > 0) {
    blocks.push({ type: "section", text: mrkdwn(escapeTruncate(input.note, L.sectionText)) });
  }

  const controls = renderControls(input);
  const tail: Block[] = [...controls, ...(input.share ? [renderShare(input.listingId)] : [])];
  const budget = L.blocksJson - BLOCKS_JSON_RESERVE - jsonSize(blocks) - jsonSize(tail);
  const layout = input.layout ?? "table";
  const entries = tableEntries(rows, input.summary);
  const { block: table, shown } =
    layout === "table"
      ? fitTable(entries, budget)
      : fitPreformatted(entries, budget, (some, max) => renderEntriesText(some, max));

  const summary: string[] = [];
  if (rows.length === 0) summary.push("No processes were listed.");
  else if (shown < total)
    summary.push(
      `Showing ${shown.toLocaleString("en-US")} of ${plural(total, "process")} as a tree; the full listing is attached as a file.`,
    );
  else summary.push(`${plural(total, "process")}, children under their parents.`);
  const unreadable = input.unreadable ?? 0;
  if (unreadable > 0)
    summary.push(
      `${plural(unreadable, "process", "processes")} could not be read (${unreadable === 1 ? "it" : "they"} may have exited while pns listed them).`,
    );
  if (input.cpuSampleSeconds !== undefined && input.cpuSampleSeconds !== null && rows.length > 0)
    summary.push(`%CPU over ${input.cpuSampleSeconds.toFixed(1)} s, of one CPU.`);
  if (rows.some((r) => !isSignallable(r)))
    summary.push("The pod sandbox, pns's own debug processes and processes without a fingerprint cannot be signalled.");
  const summaryBlock: ContextBlock = { type: "context", elements: [mrkdwn(escapeTruncate(summary.join(" "), 2900))] };

  // Slack appends a table block to the bottom of the message whatever its place, so it goes last in both layouts.
  const ordered: Block[] = [...blocks, summaryBlock, ...tail];
  if (table !== null) ordered.push(table);

  const of = attachment.strategy === "copy" ? `debug copy ${attachment.pod} of pod ${where}` : `pod ${where}`;
  const text = `Processes of ${escapeTruncate(of, 1000)}: ${rows.length === 0 ? "none listed" : `showing ${shown} of ${total}`}${unreadable > 0 ? `, ${unreadable} could not be read` : ""}.`;
  return { text: truncate(text, 3000), blocks: ordered, shown };
}

/** "Requested by @x · as of 08:11". */
function requestedLine(requestedBy: string | undefined, takenAt: number | undefined): string {
  const parts: string[] = [];
  if (requestedBy !== undefined) parts.push(`Requested by ${userMention(requestedBy)}`);
  if (takenAt !== undefined && Number.isFinite(takenAt)) parts.push(`as of ${slackDate(takenAt, "{time}")}`);
  const line = parts.join(" · ");
  return line.charAt(0).toUpperCase() + line.slice(1);
}

/** One line per container: image, readiness, restarts and the last termination (OOMKilled), memory limit. */
function containerLine(c: ContainerSummary): string {
  const parts = [`*${escapeTruncate(c.name, 80)}*`];
  if (c.image !== null) parts.push(codeSpan(c.image, 120));
  if (c.state !== null && c.state.kind !== "running")
    parts.push(`${c.state.kind}${c.state.reason === null ? "" : ` (${escapeTruncate(c.state.reason, 60)})`}`);
  else if (c.ready !== null) parts.push(c.ready ? "ready" : "not ready");
  const t = c.lastTermination;
  const restarts = c.restartCount === 0 ? "no restarts" : plural(c.restartCount, "restart", "restarts");
  const last =
    t === null || c.restartCount === 0
      ? ""
      : `, last ${[
          t.reason === null ? null : escapeTruncate(t.reason, 60),
          t.exitCode === null ? null : `exit ${t.exitCode}`,
        ]
          .filter((x) => x !== null)
          .join(", ")}${t.finishedAt === null ? "" : ` ${slackDate(Date.parse(t.finishedAt))}`}`;
  parts.push(`${t?.reason === "OOMKilled" && c.restartCount > 0 ? ":boom: " : ""}${restarts}${last}`);
  if (c.memoryLimitBytes !== null) parts.push(`memory limit ${formatKib(c.memoryLimitBytes / 1024)}`);
  return parts.join(" · ");
}

/** The pod's phase, node and restart policy, then its containers, within one section. */
export function renderPodSummary(summary: PodSummary): string {
  const head = [
    `*Pod* ${escapeTruncate(summary.phase ?? "phase unknown", 40)}`,
    summary.node === null ? "node unknown" : `on ${codeSpan(summary.node, 200)}`,
    ...(summary.restartPolicy === null ? [] : [`restartPolicy ${summary.restartPolicy}`]),
  ].join(" · ");
  // Capped well under a section's 3000 so the rows keep most of the message's budget.
  return fitLines([head, ...summary.containers.map(containerLine)], SUMMARY_CHARS, "containers");
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
        description: plain(signalOptionDescription(s, runtimesOf(input.rows)), L.optionDescription),
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
        // No confirm dialog: pns checks the pick first, and the reason modal that follows is the one confirmation.
        value: input.listingId,
      },
    ],
  };
  actions.elements.push(...intentButtons(input));
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

/** The runtimes of the rows, each once, in the order they first appear. */
function runtimesOf(rows: readonly ProcessRow[]): RuntimeKind[] {
  return [...new Set(rows.flatMap((r) => (r.runtime ? [r.runtime] : [])))];
}

/**
 * "Thread dump: PID 7", "Reload config: PID 8": the intents that apply to the rows, each a button that opens the same
 * reason modal as picking the process and the signal (value `QUIT:7`, read with the block's listing id).
 */
function intentButtons(input: ProcessTableInput): ButtonElement[] {
  const rows = input.rows.map((r) => ({ pid: r.pid, runtime: r.runtime, signallable: isSignallable(r) }));
  return intentsFor(rows, input.signals).map((o, i) => ({
    type: "button",
    action_id: `${ActionId.psIntentPrefix}${i}`,
    text: plain(`${o.label}: PID ${o.pid}`, L.buttonText),
    value: encodeIntentValue(o.signal, o.pid),
  }));
}

/** The "Share in channel" button of a table only its asker sees. */
function renderShare(listingId: string): ActionsBlock {
  return {
    type: "actions",
    block_id: BlockId.psShare,
    elements: [
      {
        type: "button",
        action_id: ActionId.psShare,
        text: plain("Share in channel", L.buttonText),
        value: encodeShareValue(listingId),
      },
    ],
  };
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

function fitTable(entries: TableEntry[], budget: number): { block: Block | null; shown: number } {
  if (entries.length === 0) return { block: null, shown: 0 };
  const table: Block = {
    type: "table",
    block_id: BlockId.psTable,
    column_settings: TABLE_COLUMNS.map((c) => (c.header === "COMMAND" ? { is_wrapped: true } : { align: c.align })),
    rows: [TABLE_COLUMNS.map((c) => cell(c.header))],
  };
  let size = jsonSize(table);
  for (const e of entries) {
    if (table.rows.length >= L.tableRows) break;
    const cells = TABLE_COLUMNS.map((c) => cell(c.cell(e)));
    const cost = jsonSize(cells) + 1;
    if (size + cost > budget) break;
    table.rows.push(cells);
    size += cost;
  }
  const shown = table.rows.length - 1;
  return { block: shown > 0 ? table : null, shown };
}

/** A monospace block of as many rows as fit in `budget` JSON chars. */
export function fitPreformatted<T>(
  rows: T[],
  budget: number,
  render: (rows: T[], commandMax?: number) => string,
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

/** The text listing's columns: everything the table has, and PPID, STARTED (UTC) and TIME. */
const TEXT_COLUMNS: Column[] = [
  COLUMNS.pid,
  COLUMNS.ppid,
  COLUMNS.user,
  COLUMNS.container,
  COLUMNS.stat,
  COLUMNS.cpu,
  COLUMNS.rss,
  COLUMNS.threads,
  COLUMNS.started,
  COLUMNS.age,
  COLUMNS.time,
];

/** Entries as a ps-like plain-text table, the last column the command drawn as a tree. */
function renderEntriesText(entries: TableEntry[], commandMax = Number.POSITIVE_INFINITY): string {
  const body = entries.map((e) => [...TEXT_COLUMNS.map((c) => c.cell(e)), treeCommand(e, commandMax)]);
  const header = [...TEXT_COLUMNS.map((c) => c.header), "COMMAND"];
  const widths = TEXT_COLUMNS.map((c, i) => Math.max(c.header.length, ...body.map((cols) => (cols[i] ?? "").length)));
  const line = (cols: string[]) =>
    cols
      .map((c, i) => {
        const col = TEXT_COLUMNS[i];
        if (col === undefined) return c;
        const w = widths[i] ?? c.length;
        return col.align === "right" ? c.padStart(w) : c.padEnd(w);
      })
      .join("  ");
  return [line(header), ...body.map(line)].join("\n") + (entries.length === 0 ? "\n(no processes)" : "");
}

/**
 * A ps-like plain-text table of the rows as a process tree (for the file upload and the preformatted layout), with
 * each RSS's share of its container's memory limit when `summary` gives the limits.
 */
export function renderProcessListingText(
  rows: ProcessRow[],
  commandMax = Number.POSITIVE_INFINITY,
  summary?: PodSummary,
): string {
  return renderEntriesText(tableEntries(rows, summary), commandMax);
}
