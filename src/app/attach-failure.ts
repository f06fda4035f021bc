/**
 * When pns cannot get a debug container or run its scripts, it runs the doctor's checks (only then, bounded) so
 * the error says which check failed and its fix, instead of the bare refusal.
 */
import { formatCommand } from "../core/command/format-command.js";
import type { DoctorCommand } from "../core/command/types.js";
import { type Diagnosis, type DoctorFacts, diagnose } from "../core/doctor/diagnose.js";
import { DIAGNOSABLE_CODES, explainFailure } from "../core/doctor/explain-failure.js";
import { PnsError } from "../core/errors.js";
import type { WorkerDeps } from "./deps.js";
import type { Placement } from "./list-pod.js";
import type { PodDebugger, ResolvedTarget } from "./ports/cluster.js";

/** Longest the doctor's checks may take on a failure before pns answers without them. @default 4 s */
export const FAILURE_DOCTOR_MS = 4000;

/** A failure to attach or exec, with what the doctor found (null when its checks failed or ran out of time). */
export class AttachFailure extends PnsError {
  constructor(
    readonly original: PnsError,
    readonly facts: DoctorFacts | null,
    readonly diagnosis: Diagnosis | null,
    message: string,
    hint: string,
  ) {
    super(original.code, message, {
      cause: original,
      hint,
      ...(original.podSecurity ? { podSecurity: original.podSecurity } : {}),
    });
  }
}

/** Runs the doctor's reads, or gives null past {@link FAILURE_DOCTOR_MS} or on any error of its own. */
async function boundedDoctor(
  deps: WorkerDeps,
  dbg: PodDebugger,
  resolved: ResolvedTarget,
  placement: Placement,
): Promise<DoctorFacts | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), FAILURE_DOCTOR_MS);
  });
  try {
    return await Promise.race([
      dbg.doctor(resolved, { container: placement.container, copy: placement.copy }).catch((error: unknown) => {
        deps.logger.debug("the doctor's checks failed after a failed attach", { error });
        return null;
      }),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The error to throw for a failed attach or listing: for a refusal or a failing exec, the original error with the
 * doctor's failed checks and their fixes; anything else unchanged.
 */
export async function explainAttachFailure(
  deps: WorkerDeps,
  dbg: PodDebugger,
  resolved: ResolvedTarget,
  placement: Placement,
  err: unknown,
): Promise<unknown> {
  if (!(err instanceof PnsError) || err instanceof AttachFailure) return err;
  if (!(DIAGNOSABLE_CODES as readonly string[]).includes(err.code)) return err;
  const facts = await boundedDoctor(deps, dbg, resolved, placement);
  const diagnosis = facts ? diagnose(facts) : null;
  const doctor: DoctorCommand = {
    kind: "doctor",
    target: { kind: "pod", name: resolved.pod.name },
    namespace: resolved.namespace,
    container: placement.container,
    cluster: null,
    copy: placement.copy,
  };
  const { message, hint } = explainFailure(
    { message: err.userMessage, hint: err.hint },
    diagnosis,
    `/pns ${formatCommand(doctor)}`,
  );
  return new AttachFailure(err, facts, diagnosis, message, hint);
}
