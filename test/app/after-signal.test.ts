import { afterEach, describe, expect, it } from "vitest";
import { applyTransition } from "../../src/app/apply-transition.js";
import { claimCont } from "../../src/core/approval/auto-cont.js";
import { ActionId } from "../../src/core/views/ids.js";
import type { FakeMessage } from "../../src/local/fake-slack/workspace.js";
import type { LocalStack } from "../../src/local/stack.js";
import { eventually } from "../sim/helpers.js";
import { realRuntimes } from "../sim/runtimes.js";
import { type Driver, OPS, startDemo } from "./helpers.js";

// The closed loop after a signal and the automatic CONT after a STOP, end to end: signed Slack requests through the
// fake Slack, pns, the simulator (emulated, and each real runtime: the kernel's own STAT T and S).

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Lists `target`, picks `pid` and `signal`, submits the reason modal with `values` (the select given or not). */
async function request(d: Driver, s: LocalStack, pid: number, signal: string, values: Record<string, string> = {}) {
  const table = await d.table("U0ALICE", "nginx");
  for (const [actionId, value] of [
    [ActionId.psProcess, String(pid)],
    [ActionId.psSignal, signal],
  ] as const) {
    await d.client.send(d.client.blockAction({ user: "U0ALICE", channel: OPS, message: table, actionId, value }));
  }
  await d.client.send(
    d.client.blockAction({ user: "U0ALICE", channel: OPS, message: table, actionId: ActionId.psRequest }),
  );
  const modal = s.slack.workspace.openViewOf("U0ALICE");
  if (!modal) throw new Error(`no reason modal: ${JSON.stringify(d.toldTo("U0ALICE").slice(-1))}`);
  await d.client.send(
    d.client.viewSubmission({
      user: "U0ALICE",
      view: modal,
      values: { [ActionId.reasonInput]: "freeze nginx for a core dump", ...values },
    }),
  );
  await s.app.idle();
  const approval = d.messages().findLast((m) => d.text(m).includes("Signal request"));
  if (!approval) throw new Error("no approval message was posted");
  return { modal, approval: structuredClone(approval) };
}

const replies = (s: LocalStack, d: Driver, m: FakeMessage) =>
  s.slack.workspace.replies(OPS, m.ts).map((r) => d.text(r));
const masterState = (s: LocalStack, pid: number) =>
  s.sim.state.processes("default", "nginx").find((p) => p.pid === pid)?.state;

