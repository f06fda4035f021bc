import { describe, expect, it } from "vitest";
import { type AfterSignalInput, afterSignalReport, type PodHealthLike, type WatchedProcess } from "./after-signal.js";

const pod = (
  restartCount: number,
  ready = true,
  last: { reason: string; exitCode: number } | null = null,
): PodHealthLike => ({
  ready,
  summary: {
    phase: "Running",
    node: null,
    restartPolicy: "Always",
    containers: [
      {
        name: "nginx",
        image: null,
        ready,
        restartCount,
        state: { kind: "running", reason: null, exitCode: null },
        lastTermination: last ? { ...last, finishedAt: null } : null,
        memoryLimitBytes: null,
      },
    ],
  },
});
const proc = (pid: number, state = "S", command = "nginx: worker process", start = pid * 10): WatchedProcess => ({
  pid,
  state,
  command,
  container: "nginx",
  fingerprint: { startTicks: start },
});
const master = proc(8, "S", "nginx: master process nginx -g daemon off;");
const base: AfterSignalInput = {
  signal: "HUP",
  target: { pid: 8, startTicks: 80, container: "nginx" },
  before: [master, proc(14)],
  podBefore: pod(0),
  after: [master, proc(20), proc(21)],
  podAfter: pod(0),
  seconds: 10,
};

describe("afterSignalReport", () => {
  it.each<{ name: string; over: Partial<AfterSignalInput>; verdict: string; headline: string }>([
    {
      name: "a reload: new workers, all ready",
      over: {},
      verdict: "healthy",
      headline: "Healthy after 10 s: nginx ready, workers 20, 21 new, PID 8 S.",
    },
    {
      name: "the container restarted, OOMKilled",
      over: { podAfter: pod(1, false, { reason: "OOMKilled", exitCode: 137 }), after: null, seconds: 3.3 },
      verdict: "restarted",
      headline: "Container nginx restarted (exit 137, OOMKilled) within 3.3 s.",
    },
    {
      name: "a STOP: the target is stopped",
      over: { signal: "STOP", after: [proc(8, "T", master.command), proc(14)] },
      verdict: "stopped",
      headline: "PID 8 is stopped (T) after 10 s.",
    },
    {
      name: "a zombie",
      over: { signal: "TERM", after: [proc(8, "Z", master.command)] },
      verdict: "zombie",
      headline: "PID 8 is a zombie (Z) after 10 s.",
    },
    {
      name: "the target exited after a HUP",
      over: { after: [proc(14)] },
      verdict: "exited",
      headline: "PID 8 exited within 10 s.",
    },
    {
      name: "a TERM to a worker that exited, the rest healthy",
      over: { signal: "TERM", target: { pid: 14, startTicks: 140, container: "nginx" }, after: [master, proc(22)] },
      verdict: "healthy",
      headline: "Healthy after 10 s: nginx ready, PID 14 exited, worker 22 new.",
    },
    {
      name: "the container is not ready",
      over: { podAfter: pod(0, false) },
      verdict: "not_ready",
      headline: "Not healthy after 10 s: nginx not ready.",
    },
    {
      name: "nothing could be read",
      over: { after: null, podAfter: null, problem: "the pod is gone" },
      verdict: "unknown",
      headline: "pns could not see what happened in the 10 s after the signal.",
    },
  ])("$name", ({ over, verdict, headline }) => {
    const report = afterSignalReport({ ...base, ...over });
    expect(report.verdict).toBe(verdict);
    expect(report.headline).toBe(headline);
  });

  it("lists new and exited PIDs, every STAT, the container's restarts and last termination, and readiness", () => {
    const report = afterSignalReport({
      ...base,
      podBefore: pod(2, true, { reason: "Error", exitCode: 1 }),
      podAfter: pod(2, true, { reason: "Error", exitCode: 1 }),
    });
    expect(report.facts).toEqual([
      "PID 8 is sleeping (S).",
      "New: workers 20, 21.",
      "Exited: worker 14.",
      "STAT: 8 S, 20 S, 21 S.",
      "Container nginx: ready, 2 restarts, last ended exit 1, Error.",
      "Pod Running, ready.",
    ]);
  });

  it("a new process under the target's PID is not the target", () => {
    const report = afterSignalReport({ ...base, after: [proc(8, "S", master.command, 999)] });
    expect(report.verdict).toBe("exited");
    expect(report.facts).toContain("New: PID 8 (nginx: master process nginx -g daemon off;).");
  });
});
