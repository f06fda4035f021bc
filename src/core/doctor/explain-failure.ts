/** Words a failed `ps` (or cat, signal) from the doctor's findings: which check failed, and its fix. */
import type { Diagnosis, Finding } from "./diagnose.js";

/** Error codes whose cause the doctor's checks can name: refusals, a failing exec, a debug container that won't run. */
export const DIAGNOSABLE_CODES = [
  "forbidden",
  "pod_security",
  "admission_refused",
  "exec_failed",
  "timeout",
  "ephemeral_unsupported",
] as const;

/** Warnings that can explain a failure on their own when no check is a problem. */
const EXPLAINING_WARNINGS = /^(User namespace|Debug container limit|Recent denial)/;

/** The findings that explain a failure: every problem, else the warnings that can, at most `max`. */
export function explainingFindings(diagnosis: Diagnosis, max = 3): Finding[] {
  const problems = diagnosis.findings.filter((f) => f.level === "problem");
  const chosen =
    problems.length > 0
      ? problems
      : diagnosis.findings.filter((f) => f.level === "warning" && EXPLAINING_WARNINGS.test(f.title));
  return chosen.slice(0, max);
}

/** A failure's message and hint, with the checks that failed and their fixes; `doctor` is the `/pns doctor …` text. */
export function explainFailure(
  failure: { message: string; hint: string | undefined },
  diagnosis: Diagnosis | null,
  doctor: string,
): { message: string; hint: string } {
  if (diagnosis === null) {
    return {
      message: failure.message,
      hint: [failure.hint, `\`${doctor}\` checks what pns may do there.`].filter(Boolean).join(" "),
    };
  }
  const found = explainingFindings(diagnosis);
  if (found.length === 0) {
    return {
      message: `${failure.message} pns's checks of the pod found nothing else wrong.`,
      hint: [failure.hint, `\`${doctor}\` shows every check.`].filter(Boolean).join(" "),
    };
  }
  const checks = found.map((f) => `${f.title} (${f.detail.replace(/\.$/, "")})`).join("; ");
  const fixes = [...new Set(found.map((f) => f.fix).filter((f) => f !== ""))];
  return {
    message: `${failure.message} ${found.length === 1 ? "The check that failed" : "The checks that failed"}: ${checks}.`,
    hint: [...fixes, `\`${doctor}\` shows every check.`].join(" "),
  };
}
