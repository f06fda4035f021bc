import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, OPS, startDemo } from "../app/helpers.js";
import { runtimes } from "../sim/runtimes.js";

const { alice, bob } = slackUsers;

// Slack → pns's handlers → the simulator, on every runtime: on runc and crun the SIGHUP reaches a real nginx.
describe.each(runtimes)("the whole flow on the %s runtime", (runtime) => {
  let stack: LocalStack;
  let d: Driver;

  beforeAll(async () => {
    ({ stack, d } = await startDemo({ sim: { runtime, podStartDelayMs: 0 } }));
    const end = Date.now() + 20_000;
    while (!stack.sim.state.containerStatus("default", "nginx", "shell")?.state?.running) {
      if (Date.now() > end) throw new Error("the nginx pod did not start");
      await new Promise((r) => setTimeout(r, 25));
    }
  }, 30_000);
  afterAll(async () => stack?.close());

  it("/pns ps nginx, HUP to the master, Bob approves: the worker is renewed and the thread says so", async () => {
    const master = stack.sim.state
      .processes("default", "nginx", "nginx")
      .find((p) => p.args[0]?.startsWith("nginx: master"));
    if (!master) throw new Error("no nginx master");
    const before = d.workerPids();
    const approval = await d.requestSignal(alice.id, "nginx", master.pid, "HUP");
    await d.decide(bob.id, approval, "approve");
    const after = d.workerPids();
    expect(after.length).toBeGreaterThan(0);
    expect(after.some((p) => before.includes(p))).toBe(false);
    const thread = stack.slack.workspace
      .replies(OPS, approval.ts)
      .map((m) => d.text(m))
      .join("\n");
    expect(thread).toContain(`${before[0]} → ${after[0]}`);
  });
});
