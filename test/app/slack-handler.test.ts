import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeSlack } from "../../src/local/fake-slack/server.js";
import type { SlackLambdaHandler } from "../../src/slack/app.js";
import {
  type SlackLambda,
  slackHeaders,
  slashBody as slashBodyOf,
  startSlackLambda,
  v1Event,
  v2Event,
} from "./slack-lambda.js";

/** The Lambda handler itself, fed API Gateway events as Lambda would, with Slack's real signing. */
let lambda: SlackLambda;
let fake: FakeSlack;
let handler: SlackLambdaHandler;
let jobs: SlackLambda["jobs"];
let logLines: string[];

beforeAll(async () => {
  lambda = await startSlackLambda();
  ({ fake, handler, jobs, logLines } = lambda);
});
afterAll(() => lambda?.close());

const slashBody = (text: string) => slashBodyOf(fake, text);
const headers = (body: string, o: Parameters<typeof slackHeaders>[2] = {}) => slackHeaders(fake, body, o);
const v1 = v1Event;
const v2 = v2Event;

describe("the slack Lambda handler", () => {
  it.each([
    ["API Gateway REST (v1)", (b: string) => v1(b, headers(b))],
    ["HTTP API (v2)", (b: string) => v2(b, headers(b))],
    ["HTTP API (v2), base64 body", (b: string) => v2(b, headers(b), true)],
  ])("answers a signed /pns help from %s", async (_name, event) => {
    const res = await handler(event(slashBody("help")) as never, {});
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("/pns ps");
  });

  it.each([
    ["a wrong signature", (b: string) => headers(b, { secret: "not-the-secret" })],
    ["a stale timestamp (6 minutes old)", (b: string) => headers(b, { ts: Math.floor(Date.now() / 1000) - 360 })],
    ["no signature header", (b: string) => headers(b, { omit: ["x-slack-signature"] })],
    ["no timestamp header", (b: string) => headers(b, { omit: ["x-slack-request-timestamp"] })],
  ])("refuses %s with 401 and starts nothing", async (_name, make) => {
    const before = jobs.length;
    const body = slashBody("ps nginx");
    const res = await handler(v2(body, make(body)) as never, {});
    expect(res.statusCode).toBe(401);
    expect(jobs.length).toBe(before);
  });

  it("hands /pns ps to the worker once, even when the same request is retried", async () => {
    const before = jobs.length;
    const body = slashBody("ps nginx -n default");
    const first = await handler(v2(body, headers(body)) as never, {});
    const retry = await handler(v2(body, headers(body, { retry: 1 })) as never, {});
    expect([first.statusCode, retry.statusCode]).toEqual([200, 200]);
    expect(first.body).toContain("Looking for nginx");
    expect(retry.body).toContain("Already working on");
    expect(jobs.slice(before).map((j) => j.kind)).toEqual(["ps"]);
  });

  it("answers a mistyped command with what was wrong, the usage and a suggestion, never an error status", async () => {
    const body = slashBody("sp nginx");
    const res = await handler(v2(body, headers(body)) as never, {});
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("ps");
    expect(res.body).toMatch(/did you mean/i);
  });

  it("does not call auth.test on the acknowledgement path", () => {
    expect(fake.callsTo("auth.test")).toHaveLength(0);
  });

  it("never writes the bot token or the signing secret to the log", () => {
    expect(logLines.length).toBeGreaterThan(0);
    const all = logLines.join("\n");
    expect(all).not.toContain(fake.botToken);
    expect(all).not.toContain(fake.signingSecret);
  });
});
