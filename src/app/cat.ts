import { psOf } from "../core/command/hints.js";
import { PnsError } from "../core/errors.js";
import type { Job } from "../core/jobs.js";
import { may } from "../core/policy.js";
import { quotePath, secretShapeOf } from "../core/process/file-read.js";
import { renderFileView } from "../core/views/file-view.js";
import { podFields } from "./approval-message.js";
import { audit, commandDetail } from "./audit.js";
import type { WorkerDeps } from "./deps.js";
import { errorMessage } from "./errors.js";
import { listPod } from "./list-pod.js";
import { Progress } from "./progress.js";
import { readWithLeastPrivilege } from "./read-file.js";

const SECRETS_HINT = "People under `people.catSecrets` in the pns configuration may read secrets (still redacted).";

/**
 * `/pns cat`: reads a file as one of the pod's app processes sees it (its root, its links, its uid's rights), redacted,
 * for the asker only. Secret paths and secret-shaped contents are refused unless the asker is under
 * `people.catSecrets`, checked here, in the worker, with the job's user; the audit trail names the path, never content.
 */
export async function runCat(deps: WorkerDeps, job: Extract<Job, { kind: "cat" }>): Promise<void> {
  const { origin, command } = job;
  const progress = new Progress(deps, origin.responseUrl);
  const listed = await listPod(deps, origin, command, progress);
  const { pod } = listed.snapshot;
  const process = listed.snapshot.processes.find((p) => p.pid === command.pid);
  if (!process) {
    throw new PnsError("process_gone", `PID ${command.pid} is not running in pod ${pod.pod}.`, {
      hint: `Run \`${psOf(command, { kind: "pod", name: pod.pod })}\` to see its processes.`,
    });
  }
  const where = `${command.path} of PID ${command.pid}`;
  const refuse = async (error: PnsError, why: string) => {
    await deps.chat.replyPrivately(origin, errorMessage(error, deps.logger, deps.newId, { job: "cat" }));
    await audit(deps, {
      actor: origin.user,
      action: "read",
      channel: origin.channel,
      ...podFields(listed.snapshot),
      detail: `refused ${where}: ${why}`,
      outcome: "refused",
    });
  };
  if (process.role !== "app") {
    const whose =
      process.role === "pause"
        ? "the pod's sandbox (/pause), not a process of the app"
        : "a process of pns's own debug container";
    return refuse(
      new PnsError("not_allowed", `PID ${command.pid} is ${whose}: pns reads files as the app's processes see them.`, {
        hint: `Pick a PID of the app from \`${psOf(command, { kind: "pod", name: pod.pod })}\`.`,
      }),
      process.role === "pause" ? "the sandbox" : "pns's own process",
    );
  }
  const groups = await deps.userGroups.groupsOf(origin.user);
  const secrets = may(deps.config, { user: origin.user, groups }, "catSecrets").ok;
  let file: Awaited<ReturnType<typeof readWithLeastPrivilege>>["file"];
  try {
    ({ file } = await readWithLeastPrivilege(
      deps,
      origin,
      listed,
      {
        pid: command.pid,
        path: command.path,
        container: process.container,
        secrets: secrets ? "allow" : "refuse",
        attachContainer: command.container,
      },
      progress,
    ));
  } catch (err) {
    // A secret path refused in the container: nothing was read.
    if (err instanceof PnsError && err.code === "not_allowed") return refuse(err, "a secret path");
    // The adapter knows the debug pod only: the listing to run again is the user's own command's.
    if (err instanceof PnsError && err.code === "process_gone") {
      throw new PnsError("process_gone", err.userMessage, {
        hint: `Run \`${psOf(command, { kind: "pod", name: pod.pod })}\` to see its processes.`,
        cause: err,
      });
    }
    throw err;
  }
  const shape = secrets || file.text === null ? null : secretShapeOf(file.text);
  if (shape) {
    return refuse(
      new PnsError(
        "not_allowed",
        `${quotePath(command.path)} of PID ${command.pid} looks like ${shape}: pns does not show it.`,
        {
          hint: SECRETS_HINT,
        },
      ),
      `looks like ${shape}`,
    );
  }
  const maxLines = command.lines ?? deps.config.debug.maxFileLines;
  const all = file.text === null ? [] : deps.redactor.text(file.text).split("\n");
  const shown = all.slice(0, maxLines);
  const view = renderFileView({
    pod,
    pid: command.pid,
    container: process.container,
    path: command.path,
    resolvedPath: file.path,
    content: shown.join("\n"),
    bytes: file.bytes,
    truncated: file.truncated || shown.length < all.length,
    binary: file.binary,
    lines: shown.length,
  });
  await deps.chat.replyPrivately(origin, view);
  const resolved = file.path === command.path ? "" : ` (${file.path})`;
  await audit(
    deps,
    {
      actor: origin.user,
      action: "read",
      channel: origin.channel,
      ...podFields(listed.snapshot),
      detail: commandDetail(
        origin.audit,
        `read ${command.path}${resolved} of PID ${command.pid} (${file.bytes} bytes)${secrets ? ", secrets allowed" : ""}`,
      ),
      outcome: "ok",
    },
    origin.audit,
  );
}
