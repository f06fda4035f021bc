import { describe, expect, it } from "vitest";
import { SIGNAL_NAMES, type SignalName } from "../signals.js";
import { type SignalTarget, signalSeverity } from "./severity.js";

const main: SignalTarget = { pid: 8, main: true, container: "nginx", restartPolicy: "Always" };
const worker: SignalTarget = { ...main, pid: 14, main: false };
const unknown: SignalTarget = { ...main, main: null, restartPolicy: null };

describe("signalSeverity", () => {
  const cases: { signal: SignalName; target: SignalTarget; level: string; style: string; says: string }[] = [
    {
      signal: "KILL",
      target: main,
      level: "high",
      style: "danger",
      says: "container nginx stops and the kubelet restarts it",
    },
    { signal: "KILL", target: worker, level: "high", style: "danger", says: "its parent decides what comes next" },
    { signal: "TERM", target: main, level: "high", style: "danger", says: "as a pod shutdown does" },
    { signal: "STOP", target: worker, level: "high", style: "danger", says: "until SIGCONT (STAT T)" },
    { signal: "QUIT", target: main, level: "high", style: "danger", says: "core dump" },
    { signal: "QUIT", target: worker, level: "medium", style: "primary", says: "its parent decides" },
    { signal: "INT", target: main, level: "high", style: "danger", says: "as Ctrl-C does" },
    {
      signal: "INT",
      target: unknown,
      level: "high",
      style: "danger",
      says: "if it is its container's main process, container nginx stops",
    },
    {
      signal: "HUP",
      target: main,
      level: "medium",
      style: "primary",
      says: "A program without a handler exits: container nginx stops",
    },
    { signal: "HUP", target: worker, level: "medium", style: "primary", says: "nginx re-reads its configuration" },
    { signal: "USR1", target: worker, level: "medium", style: "primary", says: "reopens its log files" },
    { signal: "WINCH", target: main, level: "low", style: "primary", says: "terminal size changed" },
    { signal: "CONT", target: main, level: "low", style: "primary", says: "resumes a stopped process" },
    {
      signal: "KILL",
      target: { ...main, restartPolicy: "Never" },
      level: "high",
      style: "danger",
      says: "stays stopped (restartPolicy Never)",
    },
    {
      signal: "TERM",
      target: { ...main, restartPolicy: "OnFailure" },
      level: "high",
      style: "danger",
      says: "only if it exits with an error",
    },
    {
      signal: "KILL",
      target: { ...main, pid: 1 },
      level: "low",
      style: "primary",
      says: "is not delivered: PID 1 of its PID namespace",
    },
    {
      signal: "TERM",
      target: { ...main, pid: 1 },
      level: "high",
      style: "danger",
      says: "gets the signal only if it handles it",
    },
  ];
  it.each(cases)(
    "$signal to $target.pid (main $target.main, $target.restartPolicy) is $level",
    ({ signal, target, level, style, says }) => {
      const s = signalSeverity(signal, target);
      expect([s.level, s.style]).toEqual([level, style]);
      expect(s.consequence).toContain(says);
    },
  );

  it("has a short consequence for every allowed signal and target", () => {
    for (const signal of SIGNAL_NAMES)
      for (const target of [main, worker, unknown, { ...main, pid: 1 }, { ...worker, container: null }]) {
        const s = signalSeverity(signal, target);
        expect(s.consequence.length).toBeGreaterThan(20);
        expect(s.consequence.length).toBeLessThan(300);
        expect(s.style === "danger").toBe(s.level === "high");
      }
  });
});
