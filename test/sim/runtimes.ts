import { type OciRuntimeName, type RuntimeName, unavailableReason } from "../../src/local/sim/index.js";

const REAL: OciRuntimeName[] = ["runc", "crun"];

/** The real runtimes this machine can run (root, the binary, busybox, cgroups it accepts), chosen at collection. */
export const realRuntimes: OciRuntimeName[] = REAL.filter((r) => unavailableReason(r) === null);

/** Every runtime a contract suite runs against: the emulated one, then the real ones available here. */
export const runtimes: RuntimeName[] = ["emulated", ...realRuntimes];

/** The one line saying which real runtimes the contract suites leave out and why; null when none. */
export function skipLine(): string | null {
  const left = REAL.filter((r) => !realRuntimes.includes(r));
  if (left.length === 0) return null;
  const reasons = [...new Set(left.map((r) => unavailableReason(r)))];
  const why = reasons.length === 1 ? reasons[0] : left.map((r) => `${r}: ${unavailableReason(r)}`).join("; ");
  return `real runtime skipped (${left.join(", ")}): ${why}; those contract tests ran on the emulated runtime only`;
}
