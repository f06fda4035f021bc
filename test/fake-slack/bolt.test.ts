import type { App } from "@slack/bolt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SendOverrides, slackClient } from "../../src/local/fake-slack/client.js";
import { type FakeSlack, startFakeSlack } from "../../src/local/fake-slack/server.js";
import { type RunningApp, startBoltApp } from "./bolt-app.js";

let clock = 0;
let fake: FakeSlack;
let running: RunningApp | undefined;

beforeEach(async () => {
  clock = Date.now();
  fake = await startFakeSlack({ now: () => clock });
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  await fake.close();
});

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
const approveButtons = {
  type: "actions",
  block_id: "decide",
  elements: [
    {
      type: "button",
      action_id: "pns.test.approve",
      text: { type: "plain_text", text: "Approve" },
      value: "req-1",
      style: "primary",
    },
    {
      type: "static_select",
      action_id: "pns.test.signal",
      placeholder: { type: "plain_text", text: "Signal" },
      option_groups: [
        {
          label: { type: "plain_text", text: "Safe" },
          options: [{ text: { type: "plain_text", text: "SIGHUP" }, value: "HUP" }],
        },
      ],
    },
  ],
};

/** A Bolt app with a /pns command that posts a message with buttons, and listeners that record what they saw. */
async function startApp(extra?: (app: App) => void) {
  const seen: { retryNum?: unknown; actions: unknown[]; viewsOpen: string[]; submissions: unknown[] } = {
    actions: [],
    viewsOpen: [],
    submissions: [],
  };
  running = await startBoltApp(fake, (app) => {
    app.command("/pns", async ({ ack, respond, client, command, context }) => {
      seen.retryNum = context.retryNum;
      await ack({ text: `working on ${command.text}` });
      await respond({ text: "only for you" });
      await client.chat.postMessage({
        channel: command.channel_id,
        text: `request by <@${command.user_id}>`,
        blocks: [section(`*${command.text}*`), approveButtons],
      });
    });
    app.action("pns.test.approve", async ({ ack, body, respond, client }) => {
      await ack();
      seen.actions.push(body);
      await respond({ replace_original: true, text: "approved", blocks: [section("approved")] });
      try {
        await client.views.open({
          trigger_id: (body as { trigger_id: string }).trigger_id,
          view: {
            type: "modal",
            callback_id: "pns.test.reason",
            title: { type: "plain_text", text: "Reason" },
            submit: { type: "plain_text", text: "Send" },
            blocks: [
              {
                type: "input",
                block_id: "reason",
                label: { type: "plain_text", text: "Why?" },
                element: { type: "plain_text_input", action_id: "text", multiline: true },
              },
            ],
          },
        });
        seen.viewsOpen.push("ok");
      } catch (err) {
        seen.viewsOpen.push((err as { data?: { error?: string } }).data?.error ?? "thrown");
      }
    });
    app.action("pns.test.signal", async ({ ack, body }) => {
      await ack();
      seen.actions.push(body);
    });
    app.view("pns.test.reason", async ({ ack, view }) => {
      const text = view.state.values.reason?.text?.value ?? "";
      seen.submissions.push(text);
      if (text.length < 3) await ack({ response_action: "errors", errors: { reason: "Say a bit more." } });
      else await ack();
    });
    extra?.(app);
  });
  return { seen, slack: slackClient(fake) };
}

