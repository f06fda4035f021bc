import { describe, expect, it } from "vitest";
import { SIGNAL_NAMES, SIGNALS, type SignalName } from "../signals.js";
import { droppedMessage, parseSignalMask, signalDelivery, undeliverable } from "./signal-delivery.js";

const mask = (...names: SignalName[]) => names.reduce((m, n) => m | (1 << (SIGNALS[n] - 1)), 0);
// nginx's master: handles HUP INT QUIT USR1 USR2 ALRM TERM CHLD WINCH IO, ignores PIPE and SYS.
const nginx = { caughtSignals: mask("HUP", "INT", "QUIT", "USR1", "USR2", "TERM", "WINCH"), ignoredSignals: 1 << 12 };

describe("signalDelivery (linux kernel/signal.c sig_task_ignored, sig_handler_ignored, prepare_signal)", () => {
  it("drops KILL and STOP to a namespace's init whatever it knows, and delivers CONT", () => {
    for (const d of [nginx, { caughtSignals: null, ignoredSignals: null }]) {
      expect(signalDelivery("KILL", { pid: 1, ...d })).toEqual({ kind: "dropped", reason: "init_uncatchable" });
      expect(signalDelivery("STOP", { pid: 1, ...d })).toEqual({ kind: "dropped", reason: "init_uncatchable" });
      expect(signalDelivery("CONT", { pid: 1, ...d })).toEqual({ kind: "delivered" });
    }
  });

  it("gives a namespace's init only the signals it handles", () => {
    const sleeper = { pid: 1, caughtSignals: 0, ignoredSignals: 0 };
    for (const s of SIGNAL_NAMES.filter((x) => !["KILL", "STOP", "CONT"].includes(x)))
      expect([s, signalDelivery(s, sleeper)]).toEqual([s, { kind: "dropped", reason: "init_no_handler" }]);
    expect(signalDelivery("HUP", { pid: 1, ...nginx })).toEqual({ kind: "delivered" });
    expect(signalDelivery("TERM", { pid: 1, ...nginx })).toEqual({ kind: "delivered" });
  });

  it("kills any other process with an uncaught signal, but drops ignored ones and WINCH without a handler", () => {
    const plain = { pid: 7, caughtSignals: 0, ignoredSignals: mask("USR2") };
    expect(signalDelivery("KILL", plain)).toEqual({ kind: "delivered" });
    expect(signalDelivery("TERM", plain)).toEqual({ kind: "delivered" });
    expect(signalDelivery("USR2", plain)).toEqual({ kind: "dropped", reason: "ignored" });
    expect(signalDelivery("WINCH", plain)).toEqual({ kind: "dropped", reason: "ignored_by_default" });
    expect(signalDelivery("WINCH", { ...plain, caughtSignals: mask("WINCH") })).toEqual({ kind: "delivered" });
  });

  it("cannot tell without SigCgt/SigIgn (the ps fallback), except KILL and STOP to PID 1", () => {
    expect(signalDelivery("TERM", { pid: 1, caughtSignals: null, ignoredSignals: null })).toEqual({ kind: "unknown" });
    expect(undeliverable("TERM", { pid: 1 })).toBeNull();
    expect(undeliverable("KILL", { pid: 1 })?.userMessage).toMatch(/kernel drops SIGKILL/);
  });

  it("says why and what works instead", () => {
    const { message, hint } = droppedMessage("KILL", 1, "init_uncatchable");
    expect(message).toBe(
      "PID 1 is the init of its container's PID namespace: the kernel drops SIGKILL sent to it from inside that namespace (kill still succeeds), so pns does not send it.",
    );
    expect(hint).toMatch(/restart the pod through its controller.*--copy.*shareProcessNamespace: true/);
  });

  it("parses the low 32 bits of a status mask", () => {
    expect(parseSignalMask("0000000000004a07")).toBe(0x4a07);
    expect(parseSignalMask("fffffffe80000000")).toBe(0x80000000);
    expect(parseSignalMask("")).toBeNull();
    expect(parseSignalMask("xyz")).toBeNull();
  });
});
