import type { V1Pod } from "@kubernetes/client-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { runJanitor } from "../../src/app/janitor.js";
import { runJob } from "../../src/app/run-job.js";
import { parseCommand } from "../../src/core/command/parse-command.js";
import type { PsCommand } from "../../src/core/command/types.js";
import { ActionId } from "../../src/core/views/ids.js";
import { copyNameSuffix, copyPodName } from "../../src/kube/debug-spec.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, OPS, startDemo } from "../app/helpers.js";
import { lookalikeCopy } from "../kube/harness.js";
import { eventually } from "../sim/helpers.js";

const { alice, bob, carol } = slackUsers;

/** The values the process picker of a table offers. */
function pickerValues(blocks: unknown[]): string[] {
  const values: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.action_id === ActionId.psProcess) {
        const groups = (o.option_groups ?? [{ options: o.options }]) as { options?: { value: string }[] }[];
        for (const g of groups) for (const opt of g.options ?? []) values.push(opt.value);
      } else for (const x of Object.values(o)) walk(x);
    }
  };
  walk(blocks);
  return values;
}

/**
 * The attacks on `--copy` that worked (issue 13, findings 1 and 5), each reproduced and now refused: a ps-only user
 * copying a privileged pod, eight parallel commands making three copies, and pns reusing or deleting a pod an
 * attacker labelled as pns's copy.
 */