describe("fake Slack against a real Bolt app", () => {
  it("delivers a signed slash command: ack, respond() and chat.postMessage land in the model", async () => {
    const { slack } = await startApp();
    const res = await slack.send(slack.slashCommand({ user: "U0ALICE", channel: "C0OPS", text: "ps nginx" }));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ text: "working on ps nginx" });
    expect(fake.workspace.channelMessages("C0OPS").at(-1)).toMatchObject({ text: "request by <@U0ALICE>" });
    expect(fake.workspace.ephemeralsFor("C0OPS", "U0ALICE").map((m) => m.text)).toContain("only for you");
    expect(fake.workspace.ephemeralsFor("C0OPS", "U0BOB")).toEqual([]);
  });

  const rejected: { name: string; overrides: SendOverrides }[] = [
    { name: "a wrong signing secret", overrides: { signingSecret: "not-the-secret" } },
    { name: "a garbage signature", overrides: { signature: "v0=deadbeef" } },
    { name: "a timestamp 6 minutes old", overrides: { timestamp: Math.floor(Date.now() / 1000) - 360 } },
    { name: "no signature header", overrides: { omit: ["signature"] } },
    { name: "no timestamp header", overrides: { omit: ["timestamp"] } },
  ];
  it.each(rejected)("is rejected with 401 for $name", async ({ overrides }) => {
    const { slack } = await startApp();
    const res = await slack.send(slack.slashCommand({ user: "U0ALICE", channel: "C0OPS", text: "ps" }), overrides);
    expect(res.status).toBe(401);
    expect(fake.callsTo("chat.postMessage")).toEqual([]);
  });

  it("passes X-Slack-Retry-Num through to Bolt's context, and a built request can be sent twice", async () => {
    const { slack, seen } = await startApp();
    const request = slack.slashCommand({ user: "U0ALICE", channel: "C0OPS", text: "ps" });
    expect((await slack.send(request)).status).toBe(200);
    expect((await slack.send(request, { retryNum: 1 })).status).toBe(200);
    expect(seen.retryNum).toBe("1");
    expect(fake.callsTo("chat.postMessage")).toHaveLength(2);
  });

  it("delivers a button click: respond() replaces the message and views.open with a fresh trigger opens a modal", async () => {
    const { slack, seen } = await startApp();
    await slack.send(slack.slashCommand({ user: "U0ALICE", channel: "C0OPS", text: "ps" }));
    const message = fake.workspace.channelMessages("C0OPS").at(-1)!;
    const res = await slack.send(
      slack.blockAction({ user: "U0BOB", channel: "C0OPS", message, actionId: "pns.test.approve" }),
    );
    expect(res.status).toBe(200);
    expect(seen.actions[0]).toMatchObject({
      type: "block_actions",
      user: { id: "U0BOB", username: "bob", team_id: "T0PNS" },
      channel: { id: "C0OPS", name: "ops" },
      container: { type: "message", message_ts: message.ts, channel_id: "C0OPS", is_ephemeral: false },
      message: { ts: message.ts, text: "request by <@U0ALICE>" },
      actions: [{ type: "button", action_id: "pns.test.approve", block_id: "decide", value: "req-1" }],
    });
    expect(fake.workspace.message("C0OPS", message.ts)).toMatchObject({ text: "approved" });
    expect(seen.viewsOpen).toEqual(["ok"]);
    expect(fake.workspace.openViewOf("U0BOB")).toMatchObject({ callback_id: "pns.test.reason" });
  });

  it("fails views.open with expired_trigger_id when the click is older than 3 s", async () => {
    const { slack, seen } = await startApp();
    await slack.send(slack.slashCommand({ user: "U0ALICE", channel: "C0OPS", text: "ps" }));
    const message = fake.workspace.channelMessages("C0OPS").at(-1)!;
    const click = slack.blockAction({ user: "U0BOB", channel: "C0OPS", message, actionId: "pns.test.approve" });
    clock += 3_500;
    await slack.send(click);
    expect(seen.viewsOpen).toEqual(["expired_trigger_id"]);
    expect(fake.workspace.openViewOf("U0BOB")).toBeUndefined();
  });

  it("sends the selected option of a static_select with option_groups and the state of the message", async () => {
    const { slack, seen } = await startApp();
    await slack.send(slack.slashCommand({ user: "U0ALICE", channel: "C0OPS", text: "ps" }));
    const message = fake.workspace.channelMessages("C0OPS").at(-1)!;
    await slack.send(
      slack.blockAction({ user: "U0ALICE", channel: "C0OPS", message, actionId: "pns.test.signal", value: "HUP" }),
    );
    expect(seen.actions[0]).toMatchObject({
      actions: [{ type: "static_select", action_id: "pns.test.signal", selected_option: { value: "HUP" } }],
      state: {
        values: { decide: { "pns.test.signal": { type: "static_select", selected_option: { value: "HUP" } } } },
      },
    });
  });

  it("keeps each user's select picks in the state of later clicks on the same message, until it changes", async () => {
    const { slack, seen } = await startApp((app) => {
      app.action("pns.test.peek", async ({ ack, body }) => {
        await ack();
        seen.actions.push(body);
      });
    });
    const api = (method: string, args: unknown) =>
      fetch(`${fake.apiUrl}${method}`, {
        method: "POST",
        headers: { authorization: `Bearer ${fake.botToken}`, "content-type": "application/json" },
        body: JSON.stringify(args),
      }).then((r) => r.json() as Promise<{ ts: string }>);
    const peek = { type: "button", action_id: "pns.test.peek", text: { type: "plain_text", text: "Peek" } };
    const blocks = [{ ...approveButtons, elements: [approveButtons.elements[1], peek] }];
    const { ts } = await api("chat.postMessage", { channel: "C0OPS", text: "pick", blocks });
    const message = fake.workspace.message("C0OPS", ts)!;
    const click = (user: string) =>
      slack.send(slack.blockAction({ user, channel: "C0OPS", message, actionId: "pns.test.peek" }));
    const picked = () =>
      (seen.actions.at(-1) as { state: { values: Record<string, Record<string, { selected_option: unknown }>> } }).state
        .values.decide?.["pns.test.signal"]?.selected_option;
    await slack.send(
      slack.blockAction({ user: "U0BOB", channel: "C0OPS", message, actionId: "pns.test.signal", value: "HUP" }),
    );
    await click("U0CAROL");
    expect(picked()).toBeNull();
    await click("U0BOB");
    expect(picked()).toMatchObject({ value: "HUP" });
    await api("chat.update", { channel: "C0OPS", ts, text: "pick again", blocks });
    await click("U0BOB");
    expect(picked()).toBeNull();
  });

  it("delivers a view_submission with the typed values and honours response_action errors", async () => {
    const { slack, seen } = await startApp();
    await slack.send(slack.slashCommand({ user: "U0ALICE", channel: "C0OPS", text: "ps" }));
    const message = fake.workspace.channelMessages("C0OPS").at(-1)!;
    await slack.send(slack.blockAction({ user: "U0BOB", channel: "C0OPS", message, actionId: "pns.test.approve" }));
    const view = fake.workspace.openViewOf("U0BOB")!;
    const short = await slack.send(slack.viewSubmission({ user: "U0BOB", view, values: { text: "no" } }));
    expect(short.json).toEqual({ response_action: "errors", errors: { reason: "Say a bit more." } });
    const ok = await slack.send(slack.viewSubmission({ user: "U0BOB", view, values: { text: "config changed" } }));
    expect(ok.status).toBe(200);
    expect(seen.submissions).toEqual(["no", "config changed"]);
  });
});

