/**
 * Whether the kernel delivers a signal sent from pns's debug container, from what the collector read of the target
 * (`SigCgt`/`SigIgn` of /proc/PID/status). The kernel drops some signals silently (kill(2) still returns 0), so pns
 * must know before it says "sent".
 *
 * The rules are those of linux kernel/signal.c: `sig_task_ignored` drops, for a task with SIGNAL_UNKILLABLE (every
 * PID namespace's init, set in kernel/fork.c `copy_process` for a child reaper), every signal whose handler is SIG_DFL
 * unless `force` (set by `send_signal_locked` only for a sender in an ancestor namespace, which pns's debug container
 * never is: it joins the target's namespace) — so KILL and STOP, which cannot be caught, never reach it;
 * `sig_handler_ignored` drops, for any task, a signal whose handler is SIG_IGN or SIG_DFL with a default action of
 * "ignore" (`sig_kernel_ignore`: CONT, CHLD, WINCH, URG). `prepare_signal` resumes a stopped task on SIGCONT before
 * that check, so CONT always has its effect.
 */
import { PnsError } from "../errors.js";
import { SIGNALS, type SignalName } from "../signals.js";
import type { ProcessInfo } from "./types.js";

/** What pns knows about one process's signal handlers: bit n−1 set for signal n (signals 1–32). */
export interface SignalDispositions {
  pid: number;
  /** `SigCgt`: signals it has a handler for; null when unknown (the ps fallback, an unreadable status). */
  caughtSignals: number | null;
  /** `SigIgn`: signals it ignores; null when unknown. */
  ignoredSignals: number | null;
}

/** Why the kernel would drop a signal. */
export type DropReason =
  /** KILL or STOP to a namespace's init, from inside its namespace. */
  | "init_uncatchable"
  /** Another signal to a namespace's init, which has no handler for it. */
  | "init_no_handler"
  /** The process ignores the signal (SIG_IGN). */
  | "ignored"
  /** The signal's default action is to ignore it (WINCH), and the process has no handler. */
  | "ignored_by_default";

/** Whether a signal would reach its target: delivered, dropped (and why), or unknown (no SigCgt/SigIgn read). */
export type SignalDelivery = { kind: "delivered" } | { kind: "dropped"; reason: DropReason } | { kind: "unknown" };

/** Signals whose default action is to do nothing (`sig_kernel_ignore` in include/linux/signal.h), of pns's list. */
const IGNORED_BY_DEFAULT: ReadonlySet<SignalName> = new Set<SignalName>(["CONT", "WINCH"]);

/** True when bit `signal − 1` is set in a 32-bit mask. */
function has(mask: number, signal: number): boolean {
  return signal >= 1 && signal <= 32 && ((mask >>> (signal - 1)) & 1) === 1;
}

/**
 * Whether the kernel delivers `signal` sent from inside the target's PID namespace. PID 1 is that namespace's init
 * (pns's debug container always shares the namespace of the processes it lists).
 */
export function signalDelivery(signal: SignalName, target: SignalDispositions): SignalDelivery {
  const n = SIGNALS[signal];
  // SIGCONT resumes a stopped process in prepare_signal whatever its handler.
  if (signal === "CONT") return { kind: "delivered" };
  const init = target.pid === 1;
  if (init && (signal === "KILL" || signal === "STOP")) return { kind: "dropped", reason: "init_uncatchable" };
  if (target.caughtSignals === null || target.ignoredSignals === null) return { kind: "unknown" };
  if (has(target.caughtSignals, n)) return { kind: "delivered" };
  if (has(target.ignoredSignals, n)) return { kind: "dropped", reason: "ignored" };
  if (init) return { kind: "dropped", reason: "init_no_handler" };
  if (IGNORED_BY_DEFAULT.has(signal)) return { kind: "dropped", reason: "ignored_by_default" };
  return { kind: "delivered" };
}

/** What an on-call engineer can do instead of a signal a namespace's init never gets. */
export const INIT_ALTERNATIVES =
  "To stop or restart it, restart the pod through its controller (`kubectl rollout restart`, or delete the pod); to signal it from a shared process namespace, debug a copy with `--copy` (there PID 1 is /pause) or run the pod with `shareProcessNamespace: true`.";

/** The message saying why the kernel would drop `signal` to PID `pid`, and the hint with what works instead. */
export function droppedMessage(signal: SignalName, pid: number, reason: DropReason): { message: string; hint: string } {
  const sig = `SIG${signal}`;
  switch (reason) {
    case "init_uncatchable":
      return {
        message: `PID ${pid} is the init of its container's PID namespace: the kernel drops ${sig} sent to it from inside that namespace (kill still succeeds), so pns does not send it.`,
        hint: INIT_ALTERNATIVES,
      };
    case "init_no_handler":
      return {
        message: `PID ${pid} is the init of its container's PID namespace and has no handler for ${sig}: the kernel drops it, so pns does not send it.`,
        hint: `Send a signal it handles (see its documentation), or: ${INIT_ALTERNATIVES}`,
      };
    case "ignored":
      return {
        message: `PID ${pid} ignores ${sig}: the kernel discards it, so pns does not send it.`,
        hint: "Send a signal the process handles, or restart the pod through its controller.",
      };
    case "ignored_by_default":
      return {
        message: `PID ${pid} has no handler for ${sig}, whose default action is to do nothing: the kernel discards it, so pns does not send it.`,
        hint: "Send a signal the process handles.",
      };
  }
}

/** The dispositions of a listed process, for {@link signalDelivery}. */
export function dispositionsOf(p: Pick<ProcessInfo, "pid" | "caughtSignals" | "ignoredSignals">): SignalDispositions {
  return { pid: p.pid, caughtSignals: p.caughtSignals, ignoredSignals: p.ignoredSignals };
}

/** Parses a SigCgt/SigIgn hex mask (16 hex digits) into its low 32 bits (signals 1–32); null when not hex. */
export function parseSignalMask(hex: string): number | null {
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) return null;
  return Number.parseInt(hex.slice(-8), 16) >>> 0;
}

/**
 * The refusal of a request for a signal the kernel would drop, from what the listing showed of the process; null
 * when it would be delivered or pns cannot tell (the signal script checks again right before `kill`).
 */
export function undeliverable(
  signal: SignalName,
  p: { pid: number; caughtSignals?: number | null; ignoredSignals?: number | null },
): PnsError | null {
  const delivery = signalDelivery(signal, {
    pid: p.pid,
    caughtSignals: p.caughtSignals ?? null,
    ignoredSignals: p.ignoredSignals ?? null,
  });
  if (delivery.kind !== "dropped") return null;
  const { message, hint } = droppedMessage(signal, p.pid, delivery.reason);
  return new PnsError("not_allowed", message, { hint });
}
