import { describe, expect, it } from "vitest";
import type { PodSummary } from "./pod-summary.js";
import { type SignalEffectInput, summarizeSignalEffect } from "./signal-effect.js";

const pod = (restartCount: number): PodSummary => ({
  phase: "Running",
  node: null,
  restartPolicy: "Always",
  containers: [
    {
      name: "nginx",
      image: null,
      ready: true,
      restartCount,
      state: { kind: "running", reason: null, exitCode: null },
      lastTermination: restartCount > 0 ? { reason: "OOMKilled", exitCode: 137, finishedAt: null } : null,
      memoryLimitBytes: null,
    },
  ],
});
const base: SignalEffectInput = {
  signal: "HUP",
  target: { pid: 8, startTicks: 400 },
  changes: { restarted: 0, started: 0, exited: 0 },
  after: [{ pid: 8, state: "S", fingerprint: { startTicks: 400 } }],
};

describe("summarizeSignalEffect", () => {
  it.each<{ name: string; over: Partial<SignalEffectInput>; says: string }>([
    { name: "nothing changed", over: {}, says: "No process changed." },
    {
      name: "workers restarted",
      over: { changes: { restarted: 1, started: 0, exited: 0 } },
      says: "Processes: 1 restarted.",
    },
    {
      name: "the process stopped",
      over: { signal: "STOP", after: [{ pid: 8, state: "T", fingerprint: { startTicks: 400 } }] },
      says: "PID 8 is stopped (STAT T): it does nothing until it gets SIGCONT.",
    },
    {
      name: "another process now has the PID",
      over: { signal: "STOP", after: [{ pid: 8, state: "T", fingerprint: { startTicks: 999 } }] },
      says: "No process changed.",
    },
    {
      name: "the container restarted",
      over: { signal: "KILL", podBefore: pod(0), podAfter: pod(1), changes: { restarted: 0, started: 0, exited: 2 } },
      says: "Container nginx restarted (exit 137, OOMKilled). Processes: 2 exited.",
    },
    { name: "CONT", over: { signal: "CONT" }, says: "PID 8 is running (STAT S)." },
  ])("says $name", ({ over, says }) => {
    expect(summarizeSignalEffect({ ...base, ...over })).toBe(says);
  });
});
