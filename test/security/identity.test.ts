import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SlackRequest } from "../../src/local/fake-slack/client.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import { type FakeMessage, fakeTeam } from "../../src/local/fake-slack/workspace.js";
import type { LocalStack } from "../../src/local/stack.js";
import { DEMO_CONFIG, type Driver, OPS, startDemo } from "../app/helpers.js";

const { alice, bob } = slackUsers;

/** The payload of a built request changed, and the body re-encoded as Slack would send it (then signed as usual). */
function forged(request: SlackRequest, change: (payload: Record<string, unknown>) => void): SlackRequest {
  const payload = structuredClone(request.payload) as Record<string, unknown>;
  change(payload);
  const body =
    request.kind === "slash_command"
      ? new URLSearchParams(payload as Record<string, string>).toString()
      : new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return { ...request, payload, body };
}

/** Identity and scope: pns serves its own workspace's people, and a click decides only its own request. */
describe("who pns serves, and where a click counts", () => {
  let stack: LocalStack;
  let d: Driver;
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "pns-identity-"));
    const config = join(dir, "pns.config.yaml");
    await writeFile(config, `${await readFile(DEMO_CONFIG, "utf8")}\nslack:\n  team: ${fakeTeam.id}\n`);
    ({ stack, d } = await startDemo({ configPath: config }));
  });
  afterAll(async () => stack?.close());

  const lastTold = (user: string) => d.toldTo(user).at(-1) ?? "";

  it("serves the home workspace", async () => {
    const res = await d.command(alice.id, "help");
    expect(res.body).toContain("ps");
  });

  it.each([
    ["another workspace", (p: Record<string, unknown>) => Object.assign(p, { team_id: "T0OTHERWS" }), "own workspace"],
    ["a bot", (p: Record<string, unknown>) => Object.assign(p, { user_id: "B0BOTBOT" }), "only for people"],
    ["an empty user id", (p: Record<string, unknown>) => Object.assign(p, { user_id: "" }), "only for people"],
    [
      "a Slack Connect channel",
      (p: Record<string, unknown>) => Object.assign(p, { is_ext_shared_channel: "true" }),
      "shared with other organizations",
    ],
  ])("refuses a slash command from %s", async (_name, change, says) => {
    const request = forged(d.client.slashCommand({ user: alice.id, channel: OPS, text: "ps nginx" }), change);
    const res = await d.client.send(request);
    await stack.app.idle();
    expect(res.status).toBe(200);
    expect(res.body).toContain(says);
  });

  it("decides a request only from its own message and channel", async () => {
    const a = await d.requestSignal(alice.id, "nginx", 8, "HUP", "request A");
    const b = await d.requestSignal(alice.id, "nginx", 8, "TERM", "request B");
    const workers = d.workerPids();
    const buttonsOf = (m: FakeMessage) => {
      const actions = (m.blocks as { type: string; block_id?: string; elements?: { value?: string }[] }[]).find(
        (x) => x.type === "actions",
      )!;
      return { blockId: actions.block_id!, value: actions.elements![0]!.value! };
    };
    const ofA = buttonsOf(a);
    const click = () =>
      d.client.blockAction({ user: bob.id, channel: OPS, message: b, actionId: "pns.signal.approve" });
    const aOnB = forged(click(), (p) => {
      const action = (p.actions as Record<string, unknown>[])[0]!;
      Object.assign(action, { value: ofA.value, block_id: ofA.blockId });
    });
    await d.client.send(aOnB);
    await stack.app.idle();
    expect(lastTold(bob.id)).toContain("not on this request's approval message");
    expect(d.current(a)).toContain('"Approve"');

    const fromDm = forged(
      d.client.blockAction({ user: bob.id, channel: OPS, message: a, actionId: "pns.signal.approve" }),
      (p) => {
        Object.assign(p.container as object, { channel_id: "D0BOBDM01" });
        Object.assign(p.channel as object, { id: "D0BOBDM01" });
      },
    );
    await d.client.send(fromDm);
    await stack.app.idle();
    expect(d.current(a)).toContain('"Approve"');
    expect(d.workerPids()).toEqual(workers);

    await d.decide(bob.id, a, "approve");
    expect(d.current(a)).not.toContain('"Approve"');
  });

  it("refuses a click from another workspace", async () => {
    const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "from elsewhere");
    const click = forged(
      d.client.blockAction({ user: bob.id, channel: OPS, message: approval, actionId: "pns.signal.deny" }),
      (p) => {
        Object.assign(p.user as object, { team_id: "T0OTHERWS" });
      },
    );
    await d.client.send(click);
    await stack.app.idle();
    expect(lastTold(bob.id)).toContain("own workspace");
    expect(d.current(approval)).toContain('"Approve"');
  });
});
