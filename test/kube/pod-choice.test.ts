import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PnsError } from "../../src/core/errors.js";
import { debuggerFor, requestsSince, type Sim, startSim } from "./harness.js";

// What the pod picker and the miss suggestions read, against the simulator's API (its pagination and selectors).
let sim: Sim;
beforeAll(async () => {
  sim = await startSim(0);
});
afterAll(async () => sim.close());

describe("a selector's picked pod", () => {
  it("is the pod resolved while it matches the selector, with the other matches gone", async () => {
    const d = await debuggerFor(sim);
    const all = await d.resolveTarget("shop", { kind: "selector", selector: "app=web" });
    const other = all.candidates[0]!.name;
    const picked = await d.resolveTarget("shop", { kind: "selector", selector: "app=web", pick: other });
    expect(picked.pod.name).toBe(other);
    expect(picked.candidates).toEqual([]);
    expect(picked.pod.containers).toEqual(["web", "envoy"]);
    expect(picked.pod.initContainers).toEqual([]);
  });

  it.each([
    ["a pod of another selector", "shop", "db-0"],
    ["a pod of that name in another namespace", "default", "web-7d4b9c6f8d-x7k2p"],
    ["no pod", "shop", "nope"],
  ])("refuses %s", async (_, namespace, pick) => {
    const d = await debuggerFor(sim);
    const err = await d.resolveTarget(namespace, { kind: "selector", selector: "app=web", pick }).catch((e) => e);
    expect(err).toBeInstanceOf(PnsError);
    expect((err as PnsError).code).toBe("not_found");
    expect((err as PnsError).userMessage).toBe(`Pod ${pick} does not match -l app=web in namespace ${namespace}.`);
  });
});

describe("podNames", () => {
  it("lists one page of at most `limit` names", async () => {
    const d = await debuggerFor(sim);
    const before = sim.requests.entries.length;
    const two = await d.podNames("shop", 2);
    expect(two).toHaveLength(2);
    expect(requestsSince(sim, before, "GET pods")).toBe(1);
    expect((await d.podNames("shop", 500)).sort()).toEqual(
      sim.state
        .pods("shop")
        .map((p) => p.metadata.name as string)
        .sort(),
    );
  });
});
