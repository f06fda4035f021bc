/** `/pns ports`: the pod's listening sockets, who holds them, and what the spec and Services say about them. */

import type { DebugAttachment, PodRef } from "../model.js";
import type { Listener, PortFinding, PortsReport } from "../ports/analyze.js";
import type { Block, MessageView } from "./block-kit.js";
import { SlackLimits as L } from "./limits.js";
import { packedBlocks } from "./sections.js";
import { codeSpan, escapeTruncate, mrkdwn, plain, plural, slackDate, userMention } from "./text.js";

/** Input of {@link renderPortsView}. */
export interface PortsViewInput {
  pod: PodRef;
  attachment: DebugAttachment;
  report: PortsReport;
  requestedBy: string;
  /** Epoch milliseconds. */
  takenAt: number;
}

function listenerLine(l: Listener): string {
  const where = l.addresses.map((a) => escapeTruncate(a, 60)).join(", ");
  const holders =
    l.processes.length === 0
      ? "holder unknown"
      : l.processes
          .slice(0, 4)
          .map(
            (p) =>
              `PID ${p.pid} ${codeSpan(p.command, 60)}${p.container ? ` (${escapeTruncate(p.container, 60)})` : ""}`,
          )
          .join(", ") + (l.processes.length > 4 ? ` and ${l.processes.length - 4} more` : "");
  const marks = [
    l.declaredBy.length > 0
      ? `declared by ${l.declaredBy.map((c) => escapeTruncate(c, 60)).join(", ")}`
      : "not declared",
    l.exposedBy.length > 0 ? `Service ${l.exposedBy.map((s) => escapeTruncate(s, 80)).join(", ")}` : "no Service",
    ...(l.loopbackOnly ? ["localhost only"] : []),
  ];
  return `• *${l.port}/${l.protocol}* on ${where} — ${holders} · ${marks.join(" · ")}`;
}

/** One finding as a line: what, then the fix. */
export function findingLine(f: PortFinding): string {
  return `${f.severity === "warning" ? "⚠️" : "ℹ️"} ${escapeTruncate(f.message, 600)}\n      _${escapeTruncate(f.fix, 400)}_`;
}

/** The ports message, posted in the channel. */
export function renderPortsView(input: PortsViewInput): MessageView {
  const { pod, report } = input;
  const head: Block[] = [
    { type: "header", text: plain(`Ports of ${pod.pod}`, L.header) },
    {
      type: "context",
      elements: [
        mrkdwn(
          `${escapeTruncate(`${pod.cluster} / ${pod.namespace} / ${pod.pod}`, 600)} · through ${escapeTruncate(input.attachment.container, 100)} · requested by ${userMention(input.requestedBy)} ${slackDate(input.takenAt, "{time}")}`,
        ),
      ],
    },
  ];
  const lines = report.listeners.length === 0 ? ["Nothing listens in this pod."] : report.listeners.map(listenerLine);
  if (report.findings.length > 0) lines.push("", "*Findings*", ...report.findings.map(findingLine));
  const blocks = packedBlocks(head, lines, (placed, total) => `Showing ${placed} of ${total} lines.`);
  const warnings = report.findings.filter((f) => f.severity === "warning").length;
  const text = `${plural(report.listeners.length, "port", "ports")} listening in ${escapeTruncate(`${pod.namespace}/${pod.pod}`, 300)}${warnings > 0 ? `, ${plural(warnings, "warning", "warnings")}` : ""}.`;
  return { text, blocks };
}
