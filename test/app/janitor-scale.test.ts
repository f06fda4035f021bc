import { describe, expect, it } from "vitest";
import { measureJanitor } from "../../bench/janitor.js";

// 11.14: the janitor lists pns's copies by label and reads only the pods pns recorded, so a run's requests follow
// pns's own objects, never the cluster's size. Counted on the simulator's request log, not timed.
describe("the janitor at scale", () => {
  it("asks the API server the same, and reads about the same bytes, on 50 foreign pods as on 1,500", async () => {
    const small = await measureJanitor(50);
    const large = await measureJanitor(1_500);
    expect(large.pods - small.pods).toBe(1_450);
    expect(large.requests).toBe(small.requests);
    expect(large.routes).toEqual(small.routes);
    // Per bound namespace, label-selected; one read of the pod with the recorded ephemeral container; no list of all.
    expect(large.routes).toEqual([
      "GET pods /api/v1/namespaces/default/pods",
      "GET pods /api/v1/namespaces/shop/pods",
      "GET pods /api/v1/namespaces/locked/pods",
      "GET pods /api/v1/namespaces/ops/pods",
      "GET pods /api/v1/namespaces/default/pods/nginx",
    ]);
    expect(Math.abs(large.bytes - small.bytes)).toBeLessThan(small.bytes * 0.01);
    expect(large.bytes).toBeLessThan(large.listAllBytes / 50);
  }, 120_000);
});