describe("after a signal, on the emulated runtime", () => {
  it("HUP: the thread says healthy after the watch, with the new workers, and mentions the requester", async () => {
    const demo = await startDemo({ watchAfterSignalMs: 1500 });
    stack = demo.stack;
    const { d } = demo;
    const { approval } = await request(d, demo.stack, 8, "HUP");
    await d.decide("U0BOB", approval, "approve");
    const thread = replies(demo.stack, d, approval);
    const result = thread.find((t) => t.includes("SIGHUP sent"));
    expect(result).toContain("<@U0ALICE>");
    const after = thread.find((t) => t.includes("After SIGHUP to PID 8"));
    expect(after).toMatch(/Healthy after 1\.5 s: nginx ready, worker \d+ new, PID 8 S\./);
    expect(after).toContain("Container nginx: ready, 0 restarts");
    expect(after).toMatch(/Exited: worker 14\./);
    // The watch's reply comes after the result's, one each.
    expect(thread.filter((t) => t.includes("After SIGHUP")).length).toBe(1);
    expect(thread.indexOf(after ?? "")).toBeGreaterThan(thread.indexOf(result ?? ""));
  });

  it("an expired request: the requester is mentioned in its thread, once", async () => {
    let offset = 0;
    const demo = await startDemo({ now: () => Date.now() + offset });
    stack = demo.stack;
    const { approval } = await request(demo.d, demo.stack, 8, "HUP");
    offset = 16 * 60_000;
    await demo.stack.app.janitor();
    await demo.stack.app.janitor();
    // A late click on the expired card is refused and tells nobody again.
    await demo.d.decide("U0BOB", approval, "approve");
    const notes = replies(demo.stack, demo.d, approval).filter((t) => t.includes("expired"));
    expect(notes.length).toBe(1);
    expect(notes[0]).toContain("<@U0ALICE> your request for SIGHUP to PID 8 expired");
  });

  it("STOP with the default 5 min: the modal offers it, the card and thread say when, one janitor sends CONT once", async () => {
    let offset = 0;
    const demo = await startDemo({ now: () => Date.now() + offset });
    stack = demo.stack;
    const { d } = demo;
    const { modal, approval } = await request(d, demo.stack, 8, "STOP");
    expect(JSON.stringify(modal.blocks)).toContain("Send CONT automatically after");
    expect(d.current(approval)).toContain("pns sends *SIGCONT* automatically 5 min after the SIGSTOP.");
    await d.decide("U0BOB", approval, "approve");
    expect(masterState(demo.stack, 8)).toBe("T");
    const result = replies(demo.stack, d, approval).find((t) => t.includes("SIGSTOP sent"));
    expect(result).toMatch(/SIGCONT\* at <!date\^\d+\^\{time\}\|[^>]+> \(in 5 min\)/);
    expect(d.current(approval)).toMatch(/SIGCONT\* at <!date\^\d+\^\{time\}\|/);

    // Not due yet: nothing sent.
    offset = 4 * 60_000;
    expect((await demo.stack.app.janitor()).contsSent).toBe(0);
    expect(masterState(demo.stack, 8)).toBe("T");
    // Due: two janitors at once send it once.
    offset = 6 * 60_000;
    const execs = d.signalExecs();
    const [a, b] = await Promise.all([demo.stack.app.janitor(), demo.stack.app.janitor()]);
    expect(a.contsSent + b.contsSent).toBe(1);
    expect(d.signalExecs() - execs).toBeGreaterThanOrEqual(1);
    expect(masterState(demo.stack, 8)).toBe("S");
    expect((await demo.stack.app.janitor()).contsSent).toBe(0);
    const cont = replies(demo.stack, d, approval).filter((t) => t.includes("SIGCONT sent automatically"));
    expect(cont.length).toBe(1);
    expect(cont[0]).toContain("<@U0ALICE>");
    expect(cont[0]).toContain("PID 8 is running (STAT S).");
    expect(d.current(approval)).toContain("SIGCONT* sent automatically");
  });

  it("STOP with never: no CONT; STOP whose process changed: CONT not sent, and the thread says why", async () => {
    let offset = 0;
    const demo = await startDemo({ now: () => Date.now() + offset });
    stack = demo.stack;
    const { d } = demo;
    const never = await request(d, demo.stack, 8, "STOP", { [ActionId.autoContSelect]: "0" });
    expect(d.current(never.approval)).not.toContain("SIGCONT* automatically");
    await d.decide("U0BOB", never.approval, "approve");
    offset = 20 * 60_000;
    expect((await demo.stack.app.janitor()).contsSent).toBe(0);
    expect(masterState(demo.stack, 8)).toBe("T");
    demo.stack.sim.state.kill("default", "nginx", 8, "CONT");

    // A worker with CONT after 1 min; the worker is replaced (same PID gone) before it is due.
    const worker = d.workerPids()[0]!;
    const { approval } = await request(d, demo.stack, worker, "STOP", { [ActionId.autoContSelect]: "60000" });
    await d.decide("U0BOB", approval, "approve");
    demo.stack.sim.state.kill("default", "nginx", worker, "KILL");
    offset += 2 * 60_000;
    const report = await demo.stack.app.janitor();
    expect(report.contsNotSent).toBe(1);
    const note = replies(demo.stack, d, approval).find((t) => t.includes("automatic SIGCONT was not sent"));
    expect(note).toContain(`SIGCONT to PID ${worker} was not sent`);
    expect(d.current(approval)).toContain("The automatic *SIGCONT* was not sent");
  });
});

