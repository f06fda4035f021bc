/**
 * What pns saw in the seconds after a signal, decided and worded: the target container restarted (exit 137,
 * OOMKilled), the target is stopped (T) or a zombie (Z), it exited, the pod is not ready, or all is healthy — with
 * the new and exited PIDs and each process's STAT. Pure: the use case (`src/app/after-signal.ts`) does the polling.
 */

import { containerChanges, type PodSummary } from "./pod-summary.js";

/** The pod as the watch reads it: its summary and its `Ready` condition. */
export interface PodHealthLike {
  summary: PodSummary;
  /** The pod's `Ready` condition; null when the pod has none. */
  ready: boolean | null;
}

/** A process as the watch needs it (a row of a listing, redacted). */
export interface WatchedProcess {
  pid: number;
  /** STAT's first letter as the kernel gives it (R, S, D, T, t, Z, I…). */
  state: string;
  command: string;
  container: string | null;
  fingerprint: { startTicks: number } | null;
}

/** Input of {@link afterSignalReport}. */
export interface AfterSignalInput {
  signal: string;
  target: { pid: number; startTicks: number; container: string | null };
  /** The processes just before the signal; null when unknown. */
  before: readonly WatchedProcess[] | null;
  /** The pod just before the signal; null when pns could not read it. */
  podBefore: PodHealthLike | null;
  /** The last poll: the processes (null when listing failed) and the pod (null when it could not be read). */
  after: readonly WatchedProcess[] | null;
  podAfter: PodHealthLike | null;
  /** Seconds watched. */
  seconds: number;
  /** Why a read failed, when one did (already redacted). */
  problem?: string | null;
}

/** What the watch concluded: its headline and the facts under it. */
export interface AfterSignalReport {
  /** `healthy`, or the worst thing seen first. */
  verdict: "healthy" | "restarted" | "stopped" | "zombie" | "exited" | "not_ready" | "unknown";
  /** One sentence: "healthy after 10 s: nginx ready, workers 20, 21 new". */
  headline: string;
  /** The facts, one line each: container restarts, the target's state, new and exited PIDs, STATs, readiness. */
  facts: string[];
}

const STATES: Record<string, string> = {
  R: "running",
  S: "sleeping",
  D: "in uninterruptible sleep",
  T: "stopped",
  t: "stopped by a tracer",
  Z: "a zombie",
  I: "idle",
  X: "dead",
};

const same = (p: WatchedProcess, pid: number, start: number) => p.pid === pid && p.fingerprint?.startTicks === start;
const keyOf = (p: WatchedProcess) => `${p.pid}:${p.fingerprint?.startTicks ?? ""}`;

