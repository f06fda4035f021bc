import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "../../src/local/fake-slack/server.js";

let fake: FakeSlack;
let client: webApi.WebClient;

const noop = () => {};
/** The WebClient logs every ok:false; these tests provoke them on purpose. */
const silent = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  setLevel: noop,
  getLevel: () => webApi.LogLevel.ERROR,
  setName: noop,
};

beforeAll(async () => {
  fake = await startFakeSlack();
  client = new webApi.WebClient(fake.botToken, {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    logger: silent,
  });
});
afterAll(() => fake.close());

/** Calls a method and returns Slack's error code, or "ok". */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "ok";
  } catch (err) {
    return (err as { data?: { error?: string } }).data?.error ?? String(err);
  }
}

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });

describe("fake Slack Web API through the real WebClient", () => {
  it("answers auth.test with the bot's identity", async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, team_id: "T0PNS", user_id: "U0PNSBOT", bot_id: "B0PNSBOT" });
  });

  it("posts, threads, updates and deletes messages in the model", async () => {
    const posted = await client.chat.postMessage({ channel: "C0OPS", text: "hello", blocks: [section("*hi*")] });
    expect(posted).toMatchObject({ ok: true, channel: "C0OPS", message: { text: "hello", bot_id: "B0PNSBOT" } });
    const ts = posted.ts!;
    const reply = await client.chat.postMessage({ channel: "C0OPS", text: "in thread", thread_ts: ts });
    expect(fake.workspace.replies("C0OPS", ts).map((m) => m.text)).toEqual(["in thread"]);
    await client.chat.update({ channel: "C0OPS", ts, text: "edited", blocks: [section("*changed*")] });
    expect(fake.workspace.message("C0OPS", ts)).toMatchObject({ text: "edited", edited: { user: "U0PNSBOT" } });
    await client.chat.delete({ channel: "C0OPS", ts: reply.ts! });
    expect(fake.workspace.replies("C0OPS", ts)).toEqual([]);
    expect(fake.callsTo("chat.update")[0]?.args).toMatchObject({ channel: "C0OPS", ts, text: "edited" });
  });

  it("gives blocks without block_id one, as Slack does", async () => {
    const posted = await client.chat.postMessage({ channel: "C0OPS", text: "x", blocks: [section("a")] });
    expect((posted.message?.blocks?.[0] as { block_id?: string } | undefined)?.block_id).toEqual(expect.any(String));
  });

  it("keeps ephemeral messages per channel and user", async () => {
    const res = await client.chat.postEphemeral({ channel: "C0OPS", user: "U0ALICE", text: "only you" });
    expect(res.message_ts).toEqual(expect.any(String));
    expect(fake.workspace.ephemeralsFor("C0OPS", "U0ALICE").at(-1)?.text).toBe("only you");
    expect(fake.workspace.ephemeralsFor("C0OPS", "U0BOB").some((m) => m.text === "only you")).toBe(false);
  });

  const errorCases: { name: string; call: () => Promise<unknown>; error: string }[] = [
    {
      name: "no text and no blocks",
      call: () => client.chat.postMessage({ channel: "C0OPS", text: "" }),
      error: "no_text",
    },
    {
      name: "more than 50 blocks",
      call: () =>
        client.chat.postMessage({
          channel: "C0OPS",
          text: "t",
          blocks: Array.from({ length: 51 }, () => section("x")),
        }),
      error: "invalid_blocks",
    },
    {
      name: "section text over 3000 characters",
      call: () => client.chat.postMessage({ channel: "C0OPS", text: "t", blocks: [section("x".repeat(3001))] }),
      error: "invalid_blocks",
    },
    {
      name: "unknown channel",
      call: () => client.chat.postMessage({ channel: "C0NOPE", text: "t" }),
      error: "channel_not_found",
    },
    {
      name: "update of a missing ts",
      call: () => client.chat.update({ channel: "C0OPS", ts: "1.000001", text: "t" }),
      error: "message_not_found",
    },
    {
      name: "delete of a missing ts",
      call: () => client.chat.delete({ channel: "C0OPS", ts: "1.000001" }),
      error: "message_not_found",
    },
    { name: "unknown user", call: () => client.users.info({ user: "U0NOBODY" }), error: "user_not_found" },
    {
      name: "unknown usergroup",
      call: () => client.usergroups.users.list({ usergroup: "S0NONE" }),
      error: "no_such_subteam",
    },
    {
      name: "views.open with a trigger this fake never issued",
      call: () =>
        client.views.open({
          trigger_id: "1.2.abc",
          view: { type: "modal", title: { type: "plain_text", text: "x" }, blocks: [] },
        }),
      error: "invalid_trigger_id",
    },
    { name: "a wrong token", call: () => client.auth.test({ token: "xoxb-wrong" }), error: "invalid_auth" },
  ];
  it.each(errorCases)("answers Slack's error for $name", async ({ call, error }) => {
    expect(await outcome(call)).toBe(error);
  });

  it("answers not_authed without a token and unknown_method for methods it lacks", async () => {
    const bare = await fetch(`${fake.apiUrl}auth.test`, { method: "POST" });
    expect(await bare.json()).toEqual({ ok: false, error: "not_authed" });
    expect(await outcome(() => client.apiCall("reactions.add", { channel: "C0OPS" }))).toBe("unknown_method");
  });

  it("accepts JSON bodies as well as form bodies", async () => {
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${fake.botToken}`, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ channel: "C0OPS", text: "json body", blocks: [section("j")] }),
    });
    const body = (await res.json()) as { ok: boolean; ts: string };
    expect(body.ok).toBe(true);
    expect(fake.workspace.message("C0OPS", body.ts)?.blocks).toHaveLength(1);
  });

  it("answers users.info, conversations.info and usergroups.users.list", async () => {
    expect((await client.users.info({ user: "U0BOB" })).user).toMatchObject({ id: "U0BOB", name: "bob" });
    expect((await client.conversations.info({ channel: "C0OPS" })).channel).toMatchObject({ id: "C0OPS", name: "ops" });
    expect((await client.usergroups.users.list({ usergroup: "S0SRE" })).users).toEqual(["U0BOB"]);
  });

  it("answers not_in_channel where the bot was not invited", async () => {
    const other = await startFakeSlack({ channels: [{ id: "C0SECRET", name: "secret", botIsMember: false }] });
    try {
      const c = new webApi.WebClient(other.botToken, {
        slackApiUrl: other.apiUrl,
        retryConfig: { retries: 0 },
        logger: silent,
      });
      expect(await outcome(() => c.chat.postMessage({ channel: "C0SECRET", text: "hi" }))).toBe("not_in_channel");
    } finally {
      await other.close();
    }
  });

  it("answers plan_upgrade_required for usergroups on a free plan", async () => {
    const free = await startFakeSlack({ usergroupsPlan: "free" });
    try {
      const c = new webApi.WebClient(free.botToken, {
        slackApiUrl: free.apiUrl,
        retryConfig: { retries: 0 },
        logger: silent,
      });
      expect(await outcome(() => c.usergroups.users.list({ usergroup: "S0SRE" }))).toBe("plan_upgrade_required");
    } finally {
      await free.close();
    }
  });

  it("uploads a file with files.uploadV2 and shows it as a message in the thread", async () => {
    const parent = await client.chat.postMessage({ channel: "C0OPS", text: "parent" });
    const res = await client.filesUploadV2({
      channel_id: "C0OPS",
      thread_ts: parent.ts!,
      initial_comment: "nginx.conf from web-0",
      filename: "nginx.conf",
      content: "worker_processes 2;\n",
    });
    expect(res.ok).toBe(true);
    const reply = fake.workspace.replies("C0OPS", parent.ts!).at(-1);
    expect(reply).toMatchObject({ text: "nginx.conf from web-0", files: [{ name: "nginx.conf", size: 20 }] });
    const download = await fetch(reply!.files![0]!.url_private);
    expect(await download.text()).toBe("worker_processes 2;\n");
  });
});
