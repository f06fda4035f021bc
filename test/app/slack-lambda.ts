import { createJsonLogger } from "../../src/aws/logger.js";
import type { Job } from "../../src/core/jobs.js";
import { readEnv } from "../../src/handlers/env.js";
import { createRuntime } from "../../src/handlers/runtime.js";
import { buildSlackHandler } from "../../src/handlers/slack.js";
import { signSlackRequest, slackClient } from "../../src/local/fake-slack/client.js";
import { type FakeSlack, startFakeSlack } from "../../src/local/fake-slack/server.js";
import type { SlackLambdaHandler } from "../../src/slack/app.js";
import { DEMO_CONFIG } from "./helpers.js";

/** The slack Lambda handler itself on the demo configuration, with the fake Slack's Web API and a job recorder. */
export interface SlackLambda {
  fake: FakeSlack;
  handler: SlackLambdaHandler;
  /** Jobs handed to the worker (not run). */
  jobs: Job[];
  /** Every JSON log line, at debug level. */
  logLines: string[];
  close(): Promise<void>;
}

/** Starts the fake Slack and builds the slack handler against it, as Lambda would. */
export async function startSlackLambda(): Promise<SlackLambda> {
  const fake = await startFakeSlack();
  const env = readEnv({
    SLACK_SIGNING_SECRET: fake.signingSecret,
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_API_URL: fake.apiUrl,
    PNS_CONFIG: DEMO_CONFIG,
    KUBECONFIG: "/nonexistent/kubeconfig",
  });
  const jobs: Job[] = [];
  const logLines: string[] = [];
  const logger = createJsonLogger({ level: "debug", write: (line) => logLines.push(line) });
  const runtime = await createRuntime(env, { logger });
  const handler = await buildSlackHandler(runtime, async (job) => {
    jobs.push(job);
  });
  return { fake, handler, jobs, logLines, close: () => fake.close() };
}

/** A slash command's form body from the fake Slack (user and channel of the demo). */
export function slashBody(fake: FakeSlack, text: string, user = "U0ALICE"): string {
  return slackClient(fake).slashCommand({ user, channel: "C0OPS", text }).body;
}

/** Slack's headers for a body: signed now (or at `ts`), optionally with a wrong secret, missing headers or a retry. */
export function slackHeaders(
  fake: FakeSlack,
  body: string,
  o: { secret?: string; ts?: number; omit?: string[]; retry?: number } = {},
): Record<string, string> {
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

/** An API Gateway REST (v1) event. */
export const v1Event = (body: string, h: Record<string, string>) => ({
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

/** An API Gateway HTTP API (v2) event, its body base64-encoded or not. */
export const v2Event = (body: string, h: Record<string, string>, base64 = false) => ({
  version: "2.0",
  routeKey: "POST /slack/events",
  rawPath: "/slack/events",
  rawQueryString: "",
  headers: h,
  requestContext: { http: { method: "POST", path: "/slack/events" }, requestId: "r2", stage: "$default" },
  body: base64 ? Buffer.from(body).toString("base64") : body,
  isBase64Encoded: base64,
});
