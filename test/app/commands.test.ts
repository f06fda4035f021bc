import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { runtimes } from "../sim/runtimes.js";
import { type Driver, startDemo } from "./helpers.js";

const { alice, carol } = slackUsers;

// /pns ports, inspect and doctor through signed Slack requests, the Bolt app, the worker and the simulator, on every
// runtime: on runc and crun the sockets, /proc and capabilities are the kernel's, and the nginx is real.
describe.each(runtimes)("ports, inspect and doctor on the %s runtime", (runtime) => {
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

  const master = () => {
    const p = stack.sim.state
      .processes("default", "nginx", "nginx")
      .find((x) => x.args[0]?.startsWith("nginx: master"));
    if (!p) throw new Error("no nginx master");
    return p;
  };

  it("/pns ports nginx: port 80 held by the nginx master, 8080 declared but not listened on, no Service", async () => {
    const before = d.messages().length;
    await d.command(alice.id, "ports nginx");
    const posted = d
      .messages()
      .slice(before)
      .map((m) => d.text(m));
    const view = posted.find((t) => t.includes("Ports of nginx"));
    if (!view) throw new Error(`no ports view: ${JSON.stringify(d.toldTo(alice.id).slice(-1))}`);
    expect(view).toContain("*80/TCP*");
    expect(view).toContain(`PID ${master().pid}`);
    expect(view).toContain("(nginx)");
    expect(view).toContain("8080/TCP (metrics) is declared by container nginx but nothing listens on it.");
    expect(view).toContain("80/TCP listens");
    expect(view).toContain("but no Service exposes it");
  }, 30_000);

  it("/pns inspect nginx <master>: environment, open files against the limit, capabilities, only to the asker", async () => {
    const before = d.messages().length;
    await d.command(alice.id, `inspect nginx ${master().pid}`);
    expect(d.messages().length).toBe(before);
    const told = d.toldTo(alice.id).find((t) => t.includes(`PID ${master().pid} ·`));
    if (!told) throw new Error(`no inspect view: ${JSON.stringify(d.toldTo(alice.id).slice(-1))}`);
    expect(told).toContain("*Open files:*");
    expect(told).toMatch(/of [\d,]+/);
    expect(told).toContain("*Capabilities (effective):*");
    expect(told).toContain("*Seccomp:*");
    // The real nginx writes its title over its environment (ngx_setproctitle): its environ then holds the title.
    expect(told).toContain("*Environment*");
    const trail = (await d.command(alice.id, "audit 5")).body;
    expect(trail).toContain(`inspected PID ${master().pid}: environment keys shown`);
  }, 30_000);

  it("/pns inspect nginx <sh of the shell container>: its environment as the kernel has it", async () => {
    const sh = stack.sim.state.processes("default", "nginx", "shell").find((p) => p.ppid === 0 || p.args[0] === "sh");
    if (!sh) throw new Error("no sh in the shell container");
    await d.command(alice.id, `inspect nginx ${sh.pid}`);
    const told = d.toldTo(alice.id).at(-1) ?? "";
    expect(told).toContain(`PID ${sh.pid} ·`);
    expect(told).toContain("*Container:* shell");
    expect(told).toContain("PATH=");
    expect(told).toContain("HOSTNAME=nginx");
    const trail = (await d.command(alice.id, "audit 5")).body;
    expect(trail).toMatch(new RegExp(`inspected PID ${sh.pid}: environment keys shown [A-Z_,]*PATH`));
    expect(trail).not.toContain("/usr/local/sbin");
  }, 30_000);

  it("refuses /pns inspect to someone outside people.inspect (the admins by default)", async () => {
    const res = await d.command(carol.id, `inspect nginx ${master().pid}`);
    expect(res.body).toContain("You may not inspect processes with pns: ask an admin to add you under people.inspect.");
  });

  it("/pns doctor nginx: rights, Pod Security, the debug profile and the debug containers, each with its fix", async () => {
    await d.command(alice.id, "doctor nginx");
    const told = d.toldTo(alice.id).find((t) => t.includes("Doctor: nginx"));
    if (!told) throw new Error(`no doctor view: ${JSON.stringify(d.toldTo(alice.id).slice(-1))}`);
    expect(told).toContain("pns can work on nginx");
    expect(told).toContain("*Rights*");
    expect(told).toContain("*Admission (dry run)*");
    expect(told).toContain("*Exec*");
    // ports (the `baseline` profile) and inspect (the read profile, ptrace access) each added one.
    expect(told).toMatch(/carries 2 of at most 5 pns debug containers/);
  }, 30_000);
});
