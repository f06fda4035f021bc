import { PnsError } from "../core/errors.js";
import type { Job } from "../core/jobs.js";
import { renderFileView } from "../core/views/file-view.js";
import { podFields } from "./approval-message.js";
import { audit } from "./audit.js";
import type { WorkerDeps } from "./deps.js";
import { listPod } from "./list-pod.js";
import { Progress } from "./progress.js";
import { readWithLeastPrivilege } from "./read-file.js";

/** `/pns cat`: reads a file of the process's container through /proc/PID/root, redacted, for the asker only. */
export async function runCat(deps: WorkerDeps, job: Extract<Job, { kind: "cat" }>): Promise<void> {
  const { origin, command } = job;
  const progress = new Progress(deps, origin.responseUrl);
  const listed = await listPod(deps, origin, command, progress);
  const process = listed.snapshot.processes.find((p) => p.pid === command.pid);
  if (!process) {
    throw new PnsError("process_gone", `PID ${command.pid} is not running in pod ${listed.snapshot.pod.pod}.`, {
      hint: `Run \`/pns ps ${listed.snapshot.pod.pod}\` to see its processes.`,
    });
  }
  const { file } = await readWithLeastPrivilege(
    deps,
    origin,
    listed,
    { pid: command.pid, path: command.path, container: command.container },
    progress,
  );
  const maxLines = command.lines ?? deps.config.debug.maxFileLines;
  const all = file.text === null ? [] : deps.redactor.text(file.text).split("\n");
  const shown = all.slice(0, maxLines);
  const view = renderFileView({
    pod: listed.snapshot.pod,
    pid: command.pid,
    container: process.container,
    path: command.path,
    content: shown.join("\n"),
    bytes: file.bytes,
    truncated: file.truncated || shown.length < all.length,
    binary: file.binary,
    lines: shown.length,
  });
  await deps.chat.replyPrivately(origin, view);
  await audit(deps, {
    actor: origin.user,
    action: "read",
    channel: origin.channel,
    ...podFields(listed.snapshot),
    detail: `read ${command.path} of PID ${command.pid} (${file.bytes} bytes)`,
    outcome: "ok",
  });
}
