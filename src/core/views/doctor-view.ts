/** `/pns doctor`: each finding about the pod, worst first, with its fix. */

import type { Diagnosis, Finding } from "../doctor/diagnose.js";
import type { PodRef } from "../model.js";
import type { Block, MessageView } from "./block-kit.js";
import { SlackLimits as L } from "./limits.js";
import { packedBlocks } from "./sections.js";
import { escapeTruncate, mrkdwn, plain, plural } from "./text.js";

/** Input of {@link renderDoctorView}. */
export interface DoctorViewInput {
  pod: PodRef;
  diagnosis: Diagnosis;
  /** Milliseconds the checks took. */
  elapsedMs: number;
}

const MARK: Record<Finding["level"], string> = { ok: "✅", warning: "⚠️", problem: "❌" };

function findingLine(f: Finding): string {
  const fix = f.fix ? `\n      _Fix: ${escapeTruncate(f.fix, 500)}_` : "";
  return `${MARK[f.level]} *${escapeTruncate(f.title, 150)}* — ${escapeTruncate(f.detail, 900)}${fix}`;
}

/** The doctor's answer, for the asker only. */
export function renderDoctorView(input: DoctorViewInput): MessageView {
  const { pod, diagnosis } = input;
  const problems = diagnosis.findings.filter((f) => f.level === "problem").length;
  const warnings = diagnosis.findings.filter((f) => f.level === "warning").length;
  const verdict = diagnosis.ready
    ? `pns can work on ${pod.pod}${warnings > 0 ? `, with ${plural(warnings, "warning", "warnings")}` : ""}.`
    : `pns cannot work on ${pod.pod} yet: ${plural(problems, "problem", "problems")} to fix.`;
  const head: Block[] = [
    { type: "header", text: plain(`Doctor: ${pod.pod}`, L.header) },
    { type: "section", text: mrkdwn(escapeTruncate(verdict, 500)) },
    {
      type: "context",
      elements: [
        mrkdwn(
          `${escapeTruncate(`${pod.cluster} / ${pod.namespace} / ${pod.pod}`, 600)} · checked in ${input.elapsedMs} ms`,
        ),
      ],
    },
  ];
  const blocks = packedBlocks(
    head,
    diagnosis.findings.map(findingLine),
    (placed, total) => `Showing ${placed} of ${total} findings.`,
  );
  return { text: escapeTruncate(`Doctor for ${pod.namespace}/${pod.pod}: ${verdict}`, 500), blocks };
}
