import { describe, expect, it } from "vitest";
import { containerChanges, type PodSummary, parseQuantity, podSummaryOf } from "./pod-summary.js";

describe("parseQuantity", () => {
  const cases: [string, number | null][] = [
    ["128Mi", 128 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["512M", 512e6],
    ["1k", 1000],
    ["129e6", 129e6],
    ["1E", 1e18],
    ["100m", 0.1],
    [".5Ki", 512],
    ["1Kb", null],
    ["", null],
    ["Mi", null],
    ["1 Gi", null],
  ];
  it.each(cases)("reads %j as %j", (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });
});

describe("podSummaryOf", () => {
  it("takes phase, node, policy and per container the image, restarts, last termination and memory limit", () => {
    const s = podSummaryOf({
      spec: {
        nodeName: "n1",
        restartPolicy: "Always",
        containers: [
          { name: "nginx", image: "nginx", resources: { limits: { memory: "128Mi", cpu: "500m" } } },
          { name: "shell", image: "busybox:1.28" },
        ],
      },
      status: {
        phase: "Running",
        containerStatuses: [
          {
            name: "nginx",
            image: "docker.io/library/nginx:latest",
            ready: true,
            restartCount: 2,
            state: { running: {} },
            lastState: {
              terminated: { reason: "OOMKilled", exitCode: 137, finishedAt: new Date("2026-11-30T03:02:13Z") },
            },
          },
        ],
      },
    });
    expect(s).toEqual({
      phase: "Running",
      node: "n1",
      restartPolicy: "Always",
      containers: [
        {
          name: "nginx",
          image: "docker.io/library/nginx:latest",
          ready: true,
          restartCount: 2,
          state: { kind: "running", reason: null, exitCode: null },
          lastTermination: { reason: "OOMKilled", exitCode: 137, finishedAt: "2026-11-30T03:02:13.000Z" },
          memoryLimitBytes: 134_217_728,
        },
        {
          name: "shell",
          image: "busybox:1.28",
          ready: null,
          restartCount: 0,
          state: null,
          lastTermination: null,
          memoryLimitBytes: null,
        },
      ],
    });
  });

  it("survives an empty or odd pod", () => {
    expect(podSummaryOf({})).toEqual({ phase: null, node: null, restartPolicy: null, containers: [] });
    expect(
      podSummaryOf({
        spec: { restartPolicy: "Sometimes", containers: [{ name: "a", resources: { limits: { memory: "lots" } } }] },
      }),
    ).toMatchObject({ restartPolicy: null, containers: [{ name: "a", memoryLimitBytes: null, image: null }] });
  });
});

describe("containerChanges", () => {
  const pod = (restartCount: number, state: PodSummary["containers"][number]["state"]): PodSummary => ({
    phase: "Running",
    node: null,
    restartPolicy: "Always",
    containers: [
      {
        name: "app",
        image: null,
        ready: true,
        restartCount,
        state,
        lastTermination: restartCount > 0 ? { reason: "Error", exitCode: 137, finishedAt: null } : null,
        memoryLimitBytes: null,
      },
    ],
  });
  const running = { kind: "running" as const, reason: null, exitCode: null };
  it("sees a restart, a stop, and nothing", () => {
    expect(containerChanges(pod(0, running), pod(2, running))).toEqual([
      { container: "app", kind: "restarted", restarts: 2, reason: "Error", exitCode: 137 },
    ]);
    expect(containerChanges(pod(0, running), pod(0, { kind: "terminated", reason: "Completed", exitCode: 0 }))).toEqual(
      [{ container: "app", kind: "stopped", restarts: 0, reason: "Completed", exitCode: 0 }],
    );
    expect(containerChanges(pod(1, running), pod(1, running))).toEqual([]);
  });
});
