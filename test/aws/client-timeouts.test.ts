/**
 * Every client the slack function uses before its acknowledgement gives up in bounded time: against a server that
 * accepts requests and never answers, each AWS call ends after two attempts of about a second, and the Web API
 * client after one retry; a rate-limited Web API call fails at once instead of waiting out `Retry-After`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsClientConfig } from "../../src/aws/client-config.js";
import { readConfigParameter } from "../../src/aws/config-parameter.js";
import { createLambdaDispatcher } from "../../src/aws/lambda-dispatcher.js";
import { loadSlackCredentials } from "../../src/aws/slack-credentials.js";
import { readEnv } from "../../src/handlers/env.js";
import { webClientOptions } from "../../src/handlers/runtime.js";

/** A server that reads each request and then answers it with `answer`, or never (null). */
async function startServer(answer: ((res: import("node:http").ServerResponse) => void) | null) {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      requests.push(`${req.method} ${req.url}`);
      answer?.(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let silent: Awaited<ReturnType<typeof startServer>>;
const saved = { ...process.env };

beforeAll(async () => {
  silent = await startServer(null);
  Object.assign(process.env, {
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_ENDPOINT_URL_LAMBDA: silent.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: silent.url,
    AWS_ENDPOINT_URL_SSM: silent.url,
  });
});
afterAll(async () => {
  process.env = saved;
  await silent.close();
});

/** How many requests `run` sent to the silent server before it failed. */
async function attemptsOf(run: () => Promise<unknown>): Promise<{ attempts: number; error: unknown }> {
  const before = silent.requests.length;
  const error = await run().then(
    () => new Error("it answered"),
    (err: unknown) => err,
  );
  return { attempts: silent.requests.length - before, error };
}

describe("the AWS SDK clients of the acknowledgement path, against a server that never answers", () => {
  it("end a DynamoDB call with a TimeoutError after 2 attempts", async () => {
    const client = new DynamoDBClient({ ...awsClientConfig("ack"), endpoint: silent.url });
    try {
      const { attempts, error } = await attemptsOf(() => client.send(new ListTablesCommand({})));
      expect(attempts).toBe(2);
      expect(error).toMatchObject({ name: "TimeoutError", $metadata: { attempts: 2 } });
    } finally {
      client.destroy();
    }
  });

  it.each([
    ["the worker's async invoke", () => createLambdaDispatcher("pns-prod-worker")({ kind: "ps" })],
    ["the Slack secret", () => loadSlackCredentials({ secretArn: "pns/timeouts" })],
    ["the configuration parameter", () => readConfigParameter("/pns/timeouts")],
  ])("give up on %s after 2 attempts, with pns's message", async (_name, run) => {
    const { attempts, error } = await attemptsOf(run);
    expect(attempts).toBe(2);
    expect(error).toMatchObject({ code: "unavailable", cause: expect.anything() });
  });
});

describe("the Web API client of the acknowledgement path", () => {
  // The client's own lines (a failed request) go through pns's logger, kept here rather than printed.
  const warnings: string[] = [];
  const logger = {
    debug() {},
    info() {},
    warn: (m: string) => warnings.push(m),
    error: (m: string) => warnings.push(m),
  };
  const ack = (url: string) =>
    new WebClient("xoxb-test", webClientOptions(readEnv({ SLACK_API_URL: `${url}/api/` }), "ack", logger));

  it("gives up after one retry when Slack does not answer", async () => {
    const before = silent.requests.length;
    await expect(ack(silent.url).auth.test()).rejects.toMatchObject({ code: "slack_webapi_request_error" });
    expect(silent.requests.length - before).toBe(2);
    expect(warnings.some((w) => w.startsWith("web-api: ") && w.includes("http request failed"))).toBe(true);
  });

  it("fails a rate-limited call at once, without waiting out Retry-After", async () => {
    // docs.slack.dev/apis/web-api/rate-limits: HTTP 429 with a Retry-After header in seconds.
    const limited = await startServer((res) => res.writeHead(429, { "retry-after": "30" }).end());
    try {
      await expect(ack(limited.url).auth.test()).rejects.toMatchObject({ code: "slack_webapi_rate_limited_error" });
      expect(limited.requests).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });

  it("waits out a rate limit in the worker instead", () => {
    expect(webClientOptions(readEnv({}), "worker")).toMatchObject({ rejectRateLimitedCalls: false });
  });
});