describe("response_url", () => {
  const post = (url: string, body: unknown) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("accepts 5 posts, then answers 404 used_url", async () => {
    const url = fake.issueResponseUrl({ channel: "C0OPS", user: "U0ALICE" });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(url, { text: `r${i}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    expect(await (await post(url, { text: "again" })).json()).toEqual({ ok: false, error: "used_url" });
  });

  it("answers 404 expired_url after 30 minutes", async () => {
    const url = fake.issueResponseUrl({ channel: "C0OPS", user: "U0ALICE" });
    clock += 30 * 60_000 + 1;
    const res = await post(url, { text: "late" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ ok: false, error: "expired_url" });
  });

  it("replaces a slash command's first response on replace_original, then deletes it on delete_original", async () => {
    const url = fake.issueResponseUrl({ channel: "C0OPS", user: "U0ALICE" });
    const mine = () => fake.workspace.ephemeralsFor("C0OPS", "U0ALICE").map((m) => m.text);
    await post(url, { response_type: "ephemeral", text: "Looking for nginx…" });
    await post(url, { response_type: "ephemeral", replace_original: true, text: "Found web-0" });
    expect(mine()).toEqual(["Found web-0"]);
    await post(url, { response_type: "ephemeral", replace_original: false, text: "Table follows" });
    expect(mine()).toEqual(["Found web-0", "Table follows"]);
    await post(url, { delete_original: true });
    expect(mine()).toEqual(["Table follows"]);
  });

  const cases: { name: string; body: Record<string, unknown>; check: (ts: string) => void }[] = [
    {
      name: "in_channel posts for everyone, in the thread given",
      body: { response_type: "in_channel", text: "for all", thread_ts: "PARENT" },
      check: (ts) => expect(fake.workspace.replies("C0OPS", ts).at(-1)?.text).toBe("for all"),
    },
    {
      name: "ephemeral (the default) posts for the user only",
      body: { text: "for alice" },
      check: () => expect(fake.workspace.ephemeralsFor("C0OPS", "U0ALICE").at(-1)?.text).toBe("for alice"),
    },
    {
      name: "replace_original replaces the message clicked",
      body: { replace_original: true, text: "replaced" },
      check: (ts) => expect(fake.workspace.message("C0OPS", ts)?.text).toBe("replaced"),
    },
    {
      name: "delete_original deletes the message clicked",
      body: { delete_original: true },
      check: (ts) => expect(fake.workspace.message("C0OPS", ts)).toBeUndefined(),
    },
  ];
  it.each(cases)("$name", async ({ body, check }) => {
    const parent = fake.workspace.nextTs();
    fake.workspace.messages.push({ type: "message", channel: "C0OPS", ts: parent, text: "original", user: "U0PNSBOT" });
    const url = fake.issueResponseUrl({ channel: "C0OPS", user: "U0ALICE", messageTs: parent, isEphemeral: false });
    const res = await post(url, { ...body, ...(body.thread_ts ? { thread_ts: parent } : {}) });
    expect(res.status).toBe(200);
    check(parent);
  });
});
