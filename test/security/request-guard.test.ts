import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signSlackRequest, slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, OPS, startDemo } from "../app/helpers.js";

const { alice } = slackUsers;

/**
 * Requests Slack would never send, correctly signed or not, POSTed to the dev server's /slack/events (the Lambda
 * handler behind it): each gets a 4xx with a reason, never a 5xx, and a replay never acts twice.
 */
describe("the request guard in front of Bolt", () => {
  let stack: LocalStack;
  let d: Driver;
  beforeAll(async () => ({ stack, d } = await startDemo()));
  afterAll(async () => stack?.close());

  const url = () => `${stack.app.url}/slack/events`;
  const now = () => Math.floor(Date.now() / 1000);
  async function post(body: string, o: { ts?: number; sign?: boolean; type?: string; secret?: string } = {}) {
    const ts = o.ts ?? now();
    const headers: Record<string, string> = { "content-type": o.type ?? "application/x-www-form-urlencoded" };
    if (o.sign !== false) {
      headers["x-slack-request-timestamp"] = String(ts);
      headers["x-slack-signature"] = signSlackRequest(o.secret ?? stack.slack.signingSecret, ts, body);
    }
    const res = await fetch(url(), { method: "POST", headers, body });
    return { status: res.status, text: await res.text() };
  }

  it.each([
    ["unsigned garbage", "payload=%7Bnot json", { sign: false }, 401],
    ["signed garbage in the payload", "payload=%7Bnot json", {}, 400],
    ["a signed payload that is a JSON string, not an object", `payload=${encodeURIComponent('"x"')}`, {}, 400],
    ["a signed form that is neither a command nor an interaction", "hello=world", {}, 400],
    ["a signed JSON body that does not parse", "{oops", { type: "application/json" }, 400],
    ["a media type Slack never sends", "x", { type: "text/plain" }, 415],
    ["a wrong signature", "command=%2Fpns&text=ps", { secret: "not-the-secret" }, 401],
    ["a timestamp 6 minutes in the past", "command=%2Fpns&text=ps", { ts: now() - 360 }, 401],
    ["a timestamp 6 minutes in the future", "command=%2Fpns&text=ps", { ts: now() + 360 }, 401],
  ] as const)("answers %s with status %d", async (_name, body, o, status) => {
    const res = await post(body, o);
    expect(res.status).toBe(status);
    expect(res.text.length).toBeGreaterThan(0);
    expect(res.text).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it("matches the media type ignoring its parameters", async () => {
    const request = d.client.slashCommand({ user: alice.id, channel: OPS, text: "help" });
    const res = await post(request.body, { type: "Application/X-WWW-Form-Urlencoded; charset=utf-8" });
    expect(res.status).toBe(200);
    expect(res.text).toContain("ps");
  });

  it("acts once on a signed request sent three times (a replayed reason modal opens one request)", async () => {
    const before = d.messages().length;
    const table = await d.table(alice.id, "nginx");
    for (const [actionId, value] of [
      ["pns.ps.process", "8"],
      ["pns.ps.signal", "HUP"],
    ] as const) {
      await d.client.send(d.client.blockAction({ user: alice.id, channel: OPS, message: table, actionId, value }));
    }
    await d.client.send(
      d.client.blockAction({ user: alice.id, channel: OPS, message: table, actionId: "pns.ps.request" }),
    );
    const modal = stack.slack.workspace.openViewOf(alice.id)!;
    const submission = d.client.viewSubmission({
      user: alice.id,
      view: modal,
      values: { "pns.reason.input": "replay" },
    });
    const timestamp = now();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await d.client.send(submission, { timestamp })).status);
    await stack.app.idle();
    expect(answers).toEqual([200, 200, 200]);
    const approvals = d
      .messages()
      .slice(before)
      .filter((m) => d.text(m).includes("Signal request"));
    expect(approvals).toHaveLength(1);
  });

  it("answers a replayed slash command without running it again", async () => {
    const tablesSeen = () => d.seenBy(alice.id).filter((m) => d.text(m).includes("Processes in")).length;
    const before = tablesSeen();
    const request = d.client.slashCommand({ user: alice.id, channel: OPS, text: "ps nginx" });
    const timestamp = now();
    const first = await d.client.send(request, { timestamp });
    await stack.app.idle();
    const again = await d.client.send(request, { timestamp });
    await stack.app.idle();
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toContain("Already working on this command");
    expect(tablesSeen() - before).toBe(1);
  });
});
