import type { CoreV1Event } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { explainingEvents } from "../../src/kube/pod-events.js";

const event = (type: string, reason: string, message: string, at: string): CoreV1Event => ({
  metadata: { name: `e-${reason}` },
  involvedObject: { kind: "Pod", name: "web-1-pns-q1w2e" },
  type,
  reason,
  message,
  lastTimestamp: new Date(at),
});

describe("explainingEvents", () => {
  it("puts Warnings first, newest first, as kubectl describe would lead with them", () => {
    const events = [
      event("Normal", "Scheduled", "Successfully assigned shop/web-1-pns-q1w2e to node-7", "2026-11-30T04:00:00Z"),
      event("Normal", "Pulling", 'Pulling image "public.ecr.aws/docker/library/busybox:1.36"', "2026-11-30T04:00:01Z"),
      event(
        "Warning",
        "FailedMount",
        'MountVolume.SetUp failed for volume "data" : rpc error: code = Internal',
        "2026-11-30T04:00:05Z",
      ),
      event(
        "Warning",
        "FailedScheduling",
        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available",
        "2026-11-30T03:59:59Z",
      ),
    ];
    expect(explainingEvents(events)).toEqual([
      'FailedMount: MountVolume.SetUp failed for volume "data" : rpc error: code = Internal',
      "FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available",
    ]);
  });

  it("says the latest Normal events when nothing warns", () => {
    const events = [
      event("Normal", "Scheduled", "Successfully assigned", "2026-11-30T04:00:00Z"),
      event("Normal", "Pulling", 'Pulling image "busybox:1.36"', "2026-11-30T04:00:01Z"),
    ];
    expect(explainingEvents(events, 1)).toEqual(['Pulling: Pulling image "busybox:1.36"']);
  });

  it("is empty without events", () => {
    expect(explainingEvents([])).toEqual([]);
  });
});
