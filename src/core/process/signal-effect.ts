/**
 * What a signal did, in plain sentences, from the listings and the pod before and after it: the container restarted
 * (exit 137, OOMKilled), the process is stopped (STAT T), processes restarted or exited — or nothing changed.
 */

import type { SignalName } from "../signals.js";
import { type ContainerChange, containerChanges, type PodSummary } from "./pod-summary.js";

/** A process as the effect needs it: a row of the listing after the signal. */
interface RowLike {
  pid: number;
  state: string;
  fingerprint: { startTicks: number } | null;
}

/** Input of {@link signalEffects}. */
export interface SignalEffectInput {
  signal: SignalName;
  /** The process the signal was for. */
  target: { pid: number; startTicks: number };
  /** How many processes restarted, started and exited across the signal (see `ProcessDiff`). */
  changes: { restarted: number; started: number; exited: number };
  /** The rows listed after the signal; null when listing failed. */
  after: readonly RowLike[] | null;
  /** The pod just before and a moment after the signal, when the adapter read it. */
  podBefore?: PodSummary | null;
  podAfter?: PodSummary | null;
}

function describeChange(c: ContainerChange): string {
  const how = [c.exitCode === null ? null : `exit ${c.exitCode}`, c.reason].filter((x) => x !== null).join(", ");
  const times = c.restarts > 1 ? ` ${c.restarts} times` : "";
  return c.kind === "restarted"
    ? `Container ${c.container} restarted${times}${how ? ` (${how})` : ""}.`
    : `Container ${c.container} stopped${how ? ` (${how})` : ""} and has not restarted yet.`;
}

/**
 * The sentences that say what the signal did beyond the process diff: each container that restarted or stopped,
 * and the target's own state when it is still there but stopped (T) or a zombie (Z). Empty when there is none.
 */
export function signalEffects(input: SignalEffectInput): string[] {
  const out: string[] = [];
  if (input.podBefore && input.podAfter)
    out.push(...containerChanges(input.podBefore, input.podAfter).map(describeChange));
  const { pid, startTicks } = input.target;
  const still = input.after?.find((r) => r.pid === pid && r.fingerprint?.startTicks === startTicks);
  if (still?.state === "T" || still?.state === "t") {
    out.push(`PID ${pid} is stopped (STAT ${still.state}): it does nothing until it gets SIGCONT.`);
  } else if (still?.state === "Z") {
    out.push(`PID ${pid} has exited; its parent has not collected it yet (STAT Z).`);
  } else if (still && input.signal === "CONT") {
    out.push(`PID ${pid} is running (STAT ${still.state}).`);
  }
  return out;
}

/** One line for the request's outcome: the effects, the process changes, or "No process changed." */
export function summarizeSignalEffect(input: SignalEffectInput): string {
  const { restarted, started, exited } = input.changes;
  const counts = [
    restarted > 0 ? `${restarted} restarted` : "",
    started > 0 ? `${started} started` : "",
    exited > 0 ? `${exited} exited` : "",
  ].filter(Boolean);
  const parts = [...signalEffects(input), ...(counts.length > 0 ? [`Processes: ${counts.join(", ")}.`] : [])];
  return parts.length === 0 ? "No process changed." : parts.join(" ");
}
