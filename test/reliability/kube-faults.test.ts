import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import { type LocalStack, startLocalStack } from "../../src/local/stack.js";
import { DEMO_CONFIG, type Driver, driver } from "../app/helpers.js";
import { eventually } from "../sim/helpers.js";
import { record } from "./record.js";

const { alice } = slackUsers;
/** pns's label on the pods it creates (src/kube/debug-spec.ts). */
const MANAGED = "app.kubernetes.io/managed-by";

type Fault = {
  name: string;
  inject: (stack: LocalStack) => void;
  command: string;
  /** Run the command a second time and judge that answer (a fault that shows on the next use). */
  again?: true;
  /** What the answer must say: the fault in words a person can act on. */
  says: RegExp;
};

/**
 * Each fault the simulator injects, the command that meets it, and what the answer must say. Status bodies are the
 * API server's own shapes (src/local/sim/status.ts); 403 wording as kube-apiserver's authorizer and Pod Security
 * admission write it.
 */
const FAULTS: Fault[] = [
  {
    name: "500 on reading the pod",
    inject: (s) => s.sim.faults.failNext("GET pods", 500),
    command: "ps nginx",
    says: /Kubernetes|API|server|500|error/i,
  },
  {
    name: "403 RBAC on reading the pod",
    inject: (s) =>
      s.sim.faults.failNext("GET pods", 403, {
        message:
          'pods "nginx" is forbidden: User "pns" cannot get resource "pods" in API group "" in the namespace "default"',
      }),
    command: "ps nginx",
    says: /get.*pods|RBAC|permission|not allowed/i,
  },
  {
    name: "403 admission on adding the debug container",
    inject: (s) =>
      s.sim.faults.failNext("PATCH pods/ephemeralcontainers", 403, {
        message:
          'pods "web" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "pns-debug" must set securityContext.allowPrivilegeEscalation=false)',
      }),
    command: "ps deploy/web -n shop",
    says: /PodSecurity|Pod Security|admission|restricted/i,
  },
  {
    name: "404: the pod does not exist",
    inject: () => {},
    command: "ps nginx-gone",
    says: /no pod|not found|doesn't exist|does not exist/i,
  },
  {
    name: "409 on creating the copy",
    inject: (s) => s.sim.faults.failNext("POST pods", 409, { reason: "AlreadyExists" }),
    command: "ps deploy/billing -n shop --copy",
    // Another copy name is tried, or the existing copy is reused: either way the table of a copy.
    says: /debug copy|exists|conflict/i,
  },
  {
    name: "an exec that takes longer than debug.execTimeout",
    inject: (s) => s.sim.faults.latency("GET pods/exec", 4_000),
    command: "ps nginx",
    says: /did not finish|timed out|timeout|within/i,
  },
  {
    name: "the exec stream cut mid-output",
    inject: (s) => s.sim.faults.dropExecAfter(200),
    command: "ps nginx",
    says: /stream|closed|cut|connection|incomplete|interrupted|try again/i,
  },
  {
    name: "a debug image that cannot be pulled",
    inject: (s) => s.sim.faults.imagePullFailure("busybox:1.36"),
    command: "ps deploy/web -n shop",
    says: /ImagePullBackOff|ErrImagePull|pull|image/i,
  },
  {
    name: "the pod deleted mid-session",
    inject: (s) => s.sim.faults.deletePodDuringSession("shop", "db-0"),
    command: "ps db-0 -n shop",
    again: true,
    says: /No pod matches "db-0"/,
  },
];

let dir: string;
/** How far pns's clock is ahead of the wall clock. */
let later = 0;
let stack: LocalStack;
let d: Driver;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pns-kube-faults-"));
  const config = join(dir, "pns.config.yaml");
  // The demo's configuration with a short exec timeout, so the slow exec fails within the test.
  await writeFile(config, `${await readFile(DEMO_CONFIG, "utf8")}\n  execTimeout: 2s\n`);
  stack = await startLocalStack({ configPath: config, now: () => Date.now() + later });
  d = driver(stack);
});
afterAll(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Everything pns told Alice since `from` (ephemeral) or posted in the channel. */
function answersSince(from: { told: number; posted: number }): string[] {
  return [
    ...d.toldTo(alice.id).slice(from.told),
    ...d
      .messages()
      .slice(from.posted)
      .map((m) => d.text(m)),
  ];
}

describe("Kubernetes faults", () => {
  const answered: string[] = [];
  it.each(FAULTS)("$name: a clear answer", async (fault) => {
    stack.sim.faults.clear();
    fault.inject(stack);
    let from = { told: d.toldTo(alice.id).length, posted: d.messages().length };
    let res = await d.command(alice.id, fault.command);
    if (fault.again) {
      from = { told: d.toldTo(alice.id).length, posted: d.messages().length };
      res = await d.command(alice.id, fault.command);
    }
    stack.sim.faults.clear();
    expect(res.status).toBe(200);
    const answers = answersSince(from);
    expect(answers.length, "pns said nothing").toBeGreaterThan(0);
    const all = answers.join("\n");
    expect(all).not.toMatch(/\n\s+at .+:\d+:\d+|node_modules|TypeError|undefined/);
    expect(all).toMatch(fault.says);
    answered.push(fault.name);
  });

  it("leave no copy behind once the janitor has run past the copies' lifetime", async () => {
    expect(answered).toHaveLength(FAULTS.length);
    later = 2 * 3_600_000;
    await stack.app.janitor();
    type PodJson = { metadata?: { name?: string; labels?: Record<string, string> } };
    const copies = () => (stack.sim.state.pods() as PodJson[]).filter((p) => p.metadata?.labels?.[MANAGED] === "pns");
    // Deleted, a copy stays Terminating until the kubelet has stopped its containers; then none is left.
    await eventually(() => (copies().length === 0 ? true : undefined), 30_000).catch(() => undefined);
    expect(copies().map((p) => p.metadata?.name)).toEqual([]);
    record(
      "kube-faults",
      `${FAULTS.length} faults (${FAULTS.map((f) => f.name).join(", ")}): each a clear answer, 0 stack traces; 0 copies left after the janitor`,
      {
        faults: FAULTS.length,
        copiesLeft: 0,
      },
    );
  });
});
