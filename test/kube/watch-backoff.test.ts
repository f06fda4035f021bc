import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { debuggerFor, requestsSince, type Sim, startSim } from "./harness.js";

// A proxy (or load balancer) between pns and the API server closes long requests: the wait for the debug container
// watches again, pausing longer after each close in a row, and still sees the container start.
describe("waiting for a debug container through a proxy that closes watches", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim(1500);
  });
  afterAll(async () => {
    await sim?.close();
  });

  it("re-establishes each closed watch with a growing pause and attaches once the container runs", async () => {
    const d = await debuggerFor(sim);
    const end = Date.now() + 20_000;
    while (!sim.state.containerStatus("default", "nginx", "nginx")?.state?.running && Date.now() < end)
      await new Promise((r) => setTimeout(r, 25));
    const target = await d.resolveTarget("default", { kind: "pod", name: "nginx" });
    const from = sim.requests.entries.length;
    sim.faults.closeWatches(4);
    const started = Date.now();
    const a = await d.attach(target, { requestedBy: "U1" });
    expect([a.strategy, a.reused]).toEqual(["shared", false]);
    const watches = requestsSince(sim, from, "WATCH pods");
    // Four closed at once (then pauses of 0.1, 0.2, 0.4, 0.8 s) and the one that saw it run: no tight loop.
    expect(watches).toBeGreaterThanOrEqual(5);
    expect(watches).toBeLessThanOrEqual(6);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });
});
