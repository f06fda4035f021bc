import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionId, BlockId } from "../../src/core/views/ids.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { FakeMessage } from "../../src/local/fake-slack/workspace.js";
import type { LocalStack } from "../../src/local/stack.js";
import { DEMO_CONFIG, type Driver, OPS, startDemo } from "./helpers.js";

const { alice, bob, carol } = slackUsers;

describe("quiet by default: a process table only its asker sees, and Share in channel", () => {
  let stack: LocalStack;
  let d: Driver;
  beforeAll(async () => ({ stack, d } = await startDemo()));
  afterAll(async () => stack?.close());

  const tablesIn = (messages: FakeMessage[]) => messages.filter((m) => d.text(m).includes("Processes in nginx"));
  const share = (user: string, message: FakeMessage) =>
    d.client.send(d.client.blockAction({ user, channel: OPS, message, actionId: ActionId.psShare }));

  it("posts the same table in the channel once, without the button, and removes the private copy", async () => {
    const mine = structuredClone(await d.table(alice.id, "nginx"));
    expect(tablesIn(d.messages())).toEqual([]);
    expect(d.text(mine)).toContain('"Share in channel"');
    // Above the table: the pod's phase and node, each container with its image and restarts.
    expect(d.text(mine)).toMatch(/\*Pod\* Running · on `[^`]+`/);

    expect((await share(alice.id, mine)).status).toBe(200);
    await stack.app.idle();
    const posted = tablesIn(d.messages());
    expect(posted).toHaveLength(1);
    const strip = (m: FakeMessage) =>
      ((m.blocks ?? []) as { block_id?: string }[])
        .filter((b) => b.block_id !== BlockId.psShare)
        .map(({ block_id: _, ...b }) => b);
    expect(strip(posted[0]!)).toEqual(strip(mine));
    expect(d.text(posted[0])).not.toContain("Share in channel");
    expect(tablesIn(stack.slack.workspace.ephemeralsFor(OPS, alice.id))).toEqual([]);

    // A second click (a client that still shows the private table) posts nothing more.
    await share(alice.id, mine);
    await stack.app.idle();
    expect(tablesIn(d.messages())).toHaveLength(1);
    expect(d.toldTo(alice.id).at(-1)).toContain("already shared");
  });

  it("refuses someone else's share of Alice's table (a forged click), and posts nothing", async () => {
    const mine = structuredClone(await d.table(alice.id, "nginx"));
    const before = tablesIn(d.messages()).length;
    await share(carol.id, mine);
    await stack.app.idle();
    expect(tablesIn(d.messages())).toHaveLength(before);
    expect(d.toldTo(carol.id).at(-1)).toContain("Only whoever ran the command can share this table.");
  });

  it("requests a signal from the private table: the approval is posted publicly, and Bob approves it", async () => {
    const workers = d.workerPids();
    const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "reload from a private table");
    expect(d.messages().some((m) => m.ts === approval.ts)).toBe(true);
    expect(d.text(approval)).toContain("reload from a private table");
    await d.decide(bob.id, approval, "approve");
    expect(d.current(approval)).toContain("sent");
    expect(d.workerPids()).not.toEqual(workers);
  });
});

describe("output.ps: public keeps today's public tables", () => {
  let stack: LocalStack;
  let d: Driver;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pns-public-"));
    const { readFile } = await import("node:fs/promises");
    await writeFile(join(dir, "pns.config.yaml"), `${await readFile(DEMO_CONFIG, "utf8")}\noutput:\n  ps: public\n`);
    ({ stack, d } = await startDemo({ configPath: join(dir, "pns.config.yaml") }));
  });
  afterAll(async () => {
    await stack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("posts the table in the channel, with no Share button, and removes the progress message", async () => {
    await d.command(alice.id, "ps nginx");
    const posted = d.messages().filter((m) => d.text(m).includes("Processes in nginx"));
    expect(posted).toHaveLength(1);
    expect(d.text(posted[0])).not.toContain("Share in channel");
    expect(stack.slack.workspace.ephemeralsFor(OPS, alice.id)).toEqual([]);
  });
});
