import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { Json } from "../../src/local/sim/world.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, startDemo } from "../app/helpers.js";
import { runtimes } from "../sim/runtimes.js";

const { alice } = slackUsers;

// `/pns ps` and `/pns cat` through Slack, the handlers and the simulator, on every runtime: after a restart the table
// says pns attached a new debug container and why; a hostPID pod's table shows the pod's processes only.
describe.each(runtimes)("what /pns tells after a restart and in a hostPID pod, on the %s runtime", (runtime) => {
  let stack: LocalStack;
  let d: Driver;
  beforeAll(async () => {
    ({ stack, d } = await startDemo({ sim: { runtime, podStartDelayMs: 0, scenario: "empty" } }));
  }, 30_000);
  afterAll(async () => stack?.close());

  const status = (pod: string, container: string): Json => stack.sim.state.containerStatus("default", pod, container);

  async function until<T>(what: string, check: () => T | undefined | null | false): Promise<T> {
    const end = Date.now() + 20_000;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function pod(name: string, spec: Json): Promise<void> {
    stack.sim.state.createPod("default", { metadata: { name }, spec: { terminationGracePeriodSeconds: 0, ...spec } });
    await until(`${name} to run`, () => status(name, spec.containers[0].name)?.state?.running);
  }

  /** The text of the process table a command posted. */
  async function table(commandText: string): Promise<string> {
    return d.text(await d.table(alice.id, commandText.replace(/^ps /, "")));
  }

  it("ps after the target restarted: a new debug container, and the table says the target restarted", async () => {
    await pod("pg", { containers: [{ name: "postgres", image: "busybox:1.36", command: ["sleep", "3705"] }] });
    expect(await table("ps pg")).toContain("sleep 3705");
    stack.sim.state.kill("default", "pg", 1, "KILL", "postgres");
    await until("postgres to restart", () => status("pg", "postgres")?.restartCount === 1 && status("pg", "postgres"));
    await until("postgres to run", () => status("pg", "postgres")?.state?.running);
    const text = await table("ps pg");
    const at = status("pg", "postgres").lastState.terminated.finishedAt.slice(11, 16);
    expect(text).toContain(
      `postgres restarted at ${at} UTC, Error (exit code 137, signal 9); attached a new debug container.`,
    );
    expect(text).toContain("sleep 3705");
    expect(stack.sim.state.pod("default", "pg").spec.ephemeralContainers).toHaveLength(2);
  });

  it("ps of a hostPID pod: only its processes, a note saying so; cat and signal of a node process are refused", async () => {
    await pod("node-agent", {
      hostPID: true,
      containers: [{ name: "agent", image: "busybox:1.36", command: ["sleep", "3706"] }],
    });
    const text = await table("ps node-agent");
    expect(text).toContain("sleep 3706");
    expect(text).toMatch(
      /Pod node-agent shares the node's PID namespace \(hostPID\): pns lists only its containers' processes \(\d+ processes of the node hidden\), and only those may be signalled or read\./,
    );
    expect(text).not.toMatch(/kubelet|containerd|node-secret/);
    await d.command(alice.id, "cat node-agent 1 /etc/hostname");
    expect(d.toldTo(alice.id).at(-1)).toContain("PID 1 is not running in pod node-agent");
    await d.command(alice.id, "signal node-agent 1 HUP testing");
    expect(d.toldTo(alice.id).at(-1)).toContain("PID 1 was not in the process table of node-agent");
  });
});
