import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "../../src/local/fake-slack/server.js";
import { type RunningApp, startBoltApp } from "./bolt-app.js";

let fake: FakeSlack;
let running: RunningApp;
const clicks: string[] = [];

beforeAll(async () => {
  fake = await startFakeSlack({ ackTimeoutMs: 300 });
  running = await startBoltApp(fake, (app) => {
    app.command("/pns", async ({ ack, command, client }) => {
      if (command.text === "slow") {
        await new Promise((r) => setTimeout(r, 600));
        await ack();
        return;
      }
      if (command.text === "boom") throw new Error("listener failed");
      await ack({ response_type: "ephemeral", text: `ack for ${command.user_name}` });
      await client.chat.postMessage({
        channel: command.channel_id,
        text: "with a button",
        blocks: [
          {
            type: "actions",
            elements: [
              { type: "button", action_id: "pns.test.go", text: { type: "plain_text", text: "Go" }, value: "v1" },
            ],
          },
        ],
      });
    });
    app.action("pns.test.go", async ({ ack, body }) => {
      await ack();
      clicks.push(`${body.user.id}:${(body as { actions: { value: string }[] }).actions[0]?.value}`);
    });
  });
});
afterAll(async () => {
  await running.close();
  await fake.close();
});

const postJson = async (path: string, body: unknown) => {
  const res = await fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { ok: boolean; error?: string };
};

type ConsoleState = {
  me: string;
  messages: { ts: string; text: string; ephemeral: boolean; author: string }[];
};
const stateOf = async (user: string) =>
  (await (await fetch(`${fake.url}/console/state?user=${user}`)).json()) as ConsoleState;

describe("console over HTTP", () => {
  const assets: { path: string; type: string; contains: string }[] = [
    { path: "/", type: "text/html", contains: 'data-testid="composer"' },
    { path: "/console/app.js", type: "text/javascript", contains: "/console/state" },
    { path: "/console/style.css", type: "text/css", contains: ".message" },
  ];
  it.each(assets)("serves $path", async ({ path, type, contains }) => {
    const res = await fetch(`${fake.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain(type);
    expect(await res.text()).toContain(contains);
  });

  it("turns a typed /pns command into a signed request; the ack shows only to its sender", async () => {
    expect(await postJson("/console/command", { user: "U0ALICE", text: "/pns ps nginx" })).toEqual({ ok: true });
    const alice = await stateOf("U0ALICE");
    expect(alice.messages.filter((m) => m.ephemeral).map((m) => m.text)).toContain("ack for alice");
    expect(alice.messages.some((m) => m.text === "with a button" && !m.ephemeral)).toBe(true);
    const bob = await stateOf("U0BOB");
    expect(bob.messages.some((m) => m.ephemeral)).toBe(false);
  });

  it("turns a click into a block_actions request from the chosen user", async () => {
    const message = (await stateOf("U0BOB")).messages.find((m) => m.text === "with a button")!;
    expect(
      await postJson("/console/action", { user: "U0BOB", channel: "C0OPS", ts: message.ts, actionId: "pns.test.go" }),
    ).toEqual({
      ok: true,
    });
    expect(clicks).toEqual(["U0BOB:v1"]);
  });

  const failures: { name: string; body: unknown; error: RegExp }[] = [
    { name: "a listener that throws (HTTP 500)", body: { user: "U0ALICE", text: "/pns boom" }, error: /HTTP 500/ },
    { name: "no ack within the ack timeout", body: { user: "U0ALICE", text: "/pns slow" }, error: /operation_timeout/ },
    { name: "text that is not a slash command", body: { user: "U0ALICE", text: "hello" }, error: /slash command/ },
  ];
  it.each(failures)("reports $name as an error, never silently", async ({ body, error }) => {
    const res = await postJson("/console/command", body);
    expect(res.ok).toBe(false);
    expect(res.error).toMatch(error);
  });

  it("reports a rejected signature (HTTP 401) when the app has another secret", async () => {
    const other = await startFakeSlack({ signingSecret: "other-secret", appUrl: running.url });
    try {
      const res = await fetch(`${other.url}/console/command`, {
        method: "POST",
        body: JSON.stringify({ user: "U0ALICE", text: "/pns ps" }),
      });
      expect(await res.json()).toMatchObject({ ok: false, error: expect.stringMatching(/HTTP 401/) });
    } finally {
      await other.close();
    }
  });
});
