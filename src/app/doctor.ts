import { diagnose } from "../core/doctor/diagnose.js";
import type { Job } from "../core/jobs.js";
import { renderDoctorView } from "../core/views/doctor-view.js";
import { audit } from "./audit.js";
import type { WorkerDeps } from "./deps.js";
import { placementOf } from "./list-pod.js";
import { Progress } from "./progress.js";
import { resolvePod } from "./resolve-pod.js";

/**
 * `/pns doctor`: reads (and at most one exec in a debug container that already runs) saying whether pns can work on
 * the pod, each finding with its fix; adds nothing to the pod. For the asker only.
 */
export async function runDoctor(deps: WorkerDeps, job: Extract<Job, { kind: "doctor" }>): Promise<void> {
  const { origin, command } = job;
  const progress = new Progress(deps, origin.responseUrl);
  const { binding, namespace } = placementOf(deps, origin, command.namespace);
  const dbg = deps.debuggerFor(binding.cluster);
  await progress.step(`Checking what pns may do in namespace ${namespace}…`);
  const resolved = await resolvePod(dbg, binding, namespace, command);
  const facts = await dbg.doctor(resolved, { container: command.container, copy: command.copy });
  const diagnosis = diagnose(facts);
  const pod = { cluster: binding.cluster, namespace, pod: resolved.pod.name };
  await deps.chat.replyPrivately(origin, renderDoctorView({ pod, diagnosis, elapsedMs: facts.elapsedMs }));
  const problems = diagnosis.findings.filter((f) => f.level === "problem").map((f) => f.title);
  await audit(deps, {
    actor: origin.user,
    action: "command",
    channel: origin.channel,
    ...pod,
    detail: `doctor: ${diagnosis.ready ? "ready" : `not ready (${problems.join("; ")})`}`.slice(0, 500),
    outcome: "ok",
  });
}