/** "workers 20, 21" for nginx workers, else "PIDs 20, 21 (command)": new or exited processes, grouped by command. */
function groups(processes: readonly WatchedProcess[]): string[] {
  const byCommand = new Map<string, number[]>();
  for (const p of processes) byCommand.set(p.command, [...(byCommand.get(p.command) ?? []), p.pid]);
  return [...byCommand].map(([command, pids]) => {
    const list = pids.join(", ");
    if (/worker process/.test(command)) return `${pids.length === 1 ? "worker" : "workers"} ${list}`;
    return `${pids.length === 1 ? "PID" : "PIDs"} ${list} (${cut(command, 60)})`;
  });
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** "exit 137, OOMKilled" from what the kubelet recorded. */
function how(exitCode: number | null, reason: string | null): string {
  return [exitCode === null ? null : `exit ${exitCode}`, reason].filter((x) => x !== null).join(", ");
}

/**
 * Decides what the seconds after a signal showed and words it. The worst first: a restarted or stopped container,
 * then the target stopped (T), a zombie (Z) or exited, then a container or the pod not ready; else healthy.
 */
export function afterSignalReport(input: AfterSignalInput): AfterSignalReport {
  const facts: string[] = [];
  const { pid, startTicks, container } = input.target;
  const seconds = `${Math.round(input.seconds * 10) / 10} s`;

  // Containers: restarts since just before the signal (lastState.terminated says how the last one ended).
  const changes =
    input.podBefore && input.podAfter ? containerChanges(input.podBefore.summary, input.podAfter.summary) : [];
  const restarted = changes.map((c) =>
    c.kind === "restarted"
      ? `container ${c.container} restarted${c.restarts > 1 ? ` ${c.restarts} times` : ""}${how(c.exitCode, c.reason) ? ` (${how(c.exitCode, c.reason)})` : ""}`
      : `container ${c.container} stopped${how(c.exitCode, c.reason) ? ` (${how(c.exitCode, c.reason)})` : ""} and has not restarted yet`,
  );
  facts.push(...restarted.map((r) => `${r[0]!.toUpperCase()}${r.slice(1)}.`));

  // The target process, found by PID and start time: a new process under its PID is not it.
  const after = input.after;
  const target = after?.find((p) => same(p, pid, startTicks));
  let targetLine: string | null = null;
  let verdict: AfterSignalReport["verdict"] = "healthy";
  if (after !== null && target === undefined) {
    targetLine = `PID ${pid} exited`;
    verdict = "exited";
  } else if (target) {
    const word = STATES[target.state] ?? `in state ${target.state}`;
    targetLine = `PID ${pid} is ${word} (${target.state || "?"})`;
    if (target.state === "T" || target.state === "t") verdict = "stopped";
    else if (target.state === "Z") verdict = "zombie";
  }
  if (targetLine) facts.push(`${targetLine}.`);

  // New and exited PIDs across the signal, and every process's STAT now.
  if (input.before && after) {
    const was = new Set(input.before.map(keyOf));
    const now = new Set(after.map(keyOf));
    const started = after.filter((p) => !was.has(keyOf(p)));
    const exited = input.before.filter((p) => !now.has(keyOf(p)) && !same(p, pid, startTicks));
    if (started.length > 0) facts.push(`New: ${groups(started).join("; ")}.`);
    if (exited.length > 0) facts.push(`Exited: ${groups(exited).join("; ")}.`);
  }
  if (after && after.length > 0) {
    const stats = after.slice(0, 40).map((p) => `${p.pid} ${p.state || "?"}`);
    facts.push(`STAT: ${stats.join(", ")}${after.length > 40 ? `, … (${after.length - 40} more)` : ""}.`);
  }

  // Readiness: the target container's and the pod's.
  const pod = input.podAfter;
  const own = container === null ? undefined : pod?.summary.containers.find((c) => c.name === container);
  const unready = (pod?.summary.containers ?? []).filter((c) => c.ready === false).map((c) => c.name);
  if (pod) {
    if (own)
      facts.push(
        `Container ${own.name}: ${own.ready === false ? "not ready" : own.ready ? "ready" : "readiness unknown"}, ${own.restartCount} ${own.restartCount === 1 ? "restart" : "restarts"}${own.lastTermination ? `, last ended ${how(own.lastTermination.exitCode, own.lastTermination.reason) || "for an unknown reason"}` : ""}.`,
      );
    facts.push(
      `Pod ${pod.summary.phase ?? "phase unknown"}, ${pod.ready === false ? "not ready" : pod.ready ? "ready" : "readiness unknown"}.`,
    );
  }
  if (input.problem) facts.push(`pns could not read everything: ${input.problem}`);

  if (restarted.length > 0) {
    return { verdict: "restarted", headline: `${capital(restarted.join("; "))} within ${seconds}.`, facts };
  }
  if (verdict === "stopped" || verdict === "zombie") {
    return { verdict, headline: `${targetLine} after ${seconds}.`, facts };
  }
  const notReady = unready.length > 0 || pod?.ready === false;
  if (verdict === "exited" && input.signal !== "TERM" && input.signal !== "KILL" && input.signal !== "INT") {
    return {
      verdict,
      headline: `PID ${pid} exited within ${seconds}${notReady ? ", and the pod is not ready" : ""}.`,
      facts,
    };
  }
  if (notReady) {
    const who = unready.length > 0 ? `${unready.join(", ")} not ready` : "the pod is not ready";
    return { verdict: "not_ready", headline: `Not healthy after ${seconds}: ${who}.`, facts };
  }
  if (pod === null && after === null) {
    return {
      verdict: "unknown",
      headline: `pns could not see what happened in the ${seconds} after the signal.`,
      facts,
    };
  }
  const good: string[] = [];
  if (own?.ready) good.push(`${own.name} ready`);
  else if (pod?.ready) good.push("pod ready");
  if (verdict === "exited") good.push(`PID ${pid} exited`);
  if (input.before && after) {
    const was = new Set(input.before.map(keyOf));
    const started = after.filter((p) => !was.has(keyOf(p)));
    if (started.length > 0) good.push(`${groups(started).join("; ")} new`);
  }
  if (target && verdict === "healthy") good.push(`PID ${pid} ${target.state || "?"}`);
  return {
    verdict: "healthy",
    headline: `Healthy after ${seconds}${good.length ? `: ${good.join(", ")}` : ""}.`,
    facts,
  };
}

function capital(text: string): string {
  return text.length === 0 ? text : `${text[0]!.toUpperCase()}${text.slice(1)}`;
}
