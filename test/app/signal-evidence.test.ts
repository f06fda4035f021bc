import { afterEach, describe, expect, it } from "vitest";
import { ActionId } from "../../src/core/views/ids.js";
import type { LocalStack } from "../../src/local/stack.js";
import { eventually } from "../sim/helpers.js";
import { realRuntimes } from "../sim/runtimes.js";
import { type Driver, OPS, startDemo } from "./helpers.js";

/** A busybox process that prints a JVM-style thread dump on SIGQUIT and goes on, as a JVM does. */
const DUMPER = [
  "sh",
  "-c",
  [
    "dump() {",
    '  echo "Full thread dump Fake 64-Bit Server VM (dumper):"',
    '  echo ""',
    '  echo "\\"main\\" #1 prio=5 os_prio=0 tid=0x1 nid=0x2 waiting on condition"',
    '  echo "   java.lang.Thread.State: TIMED_WAITING (sleeping)"',
    '  echo "   connecting with --db-password=hunter2-fixture"',
    '  echo "JNI global refs: 1, weak refs: 0"',
    "}",
    "trap dump QUIT",
    'echo "started"',
    "while :; do sleep 1 & wait $!; done",
  ].join("\n"),
];

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Every file uploaded in the approval's thread, by name. */
function threadFiles(s: LocalStack): Map<string, string> {
  return new Map([...s.slack.workspace.files.values()].map((f) => [f.name, f.content?.toString("utf8") ?? ""]));
}

/** The table of `target`, then its "intent" button clicked by Alice, a reason given, and Bob's approval. */
async function intentApproved(d: Driver, s: LocalStack, target: string, label: RegExp) {
  await d.command("U0ALICE", `ps ${target}`);
  const table = d.latestTable("U0ALICE");
  if (!table) throw new Error(`no table: ${JSON.stringify(d.toldTo("U0ALICE").slice(-1))}`);
  const actions = (table.blocks as { type: string; elements?: { action_id: string; text?: { text: string } }[] }[])
    .filter((b) => b.type === "actions")
    .flatMap((b) => b.elements ?? []);
  const button = actions.find((e) => e.action_id.startsWith(ActionId.psIntentPrefix) && label.test(e.text?.text ?? ""));
  if (!button) throw new Error(`no ${label} button: ${JSON.stringify(actions.map((a) => a.text?.text))}`);
  await d.client.send(
    d.client.blockAction({ user: "U0ALICE", channel: OPS, message: table, actionId: button.action_id }),
  );
  const modal = s.slack.workspace.openViewOf("U0ALICE");
  if (!modal) throw new Error(`no modal: ${JSON.stringify(d.toldTo("U0ALICE").slice(-1))}`);
  await d.client.send(
    d.client.viewSubmission({ user: "U0ALICE", view: modal, values: { [ActionId.reasonInput]: "evidence test" } }),
  );
  await s.app.idle();
  const approval = d.messages().findLast((m) => d.text(m).includes("Signal request"));
  if (!approval) throw new Error("no approval");
  await d.decide("U0BOB", approval, "approve");
  return approval;
}

describe("the evidence of a signal, on the emulated runtime", () => {
  it("a JVM's thread dump: the log window and the dump attached in the thread, the summary posted", async () => {
    const demo = await startDemo();
    stack = demo.stack;
    const approval = await intentApproved(demo.d, demo.stack, "billing -n shop", /^Thread dump: PID \d+$/);
    const replies = demo.stack.slack.workspace.replies(OPS, approval.ts).map((m) => demo.d.text(m));
    const summary = replies.find((t) => t.includes("Log of container billing"));
    expect(summary).toMatch(/after SIGQUIT to PID \d+/);
    expect(summary).toContain("no restart");
    expect(summary).toContain("A thread dump (");
    const files = threadFiles(demo.stack);
    const dump = [...files.entries()].find(([n]) => n.endsWith("-thread-dump.txt"))?.[1];
    expect(dump).toMatch(/^Full thread dump OpenJDK/);
    expect(dump).toContain("JNI global refs: 17, weak refs: 0");
    expect(dump).toContain("Heap\n");
    const log = [...files.entries()].find(([n]) => n.endsWith("-log.txt"))?.[1];
    expect(log).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z Full thread dump/m);
  });
});

describe.each(["emulated", ...realRuntimes] as const)("the evidence of a signal on the %s runtime", (runtime) => {
  it("nginx HUP: the reload's notices are in the attached log", async () => {
    const demo = await startDemo({ sim: { runtime } });
    stack = demo.stack;
    await eventually(() => demo.stack.sim.state.containerStatus("default", "nginx", "nginx")?.state?.running, 20_000);
    const approval = await intentApproved(demo.d, demo.stack, "nginx", /^Reload config: PID \d+$/);
    const replies = demo.stack.slack.workspace.replies(OPS, approval.ts).map((m) => demo.d.text(m));
    expect(replies.find((t) => t.includes("Log of container nginx"))).toMatch(/no errors matched · no restart/);
    const log = [...threadFiles(demo.stack).entries()].find(([n]) => n.endsWith("-log.txt"))?.[1];
    expect(log).toMatch(/\[notice\] \d+#\d+: signal 1 \(SIGHUP\) received/);
    expect(log).toMatch(/worker process \d+ exited with code 0/);
  }, 90_000);
});

// A shell's trap runs only on a real runtime: the emulated one has the JVM above instead.
describe.each(realRuntimes)("a dump on QUIT on the %s runtime", (runtime) => {
  it("a process that prints a dump on QUIT: the dump extracted, the secret redacted, the process alive", async () => {
    const demo = await startDemo({ sim: { runtime } });
    stack = demo.stack;
    demo.stack.sim.state.createPod("default", {
      metadata: { name: "dumper" },
      spec: {
        shareProcessNamespace: true,
        containers: [{ name: "app", image: "busybox:1.36", command: DUMPER }],
      },
    });
    await eventually(() => demo.stack.sim.state.containerStatus("default", "dumper", "app")?.state?.running, 20_000);
    const pid = await eventually(
      () => demo.stack.sim.state.processes("default", "dumper", "app").find((p) => p.args[0] === "sh")?.pid,
      10_000,
    );
    const approval = await demo.d.requestSignal("U0ALICE", "dumper", pid, "QUIT");
    await demo.d.decide("U0BOB", approval, "approve");
    const files = threadFiles(demo.stack);
    const dump = [...files.entries()].find(([n]) => n.endsWith("-thread-dump.txt"))?.[1];
    expect(dump).toContain("Full thread dump Fake 64-Bit Server VM (dumper):");
    expect(dump).toContain("JNI global refs: 1, weak refs: 0");
    for (const content of files.values()) expect(content).not.toContain("hunter2-fixture");
    expect(demo.stack.sim.state.containerStatus("default", "dumper", "app")?.restartCount ?? 0).toBe(0);
  }, 90_000);
});
