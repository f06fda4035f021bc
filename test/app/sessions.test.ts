import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { eventually } from "../sim/helpers.js";
import { type Driver, OPS, startDemo } from "./helpers.js";

const { alice, carol } = slackUsers;

describe("debug copies: /pns ps --copy, /pns sessions, /pns cleanup", () => {
  let stack: LocalStack;
  let d: Driver;
  const copies = () => stack.sim.state.pods("shop").filter((p) => /-pns-/.test(p.metadata?.name ?? ""));

  beforeAll(async () => ({ stack, d } = await startDemo()));
  afterAll(async () => stack?.close());

  it("debugs a copy of a pod that shares its process namespace, labelled as pns's", async () => {
    await d.command(alice.id, "ps deploy/web -n shop --copy");
    const table = d.seenBy(alice.id).find((m) => d.text(m).includes("debug copy"));
    expect(table).toBeDefined();
    expect(copies()).toHaveLength(1);
    const copy = copies()[0]!;
    expect(copy.spec?.shareProcessNamespace).toBe(true);
    expect(copy.metadata?.labels?.["app.kubernetes.io/managed-by"]).toBe("pns");
  });

  it("lists the channel's debug sessions", async () => {
    const res = await d.command(alice.id, "sessions");
    expect(res.status).toBe(200);
    expect(d.toldTo(alice.id).at(-1)).toContain(copies()[0]!.metadata!.name!);
  });

  it("says when each debug container started and when it was last used, and forgets a deleted pod", async () => {
    await d.command(alice.id, "ps deploy/web -n shop");
    const web = stack.sim.state
      .pods("shop")
      .find((p) => /^web-/.test(p.metadata?.name ?? "") && (p.spec?.ephemeralContainers?.length ?? 0) > 0);
    const debug = web?.spec?.ephemeralContainers?.[0];
    const started = Date.parse(
      web?.status?.ephemeralContainerStatuses?.find((c: { name: string }) => c.name === debug?.name)?.state?.running
        ?.startedAt,
    );
    await new Promise((r) => setTimeout(r, 1100));
    await d.command(alice.id, "ps deploy/web -n shop");
    await d.command(alice.id, "sessions");
    const line = d
      .toldTo(alice.id)
      .at(-1)!
      .split("\\n")
      .find((l) => l.includes(debug?.name ?? "?"))!;
    // Started: the debug container's own start (not the last ps); last used: the last ps, a second later.
    const dates = [...line.matchAll(/<!date\^(\d+)\^/g)].map((m) => Number(m[1]) * 1000);
    expect(line).toContain(`started <!date^${Math.floor(started / 1000)}^`);
    expect(line).toMatch(/; last used <!date\^\d+\^/);
    expect(dates[1]).toBeGreaterThan(dates[0]!);
    expect(line.replace(/<!date[^>]*>/g, "")).not.toMatch(/\d{4}-\d{2}-\d{2}T\d/);

    stack.sim.state.deletePod("shop", web!.metadata!.name!);
    await d.command(alice.id, "sessions");
    expect(d.toldTo(alice.id).at(-1)).not.toContain(debug?.name ?? "?");
    expect(
      (await stack.app.worker.stores.sessions.list(OPS, Date.now())).some((s) => s.debugContainer === debug?.name),
    ).toBe(false);
  });

  it("shows a debug container whose target restarted as blind", async () => {
    await d.command(alice.id, "ps billing -n shop");
    const pod = stack.sim.state.pods("shop").find((p) => /^billing/.test(p.metadata?.name ?? ""))!;
    const main = pod.spec.containers[0].name;
    await new Promise((r) => setTimeout(r, 1100));
    stack.sim.state.restartContainer("shop", pod.metadata.name, main);
    await d.command(alice.id, "sessions");
    const said = d.toldTo(alice.id).at(-1)!;
    expect(said).toMatch(/:warning: \*sim \/ shop \/ billing[^*]*\*: ephemeral container pns-debug-\w+ is blind: /);
    expect(said).toContain("attaches a new one");
  });

  it("refuses cleanup to a non-admin and deletes the copy for an admin", async () => {
    const refused = await d.command(carol.id, "cleanup -n shop");
    expect(refused.body).toContain("people.admin");
    expect(copies()).toHaveLength(1);
    await d.command(alice.id, "cleanup -n shop");
    expect(d.toldTo(alice.id).at(-1)).toContain("deleted debug copy");
    // Deleted, the copy is Terminating until the kubelet has stopped it: /pns sessions says so; then it is gone.
    expect(copies().map((p) => Boolean(p.metadata?.deletionTimestamp))).toEqual([true]);
    await d.command(alice.id, "sessions");
    expect(d.toldTo(alice.id).at(-1)).toContain("the debug copy is being deleted");
    await eventually(() => (copies().length === 0 ? true : undefined));
    await d.command(alice.id, "sessions");
    expect(d.toldTo(alice.id).at(-1)).not.toContain("debug copy");
  });
});
