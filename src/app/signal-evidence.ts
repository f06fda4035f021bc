/**
 * After a sent signal: watches the target container's log for a window fitting its runtime (a JVM until its thread
 * dump ends, nginx until its reload is through, a few seconds at most), then posts in the approval's thread what it
 * shows (lines logged, errors matched, whether the container restarted, with exit code and reason) and attaches the
 * window, redacted, as a file, and a thread or goroutine dump on its own.
 */

import type { SignalRequest } from "../core/approval/types.js";
import { asPnsError } from "../core/errors.js";
import { evidenceFacts, evidenceWindow, type LogLine, logFileText, parseLogLines } from "../core/signal-evidence.js";
import { renderSignalEvidenceView } from "../core/views/signal-evidence-view.js";
import { approvalsChannel } from "./approval-message.js";
import type { WorkerDeps } from "./deps.js";
import type { LogCapture } from "./ports/cluster.js";

/** Most bytes of log read per container instance. @default 256 KiB */
export const EVIDENCE_LOG_BYTES = 256 * 1024;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The lines of a capture: the previous instance's (when the container restarted), then the current one's. */
function linesOf(capture: LogCapture, since: number): LogLine[] {
  const all = [...parseLogLines(capture.previous ?? ""), ...parseLogLines(capture.current)];
  // sinceTime has whole seconds; the script's time too: nothing finer to cut on.
  return all.filter((l) => l.time === null || l.time >= since);
}

/**
 * Captures and posts the evidence of a signal sent at `sentAt` (the node's time right before `kill`). Never throws:
 * the signal is sent whatever happens here, and a failure is said in the thread.
 */
export async function captureSignalEvidence(
  deps: WorkerDeps,
  request: SignalRequest,
  sentAt: string | null,
): Promise<void> {
  const container = request.process.container;
  if (sentAt === null || container === null) return;
  const channel = approvalsChannel(deps, request.channel);
  const since = Date.parse(sentAt);
  const sleep = deps.sleep ?? wait;
  const window = evidenceWindow(request.process.runtime, request.signal);
  const dbg = deps.debuggerFor(request.target.cluster);
  const ask = {
    namespace: request.target.namespace,
    // A copy's processes are the copy's: its containers' logs are the copy's too.
    pod: request.target.debugPod,
    container,
    since: sentAt,
    limitBytes: EVIDENCE_LOG_BYTES,
  };
  try {
    let capture = await dbg.readLogs(ask);
    let lines = linesOf(capture, since);
    let waited = 0;
    while (!window.done(lines) && waited < window.maxMs) {
      await sleep(window.pollMs);
      waited += window.pollMs;
      capture = await dbg.readLogs(ask);
      lines = linesOf(capture, since);
    }
    const facts = evidenceFacts(lines, capture, Math.round(waited / 100) / 10);
    facts.firstErrors = facts.firstErrors.map((e) => deps.redactor.text(e));
    const files: { filename: string; title: string; content: string }[] = [];
    const base = `${request.target.pod}-${container}-sig${request.signal.toLowerCase()}-pid${request.process.pid}`;
    if (lines.length > 0)
      files.push({
        filename: `${base}-log.txt`,
        title: `Log of ${container} after SIG${request.signal} (redacted)`,
        content: deps.redactor.text(logFileText(lines)),
      });
    if (facts.dump)
      files.push({
        filename: `${base}-${facts.dump.kind.replace(" ", "-")}.txt`,
        title: `${facts.dump.kind[0]!.toUpperCase()}${facts.dump.kind.slice(1)} of PID ${request.process.pid} (redacted)`,
        content: deps.redactor.text(facts.dump.text),
      });
    const view = renderSignalEvidenceView({
      signal: request.signal,
      pid: request.process.pid,
      container,
      since,
      facts,
      files: files.map((f) => f.filename),
    });
    await deps.chat.post(channel, view, request.messageTs);
    for (const f of files) await deps.chat.upload({ channel, threadTs: request.messageTs, ...f });
  } catch (err) {
    const error = asPnsError(err);
    deps.logger.warn("could not capture the signal's evidence", { request: request.id, error: error.cause ?? error });
    await deps.chat
      .post(
        channel,
        {
          text: `pns could not read the log of container ${container} after the signal: ${error.userMessage}`,
          blocks: [
            {
              type: "context",
              elements: [
                {
                  type: "mrkdwn",
                  text: `:grey_question: pns could not read the log of container ${container.replace(/[<>&]/g, "")} after the signal: ${error.userMessage.replace(/[<>&]/g, "")}${error.hint ? ` ${error.hint.replace(/[<>&]/g, "")}` : ""}`,
                },
              ],
            },
          ],
        },
        request.messageTs,
      )
      .catch(() => {});
  }
}