describe("an automatic CONT whose janitor run stopped while sending it", () => {
  it("is marked lost after 5 minutes, never sent again, and the thread tells the requester the process may be stopped", async () => {
    let offset = 0;
    const demo = await startDemo({ now: () => Date.now() + offset });
    stack = demo.stack;
    const { d } = demo;
    const { approval } = await request(d, demo.stack, 8, "STOP", { [ActionId.autoContSelect]: "60000" });
    await d.decide("U0BOB", approval, "approve");
    expect(masterState(demo.stack, 8)).toBe("T");
    // Due, and claimed by a janitor run that then died (a Lambda timed out) before it sent anything.
    offset = 2 * 60_000;
    const requests = demo.stack.app.worker.stores.requests;
    const [due] = await requests.listContDue(Date.now() + offset);
    if (!due) throw new Error("the CONT is not due");
    const claimed = await applyTransition(requests, due.id, (r) => claimCont(r, Date.now() + offset));
    expect(claimed.ok).toBe(true);
    // Within the janitor's own time limit, the claim is still its run's.
    offset += 2 * 60_000;
    expect((await demo.stack.app.janitor()).contsLost).toBe(0);
    offset += 4 * 60_000;
    const execs = d.signalExecs();
    const [a, b] = await Promise.all([demo.stack.app.janitor(), demo.stack.app.janitor()]);
    expect(a.contsLost + b.contsLost).toBe(1);
    expect(d.signalExecs()).toBe(execs);
    expect(masterState(demo.stack, 8)).toBe("T");
    expect((await requests.get(due.id))?.autoCont?.state).toBe("lost");
    const notes = replies(demo.stack, d, approval).filter((t) => t.includes("may not have been sent"));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain("<@U0ALICE>");
    expect(notes[0]).toContain("the process may still be stopped");
    expect(d.current(approval)).toContain("pns lost track of the automatic *SIGCONT* (see the thread)");
    expect((await demo.stack.app.janitor()).contsLost).toBe(0);
  });
});

describe.each(realRuntimes)("STOP, then the automatic CONT, on the %s runtime", (runtime) => {
  it("the nginx master is T after the STOP, S again after the CONT, and the thread says so", async () => {
    let offset = 0;
    const demo = await startDemo({ sim: { runtime }, now: () => Date.now() + offset, watchAfterSignalMs: 1500 });
    stack = demo.stack;
    const { d } = demo;
    await eventually(() => demo.stack.sim.state.containerStatus("default", "nginx", "nginx")?.state?.running, 20_000);
    const pid = await eventually(
      () =>
        demo.stack.sim.state
          .processes("default", "nginx", "nginx")
          .find((p) => p.args.join(" ").startsWith("nginx: master"))?.pid,
      10_000,
    );
    const { approval } = await request(d, demo.stack, pid, "STOP", { [ActionId.autoContSelect]: "60000" });
    await d.decide("U0BOB", approval, "approve");
    const stopped = replies(demo.stack, d, approval).find((t) => t.includes(`After SIGSTOP to PID ${pid}`));
    expect(stopped).toContain(`PID ${pid} is stopped (T) after 1.5 s.`);
    expect(replies(demo.stack, d, approval).find((t) => t.includes("SIGSTOP sent"))).toMatch(/\(in 1 min\)/);
    offset = 2 * 60_000;
    expect((await demo.stack.app.janitor()).contsSent).toBe(1);
    const cont = replies(demo.stack, d, approval).find((t) => t.includes("SIGCONT sent automatically"));
    expect(cont).toMatch(
      new RegExp(`PID ${pid} is (running|sleeping) \\(STAT [RS]\\)\\.|PID ${pid} is running \\(STAT [RS]\\)\\.`),
    );
    await eventually(() => /^[RS]/.test(masterState(demo.stack, pid) ?? "") || undefined, 5_000);
  }, 120_000);
});
