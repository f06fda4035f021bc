import { describe, expect, it } from "vitest";
import { allText, request, row, rows } from "../../../test/views/fixtures.js";
import type { PodSummary } from "../process/pod-summary.js";
import { renderSignalResultView } from "./signal-result-view.js";
import { validateView } from "./validate-view.js";

const worker = rows[2]!;
const newWorker = row({ pid: 22, ppid: 8, user: "101", command: "nginx: worker process" });
const after = [rows[0]!, rows[1]!, rows[3]!, newWorker];

describe("renderSignalResultView", () => {
  it("shows the restart of the nginx worker and the table after", () => {
    const view = renderSignalResultView({
      request: request({ state: "done" }),
      ok: true,
      message: "Sent; the process was still the one listed.",
      diff: { exited: [], started: [], restarted: [{ before: worker, after: newWorker }] },
      after,
    });
    expect(validateView(view)).toEqual([]);
    const text = allText(view);
    expect(text).toContain("*SIGHUP sent* to PID 8 `nginx: master process nginx -g daemon off;`");
    expect(text).toContain("`nginx: worker process` in nginx: 14 → 22 (restarted)");
    expect(text).toMatch(/ 22 {2}S {5}nginx +nginx: worker process/);
    expect(text).toContain("4 processes.");
    expect(view.text).toBe("SIGHUP sent to PID 8 in default/nginx: Sent; the process was still the one listed.");
  });

  it.each([
    {
      name: "exited and started",
      diff: { exited: [worker], started: [newWorker], restarted: [] },
      says: ["14 exited", "22 started"],
    },
    {
      name: "nothing changed",
      diff: { exited: [], started: [], restarted: [] },
      says: ["No process started, exited or restarted."],
    },
  ])("lists $name", ({ diff, says }) => {
    const view = renderSignalResultView({ request: request(), ok: true, message: "sent", diff });
    for (const s of says) expect(allText(view)).toContain(s);
  });

  const summary = (restartCount: number, state: PodSummary["containers"][number]["state"] = null): PodSummary => ({
    phase: "Running",
    node: "n1",
    restartPolicy: "Always",
    containers: [
      {
        name: "nginx",
        image: "nginx",
        ready: true,
        restartCount,
        state,
        lastTermination: restartCount > 0 ? { reason: "Error", exitCode: 137, finishedAt: null } : null,
        memoryLimitBytes: null,
      },
    ],
  });

  it("says the container restarted (exit 137) when its restart count rose", () => {
    const view = renderSignalResultView({
      request: request({ signal: "KILL", state: "done" }),
      ok: true,
      message: "sent",
      diff: { exited: [rows[1]!, worker], started: [], restarted: [] },
      after: [rows[0]!, rows[3]!],
      podBefore: summary(0),
      podAfter: summary(1),
    });
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toContain(":large_orange_diamond: Container nginx restarted (exit 137, Error).");
  });

  it("says a container stopped and has not restarted yet", () => {
    const view = renderSignalResultView({
      request: request({ signal: "TERM" }),
      ok: true,
      message: "sent",
      podBefore: summary(0, { kind: "running", reason: null, exitCode: null }),
      podAfter: summary(0, { kind: "terminated", reason: "Completed", exitCode: 0 }),
    });
    expect(allText(view)).toContain("Container nginx stopped (exit 0, Completed) and has not restarted yet.");
  });

  it("says the process is stopped after SIGSTOP instead of 'nothing changed'", () => {
    const stopped = { ...rows[1]!, state: "T" };
    const view = renderSignalResultView({
      request: request({ signal: "STOP" }),
      ok: true,
      message: "sent",
      diff: { exited: [], started: [], restarted: [] },
      after: [rows[0]!, stopped, worker, rows[3]!],
    });
    const text = allText(view);
    expect(text).toContain("PID 8 is stopped (STAT T): it does nothing until it gets SIGCONT.");
    expect(text).not.toContain("No process started, exited or restarted.");
    expect(text).toMatch(/ {2}8 {2}T {5}nginx/);
  });

  it("reports a refused signal", () => {
    const view = renderSignalResultView({
      request: request({ state: "failed" }),
      ok: false,
      message: "PID 8 is now another process (it restarted since it was listed); nothing was sent.",
    });
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toContain("*SIGHUP not sent* to PID 8");
    expect(view.text).toContain("nothing was sent");
  });

  it("cuts a long diff and says how much is left", () => {
    const many = Array.from({ length: 500 }, (_, i) => row({ pid: 100 + i, command: `worker ${i} ${"x".repeat(60)}` }));
    const view = renderSignalResultView({
      request: request(),
      ok: true,
      message: "sent",
      diff: { exited: many, started: many, restarted: [] },
      after: many,
    });
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toMatch(/… and \d+ more changes/);
    expect(allText(view)).toMatch(/Showing \d+ of 500 processes\./);
  });
});
