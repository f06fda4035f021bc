import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, startDemo } from "./helpers.js";

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

  it("refuses cleanup to a non-admin and deletes the copy for an admin", async () => {
    const refused = await d.command(carol.id, "cleanup -n shop");
    expect(refused.body).toContain("people.admin");
    expect(copies()).toHaveLength(1);
    await d.command(alice.id, "cleanup -n shop");
    expect(d.toldTo(alice.id).at(-1)).toContain("deleted debug copy");
    expect(copies()).toHaveLength(0);
  });
});
