import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJob } from "../../src/app/run-job.js";
import type { Job } from "../../src/core/jobs.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { RuntimeName } from "../../src/local/sim/index.js";
import { type LocalStack, startLocalStack } from "../../src/local/stack.js";
import { DEMO_CONFIG, type Driver, driver, memoryLogger, OPS } from "../app/helpers.js";
import { eventually } from "../sim/helpers.js";
import { realRuntimes } from "../sim/runtimes.js";
import { record } from "./record.js";

const { alice, bob } = slackUsers;
/** pns's label on the pods it creates (src/kube/debug-spec.ts). */
const MANAGED = "app.kubernetes.io/managed-by";
/** The emulated runtime and one real one (runc, else crun) where this machine runs it. */
const RUNTIMES: RuntimeName[] = ["emulated", ...realRuntimes.slice(0, 1)];

type PodJson = { metadata?: { name?: string; labels?: Record<string, string> } };

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The fault: the target container restarts after the request was approved and before the worker sends (the execute
 * job is held, the container restarted, then the job delivered twice). The kubelet gives the container new processes
 * (pkg/kubelet/kuberuntime/kuberuntime_container.go, a new container per restart), so the approved PID names nothing,
 * or another process: pns must say so, send nothing, and leave no copy once the janitor has run.
 */
describe.each(RUNTIMES)("the target container restarting mid-signal, %s runtime", (runtime) => {
  let stack: LocalStack;
  let d: Driver;
  let later = 0;
  const held: Job[] = [];
  const outcomes: string[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({
      configPath: DEMO_CONFIG,
      logger: memoryLogger(),
      sim: { runtime, podStartDelayMs: 0 },
      now: () => Date.now() + later,
      intercept: (job) => {
        if (job.kind !== "execute") return false;
        held.push(job);
        return true;
      },
    });
    d = driver(stack);
    await until("the nginx pod", () => !!stack.sim.state.containerStatus("default", "nginx", "shell")?.state?.running);
  }, 60_000);
  afterAll(async () => stack?.close());

  /** The pod the table of `target` lists: the pod itself, or its debug copy. */
  const podOf = (copy: boolean): string => {
    if (!copy) return "nginx";
    const copies = (stack.sim.state.pods("default") as PodJson[]).filter(
      (p) => p.metadata?.labels?.[MANAGED] === "pns",
    );
    const name = copies[0]?.metadata?.name;
    if (copies.length !== 1 || !name) throw new Error(`expected one debug copy, found ${copies.length}`);
    return name;
  };
  const masterOf = (pod: string) => {
    const master = stack.sim.state
      .processes("default", pod, "nginx")
      .find((p) => p.args[0]?.startsWith("nginx: master"));
    if (!master) throw new Error(`no nginx master in ${pod}`);
    return master.pid;
  };
  const workersOf = (pod: string) =>
    stack.sim.state
      .processes("default", pod, "nginx")
      .filter((p) => p.args.join(" ") === "nginx: worker process")
      .map((p) => p.pid)
      .sort((a, b) => a - b);

  it.each([
    { label: "ephemeral debug container", target: "nginx", copy: false },
    { label: "debug copy", target: "nginx --copy", copy: true },
  ])("$label: a clear answer, nothing sent, exactly one outcome", async ({ target, copy }) => {
    await d.table(alice.id, target);
    const pod = podOf(copy);
    const pid = masterOf(pod);
    const approval = await d.requestSignal(alice.id, target, pid, "HUP", "target restart");
    await d.decide(bob.id, approval, "approve");
    const job = held.splice(0);
    expect(job.map((j) => j.kind)).toEqual(["execute"]);

    // Start times have whole seconds in places: the new instance must start in a later second than the old one.
    await new Promise((r) => setTimeout(r, 1100));
    const restarts = stack.sim.state.containerStatus("default", pod, "nginx")?.restartCount ?? 0;
    stack.sim.state.restartContainer("default", pod, "nginx");
    await until("the restarted nginx", () => {
      const s = stack.sim.state.containerStatus("default", pod, "nginx");
      return (s?.restartCount ?? 0) > restarts && !!s?.state?.running && workersOf(pod).length > 0;
    });
    const workers = workersOf(pod);

    await runJob(stack.app.worker, job[0]!);
    await stack.app.idle();
    const execs = d.signalExecs();
    const replies = () => stack.slack.workspace.replies(OPS, approval.ts).length;
    const repliesAfterFirst = replies();
    // Redelivered (a Lambda retry): the request is no longer approved, so nothing runs and nothing is said again.
    await runJob(stack.app.worker, job[0]!);
    await stack.app.idle();
    expect(d.signalExecs()).toBe(execs);
    expect(replies()).toBe(repliesAfterFirst);

    // No HUP reached the new master: its workers are the ones it started with.
    expect(workersOf(pod)).toEqual(workers);
    const outcome = stack.slack.workspace
      .replies(OPS, approval.ts)
      .map((m) => d.text(m))
      .filter((t) => /was (not )?sent|was delivered/.test(t));
    expect(outcome).toHaveLength(1);
    expect(outcome[0]).toMatch(new RegExp(`SIGHUP to PID ${pid} was not sent`));
    expect(outcome[0]).toMatch(/has exited|is now another process|no longer/);
    expect(outcome[0]).not.toMatch(/\n\s+at .+:\d+:\d+|node_modules|TypeError|undefined/);
    expect(d.current(approval)).toMatch(/not sent|[Ff]ailed/);
    outcomes.push(outcome[0]!);
  });

  it("leaves no copy once the janitor has run past the copies' lifetime", async () => {
    expect(outcomes).toHaveLength(2);
    later = 2 * 3_600_000;
    const report = await stack.app.janitor();
    expect(report.failures).toBe(0);
    const copies = () => (stack.sim.state.pods() as PodJson[]).filter((p) => p.metadata?.labels?.[MANAGED] === "pns");
    // Deleted, a copy stays Terminating until the kubelet has stopped its containers; then none is left.
    await eventually(() => (copies().length === 0 ? true : undefined), 30_000).catch(() => undefined);
    expect(copies().map((p) => p.metadata?.name)).toEqual([]);
    record(
      "kube-faults",
      `the target container restarted between approval and sending (${runtime}; ephemeral debug container and debug copy): each "not sent" with the reason, 0 signals to the new process, 1 outcome for 2 deliveries, 0 copies left after the janitor`,
      { runtime: runtime === "emulated" ? 0 : 1, cases: outcomes.length, copiesLeft: 0 },
    );
  });
});
