/** The evidence of a signal, posted in the approval's thread: what the target container logged after it. */

import type { EvidenceFacts } from "../signal-evidence.js";
import type { MessageView } from "./block-kit.js";
import { codeSpan, cutMrkdwn, escapeTruncate, mrkdwn, plural, slackDate } from "./text.js";

/** Input of {@link renderSignalEvidenceView}. */
export interface SignalEvidenceInput {
  signal: string;
  pid: number;
  container: string;
  /** Epoch ms the log window starts at (the node's time right before `kill`). */
  since: number;
  /** The facts, their error lines already redacted. */
  facts: EvidenceFacts;
  /** Names of the files attached beside the message. */
  files: string[];
}

/** "The log of container nginx since 08:13:02 (3 s): 12 lines · no errors · no restart", the first errors, the files. */
export function renderSignalEvidenceView(input: SignalEvidenceInput): MessageView {
  const f = input.facts;
  const restart = f.restarted
    ? `:recycle: *container restarted*${
        f.exitCode === null && f.reason === null
          ? ""
          : ` (${[f.exitCode === null ? null : `exit ${f.exitCode}`, f.reason]
              .filter((x) => x !== null)
              .map((x) => escapeTruncate(String(x), 60))
              .join(", ")})`
      }, restarts ${f.restartCount}`
    : "no restart";
  const parts = [
    `${plural(f.lines, "line", "lines")} logged${f.truncated ? " (cut at the byte limit)" : ""}`,
    f.errors === 0 ? "no errors matched" : `:warning: ${plural(f.errors, "error line", "error lines")}`,
    restart,
  ];
  const head = `:mag: *Log of container ${escapeTruncate(input.container, 100)}* after SIG${input.signal} to PID ${input.pid}, since ${slackDate(input.since, "{time_secs}")} (${f.seconds} s watched): ${parts.join(" · ")}`;
  const lines = [head];
  if (f.firstErrors.length > 0) lines.push(f.firstErrors.map((e) => `• ${codeSpan(e, 300)}`).join("\n"));
  if (f.dump)
    lines.push(`:page_facing_up: A ${f.dump.kind} (${plural(f.dump.lines, "line", "lines")}) is attached on its own.`);
  if (input.files.length > 0)
    lines.push(`Attached: ${input.files.map((n) => escapeTruncate(n, 100)).join(", ")} (redacted).`);
  else if (f.lines === 0) lines.push("Nothing was logged, so no file is attached.");
  const text = lines.join("\n");
  return {
    text: `Log after SIG${input.signal} to PID ${input.pid}: ${plural(f.lines, "line", "lines")}, ${plural(f.errors, "error", "errors")}, ${f.restarted ? "container restarted" : "no restart"}.`,
    blocks: [{ type: "section", text: mrkdwn(cutMrkdwn(text, 2900)) }],
  };
}
