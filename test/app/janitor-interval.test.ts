import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEnv } from "../../src/handlers/env.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, startDemo } from "./helpers.js";

/** `npm run dev` and `npm run demo` run the janitor on a short interval, so expiry is visible locally. */
describe("the dev server's janitor interval", () => {
  let stack: LocalStack;
  let d: Driver;
  beforeAll(async () => {
    ({ stack, d } = await startDemo({ janitorIntervalMs: 100 }));
  });
  afterAll(async () => stack?.close());

  it("deletes an expired copy by itself, with no one calling the janitor", async () => {
    await d.command(slackUsers.alice.id, "ps deploy/web -n shop --copy");
    const copies = () => stack.sim.state.pods("shop").filter((p) => /-pns-/.test(p.metadata?.name ?? ""));
    expect(copies()).toHaveLength(1);
    // The copy's lifetime ran out (as its annotation says; the kube adapter judges expiry by the cluster's clock).
    const copy = stack.sim.state.world.getPod("shop", copies()[0]!.metadata.name);
    copy.metadata.annotations["pns.dev/expires-at"] = new Date(Date.now() - 1000).toISOString();
    const end = Date.now() + 20_000;
    while (copies().length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(copies()).toHaveLength(0);
  });

  it("reads the interval from PNS_JANITOR_INTERVAL: 15 s by default, 0 for none", () => {
    expect(readEnv({}).janitorIntervalMs).toBe(15_000);
    expect(readEnv({ PNS_JANITOR_INTERVAL: "2.5" }).janitorIntervalMs).toBe(2_500);
    expect(readEnv({ PNS_JANITOR_INTERVAL: "0" }).janitorIntervalMs).toBe(0);
    expect(readEnv({ PNS_JANITOR_INTERVAL: "soon" }).janitorIntervalMs).toBe(15_000);
  });
});
