import { psOf } from "../core/command/hints.js";
import { PnsError } from "../core/errors.js";
import { redactEnvironment } from "../core/inspect/environment.js";
import { cgroupUsage } from "../core/inspect/parse-inspect.js";
import type { Job } from "../core/jobs.js";
import { renderInspectView } from "../core/views/inspect-view.js";
import { attachPod } from "./attach-pod.js";
import { audit } from "./audit.js";
import type { WorkerDeps } from "./deps.js";
import { Progress } from "./progress.js";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;

/**
 * `/pns inspect`: one process's environment (masked), limits, identity, capabilities and cgroup, for the asker only.
 * The audit names the variables shown and those masked, never a value.
 */
export async function runInspect(deps: WorkerDeps, job: Extract<Job, { kind: "inspect" }>): Promise<void> {
  const { origin, command } = job;
  const progress = new Progress(deps, origin.responseUrl);
  // A process's environment, fds, cwd and exe need ptrace access to it (linux fs/proc/base.c proc_mem_open,
  // proc_fd_access_allowed): the read profile, as a refused `cat` retries with.
  const at = await attachPod(deps, origin, command, progress, deps.config.debug.readProfile);
  const [taken, output] = await Promise.all([
    at.debugger.listProcesses(at.location, { cpuSampleSeconds: 0 }),
    at.debugger.inspectProcess(at.location, command.pid),
  ]);
  const process = taken.listing.processes.find((p) => p.pid === command.pid);
  if (!process) {
    throw new PnsError("process_gone", `PID ${command.pid} is not running in pod ${at.pod.pod}.`, {
      hint: `Run \`${psOf(command, { kind: "pod", name: at.pod.pod })}\` to see its processes.`,
    });
  }
  if (process.role === "debug") {
    throw new PnsError("not_allowed", `PID ${command.pid} is pns's own debug container: pick a process of the pod.`);
  }
  const environment = output.environ === null ? null : redactEnvironment(output.environ, deps.redactor);
  const view = renderInspectView({
    pod: at.pod,
    pid: command.pid,
    container: process.container,
    command: deps.redactor.command(process.args),
    output,
    environment,
    cgroup: cgroupUsage(output.cgroupFiles),
  });
  await deps.chat.replyPrivately(origin, view);
  // Only names: an entry that is no `KEY=value` (a process that wrote its title over its environment) is counted.
  const named = environment?.filter((e) => ENV_NAME.test(e.key)) ?? [];
  const shown = named.filter((e) => !e.masked).map((e) => e.key);
  const masked = named.filter((e) => e.masked).map((e) => e.key);
  const other = (environment?.length ?? 0) - named.length;
  await audit(deps, {
    actor: origin.user,
    action: "read",
    channel: origin.channel,
    ...at.pod,
    detail:
      environment === null
        ? `inspected PID ${command.pid}: environment not readable`
        : `inspected PID ${command.pid}: environment keys shown ${shown.join(",") || "none"}; masked ${masked.join(",") || "none"}${other > 0 ? `; ${other} entries not KEY=value` : ""}`,
    outcome: "ok",
  });
}
