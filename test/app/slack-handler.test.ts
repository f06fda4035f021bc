import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJsonLogger } from "../../src/aws/logger.js";
import type { Job } from "../../src/core/jobs.js";
import { readEnv } from "../../src/handlers/env.js";
import { createRuntime } from "../../src/handlers/runtime.js";
import { buildSlackHandler } from "../../src/handlers/slack.js";
import { signSlackRequest, slackClient } from "../../src/local/fake-slack/client.js";
import { type FakeSlack, startFakeSlack } from "../../src/local/fake-slack/server.js";
import type { SlackLambdaHandler } from "../../src/slack/app.js";
import { DEMO_CONFIG } from "./helpers.js";

/** The Lambda handler itself, fed API Gateway events as Lambda would, with Slack's real signing. */
let fake: FakeSlack;
let handler: SlackLambdaHandler;
const jobs: Job[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  fake = await startFakeSlack();
  const env = readEnv({
    SLACK_SIGNING_SECRET: fake.signingSecret,
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_API_URL: fake.apiUrl,
    PNS_CONFIG: DEMO_CONFIG,
    KUBECONFIG: "/nonexistent/kubeconfig",
  });
  const logger = createJsonLogger({ level: "debug", write: (line) => logLines.push(line) });
  const runtime = await createRuntime(env, { logger });
  handler = await buildSlackHandler(runtime, async (job) => {
    jobs.push(job);
  });
});
afterAll(() => fake?.close());

function slashBody(text: string) {
  return slackClient(fake).slashCommand({ user: "U0ALICE", channel: "C0OPS", text }).body;
}

function headers(body: string, o: { secret?: string; ts?: number; omit?: string[]; retry?: number } = {}) {
  const ts = o.ts ?? Math.floor(Date.now() / 1000);
  const h: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": signSlackRequest(o.secret ?? fake.signingSecret, ts, body),
  };
  if (o.retry !== undefined) {
    h["x-slack-retry-num"] = String(o.retry);
    h["x-slack-retry-reason"] = "http_timeout";
  }
  for (const k of o.omit ?? []) delete h[k];
  return h;
}

const v1 = (body: string, h: Record<string, string>) => ({
  resource: "/slack/events",
  path: "/slack/events",
  httpMethod: "POST",
  headers: h,
  multiValueHeaders: {},
  queryStringParameters: null,
  requestContext: { requestId: "r1", stage: "prod" },
  body,
  isBase64Encoded: false,
});

const v2 = (body: string, h: Record<string, string>, base64 = false) => ({
  version: "2.0",
  routeKey: "POST /slack/events",
  rawPath: "/slack/events",
  rawQueryString: "",
  headers: h,
  requestContext: { http: { method: "POST", path: "/slack/events" }, requestId: "r2", stage: "$default" },
  body: base64 ? Buffer.from(body).toString("base64") : body,
  isBase64Encoded: base64,
});

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
