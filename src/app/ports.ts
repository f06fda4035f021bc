import { PnsError } from "../core/errors.js";
import type { Job } from "../core/jobs.js";
import { analyzePorts, type PortProcess } from "../core/ports/analyze.js";
import { toRows } from "../core/process/rows.js";
import { withoutCollector } from "../core/process/without-collector.js";
import { renderPortsView } from "../core/views/ports-view.js";
import { attachPod, clearProgress } from "./attach-pod.js";
import { audit } from "./audit.js";
import type { WorkerDeps } from "./deps.js";
import { Progress } from "./progress.js";

/** `/pns ports`: what listens in the pod, who holds each socket, against its declared ports and its Services. */
export async function runPorts(deps: WorkerDeps, job: Extract<Job, { kind: "ports" }>): Promise<void> {
  const { origin, command } = job;
  const progress = new Progress(deps, origin.responseUrl);
  const at = await attachPod(deps, origin, command, progress);
  // One listing without CPU samples names each PID's container; the ports script runs beside it.
  const [taken, ports] = await Promise.all([
    at.debugger.listProcesses(at.location, { cpuSampleSeconds: 0 }),
    at.debugger.listPorts(at.location, at.resolved.pod.name),
  ]);
  if (ports.output.missingTools.length > 0) {
    throw new PnsError(
      "exec_failed",
      `The debug image ${at.attachment.image} has no ${ports.output.missingTools.join(", ")}, which /pns ports needs.`,
      { hint: "Set `debug.image` to a busybox image (it has `ls`)." },
    );
  }
  const processes = new Map<number, PortProcess>();
  for (const r of toRows(withoutCollector(taken.listing), deps.redactor)) {
    if (r.role === "app")
      processes.set(r.pid, { pid: r.pid, container: r.container, user: r.user, command: r.command });
  }
  const report = analyzePorts({
    sockets: ports.output.sockets,
    holders: ports.output.processes,
    processes,
    declared: ports.declared,
    services: ports.services,
    ...(ports.servicesProblem ? { servicesProblem: ports.servicesProblem } : {}),
    partialView: at.attachment.strategy === "ephemeral",
  });
  const view = renderPortsView({
    pod: at.pod,
    attachment: at.attachment,
    report,
    requestedBy: origin.user,
    takenAt: deps.now(),
  });
  await deps.chat.post(origin.channel, view);
  await clearProgress(deps, origin.responseUrl);
  await audit(deps, {
    actor: origin.user,
    action: "command",
    channel: origin.channel,
    ...at.pod,
    detail: `listed ${report.listeners.length} listening ports (${report.findings.length} findings) through ${at.attachment.container}`,
    outcome: "ok",
  });
}