describe("debug copies: who may make them, what they may take, and which pods are pns's", () => {
  let stack: LocalStack;
  let d: Driver;
  beforeAll(async () => ({ stack, d } = await startDemo()));
  afterAll(async () => stack?.close());
  afterEach(async () => {
    // An admin's cleanup between tests: each starts with no copy of pns's in the channel. A deleted copy stays
    // Terminating until the kubelet has stopped it, and its name is taken until then.
    await d.command(alice.id, "cleanup");
    await eventually(() =>
      ["default", "ops", "shop"].some((ns) => stack.sim.state.pods(ns).some((p) => p.metadata?.deletionTimestamp))
        ? undefined
        : true,
    );
  });

  const copiesOf = (ns: string, source: string) =>
    stack.sim.state.pods(ns).filter((p) => String(p.metadata.name).startsWith(`${source}-pns-`));
  /** A pod that runs `sleep`, with extra spec fields. */
  function pod(ns: string, name: string, spec: Record<string, unknown> = {}) {
    stack.sim.state.createPod(
      ns,
      {
        metadata: { name, labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
          ...spec,
        },
      },
      { immediate: true },
    );
  }
  /** What an attacker with `create pods` makes: a pod labelled and annotated exactly like pns's copy. */
  function lookalike(ns: string, name: string, copyOf: string) {
    stack.sim.state.createPod(ns, lookalikeCopy(name, copyOf), { immediate: true });
    return stack.sim.state.pod(ns, name).metadata.uid as string;
  }

  it("refuses --copy to someone who may only list (people.copy defaults to the admins), in the handler and the worker", async () => {
    const refused = await d.command(carol.id, "ps nginx --copy");
    expect(refused.body).toContain("people.copy");
    const result = parseCommand("ps nginx --copy");
    if (!result.ok) throw new Error("does not parse");
    await runJob(stack.app.worker, {
      kind: "ps",
      id: "forged-copy-1",
      origin: { user: carol.id, channel: OPS, responseUrl: null },
      command: result.command as PsCommand,
    });
    expect(d.toldTo(carol.id).at(-1)).toContain("people.copy");
    expect(copiesOf("default", "nginx")).toHaveLength(0);
  });

  it("refuses to copy a privileged pod with hostPath: /, and leaves its migration out of a copy", async () => {
    pod("ops", "rooted", {
      volumes: [{ name: "host", hostPath: { path: "/" } }],
      containers: [
        {
          name: "app",
          image: "busybox:1.36",
          command: ["sleep", "3600"],
          securityContext: { privileged: true },
          volumeMounts: [{ name: "host", mountPath: "/host" }],
        },
      ],
    });
    await d.command(alice.id, "ps pod/rooted -n ops --copy");
    const told = d.toldTo(alice.id).at(-1) ?? "";
    expect(told).toContain("pns does not copy pod rooted");
    expect(told).toContain("hostPath volume host (/ on the node)");
    expect(told).toContain("container app runs privileged");
    expect(told).toContain("debug.copy.allow");
    expect(copiesOf("ops", "rooted")).toHaveLength(0);

    pod("ops", "migrating", { initContainers: [{ name: "migrate", image: "busybox:1.36", command: ["true"] }] });
    await d.command(alice.id, "ps pod/migrating -n ops --copy");
    const [copy] = copiesOf("ops", "migrating");
    expect(copy?.spec.initContainers.map((c: { name: string }) => c.name)).not.toContain("migrate");
    const table = d.latestTable(alice.id);
    expect(table && d.text(table)).toContain("runs a second instance of pod migrating");
    expect(table && d.text(table)).toContain("Its init containers (migrate) did not run again");
  });

  it("eight parallel variants of one --copy command make one copy", async () => {
    const variants = [
      "ps nginx --copy",
      "ps pod/nginx --copy",
      "ps nginx --copy -n default",
      "ps default/nginx --copy",
      "ps pods nginx --copy",
      "ps nginx -n default --copy",
      "ps pod/nginx -n default --copy",
      "ps  nginx  --copy",
    ];
    const acks = await Promise.all(
      variants.map((text) => d.client.send(d.client.slashCommand({ user: alice.id, channel: OPS, text }))),
    );
    // Each acknowledgement says what a copy is before anything is made.
    for (const ack of acks) expect(ack.body).toContain("runs a second instance of the app");
    await stack.app.idle();
    expect(copiesOf("default", "nginx")).toHaveLength(1);
  });

  it("never reuses a pod an attacker labelled as the copy and named like it", async () => {
    const name = copyPodName("nginx", copyNameSuffix(stack.sim.state.pod("default", "nginx") as V1Pod));
    const uid = lookalike("default", name, "nginx");
    const before = d.messages().length;
    await d.command(alice.id, "ps nginx --copy");
    expect(d.toldTo(alice.id).at(-1)).toContain(
      `A pod named ${name} already exists in namespace default, and pns did not create it`,
    );
    expect(d.messages().slice(before)).toEqual([]);
    expect(stack.sim.state.pod("default", name).metadata.uid).toBe(uid);
    stack.sim.state.deletePod("default", name);
  });

  it("neither /pns cleanup nor the janitor deletes a pod labelled as pns's copy that pns did not create", async () => {
    const uid = lookalike("shop", "web-pns-zzzzz", "web");
    await d.command(alice.id, "cleanup -n shop");
    expect(d.toldTo(alice.id).at(-1)).toContain("shop/web-pns-zzzzz");
    expect(d.toldTo(alice.id).at(-1)).toContain("is not pns");
    const report = await runJanitor(stack.app.worker);
    expect(report.deletedCopies).toBe(0);
    expect(stack.sim.state.pod("shop", "web-pns-zzzzz").metadata.uid).toBe(uid);
    stack.sim.state.deletePod("shop", "web-pns-zzzzz");
  });

  it("keeps at most debug.copy.maxPerChannel (3) copies per channel, and says how to free one", async () => {
    for (const n of ["cap-a", "cap-b", "cap-c", "cap-d"]) pod("ops", n);
    for (const n of ["cap-a", "cap-b", "cap-c"]) await d.command(alice.id, `ps pod/${n} -n ops --copy`);
    expect(["cap-a", "cap-b", "cap-c"].map((n) => copiesOf("ops", n).length)).toEqual([1, 1, 1]);
    await d.command(alice.id, "ps pod/cap-d -n ops --copy");
    const told = d.toldTo(alice.id).at(-1) ?? "";
    expect(told).toContain("This channel already keeps 3 debug copies");
    expect(told).toContain("debug.copy.maxPerChannel");
    expect(copiesOf("ops", "cap-d")).toHaveLength(0);
    // Reusing a copy the channel has is no new copy.
    await d.command(alice.id, "ps pod/cap-a -n ops --copy");
    const reused = d.latestTable(alice.id);
    expect(reused && d.text(reused)).toContain("debug copy");
  });

  it("says what a copy is everywhere, and cleanup marks a pending request on it target gone", async () => {
    pod("ops", "gone");
    await d.command(alice.id, "ps pod/gone -n ops --copy");
    const [copy] = copiesOf("ops", "gone");
    const copyName = String(copy?.metadata.name);
    const table = d.latestTable(alice.id);
    expect(table && d.text(table)).toContain(`Processes in debug copy ${copyName} of pod gone`);
    const app = stack.sim.state.processes("ops", copyName).find((p) => p.container === "app");
    if (!app) throw new Error("no app process in the copy");
    // The copy's own debug process is never offered for a signal: the picker holds the app's processes only.
    const debug = stack.sim.state.processes("ops", copyName).filter((p) => p.container?.startsWith("pns-debug"));
    expect(debug.length).toBeGreaterThan(0);
    const offered = pickerValues(table?.blocks ?? []);
    expect(offered).toContain(String(app.pid));
    for (const p of debug) expect(offered).not.toContain(String(p.pid));
    const approval = await d.requestSignal(alice.id, "pod/gone -n ops --copy", app.pid, "HUP");
    // The reason was asked for the copy's process, not the live pod's.
    const asked = JSON.stringify(stack.slack.workspace.openViewOf(alice.id)?.blocks ?? []);
    expect(asked).toContain(`of sim / ops / ${copyName}`);
    expect(asked).toContain("the signal reaches the copy only, never the live pod gone");
    expect(d.text(approval)).toContain(`debug copy ${copyName} of pod gone`);
    expect(d.text(approval)).toContain("the signal reaches the copy only, never the live pod gone");

    await d.command(bob.id, "cleanup -n ops");
    expect(d.current(approval)).toContain("target gone");
    expect(d.current(approval)).toContain(`Debug copy ${copyName} of pod gone was deleted by`);
    const thread = stack.slack.workspace.replies(OPS, approval.ts);
    expect(thread.map((m) => d.text(m)).join("\n")).toContain("Nothing was sent");
    const refused = await d.decide(bob.id, approval, "approve");
    expect(refused.status).toBe(200);
    await eventually(() => (stack.sim.state.hasPod("ops", copyName) ? undefined : true));
  });
});
