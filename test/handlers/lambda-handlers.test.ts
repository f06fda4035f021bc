/**
 * The Lambda entry points themselves (src/handlers/slack.ts, worker.ts), with their environment as serverless.yml
 * sets it: the Slack secret in a local Secrets Manager, the worker behind a local Lambda endpoint that records the
 * async invokes, the fake Slack. What they write to stdout is read back: JSON log lines and CloudWatch EMF lines.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { JobEnvelope } from "../../src/handlers/correlation.js";
import { signSlackRequest, slackClient } from "../../src/local/fake-slack/client.js";
import { type FakeSlack, startFakeSlack } from "../../src/local/fake-slack/server.js";
import { httpApiEvent } from "../../src/local/lambda-http.js";
import { type LocalSecretsManager, startSecretsManager } from "../aws/secrets-manager.js";

let dir: string;
let fake: FakeSlack;
let sm: LocalSecretsManager;
let lambda: Server;
const invokes: { path: string; type: string | undefined; payload: JobEnvelope }[] = [];
const saved = { ...process.env };
let stdout: string[] = [];

const CONFIG = `clusters:
  nowhere:
    kubeconfig: { path: /nonexistent/kubeconfig }
channels:
  C0OPS:
    cluster: nowhere
    namespaces: [default]
people:
  ps: "*"
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pns-handlers-"));
  await writeFile(join(dir, "pns.config.yaml"), CONFIG);
  await writeFile(join(dir, "broken.yaml"), "clusters: 42\n");
  fake = await startFakeSlack();
  sm = await startSecretsManager(
    new Map([["pns/slack", JSON.stringify({ signingSecret: fake.signingSecret, botToken: fake.botToken })]]),
  );
  // Lambda's Invoke API: POST /2015-03-31/functions/NAME/invocations; an async invoke answers 202 with no body.
  lambda = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      invokes.push({
        path: req.url ?? "",
        type: req.headers["x-amz-invocation-type"] as string | undefined,
        payload: JSON.parse(body) as JobEnvelope,
      });
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => lambda.listen(0, "127.0.0.1", r));
  Object.assign(process.env, {
    PNS_CONFIG: join(dir, "pns.config.yaml"),
    PNS_SLACK_SECRET_ARN: "pns/slack",
    PNS_WORKER_FUNCTION: "pns-test-worker",
    POWERTOOLS_SERVICE_NAME: "pns-test",
    SLACK_API_URL: fake.apiUrl,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    // This test reads the functions' info lines (the suite's default is errors only).
    PNS_LOG_LEVEL: "info",
  });
  // The functions' lines (INFO on stdout, WARN and ERROR on stderr) are read here, not printed: `npm test` shows
  // only what a person needs.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      stdout.push(String(chunk));
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      done?.();
      return true;
    });
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  process.env = saved;
  await new Promise((r) => lambda.close(r));
  await sm.close();
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

const context = (fn: string, awsRequestId: string) =>
  ({ functionName: fn, awsRequestId, invokedFunctionArn: `arn:aws:lambda:eu-west-1:1:function:${fn}` }) as Context;

/** The JSON objects written to stdout and stderr since the last call. */
function written(): Record<string, unknown>[] {
  const out = stdout
    .join("")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  stdout = [];
  return out;
}

/** The counts of the EMF lines among `lines`, by metric name, with their namespace and dimensions. */
function emf(lines: Record<string, unknown>[]) {
  return lines
    .filter((l) => "_aws" in l)
    .flatMap((l) => {
      const meta = (l._aws as { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] })
        .CloudWatchMetrics[0]!;
      return meta.Metrics.map((m) => ({
        name: m.Name,
        value: l[m.Name],
        namespace: meta.Namespace,
        service: l.service,
      }));
    });
}

function signedSlash(text: string, requestId: string) {
  const { body } = slackClient(fake).slashCommand({ user: "U0ALICE", channel: "C0OPS", text });
  const ts = Math.floor(Date.now() / 1000);
  return httpApiEvent({
    method: "POST",
    path: "/slack/events",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signSlackRequest(fake.signingSecret, ts, body),
    },
    body,
    requestId,
  });
}

describe("the slack and worker functions", () => {
  it("hand a job to the worker carrying the request's correlation id, and count the command", async () => {
    const { handler } = await import("../../src/handlers/slack.js");
    written();
    const res = await handler(signedSlash("ps nginx", "apigw-req-1"), context("pns-prod-slack", "lambda-req-1"));
    expect(res.statusCode).toBe(200);
    expect(invokes).toHaveLength(1);
    expect(invokes[0]).toMatchObject({
      path: "/2015-03-31/functions/pns-test-worker/invocations",
      type: "Event",
      payload: { kind: "ps", correlationId: "apigw-req-1" },
    });
    const lines = written();
    expect(emf(lines)).toEqual(
      expect.arrayContaining([
        { name: "ColdStart", value: 1, namespace: "pns", service: "pns-test" },
        { name: "commands", value: 1, namespace: "pns", service: "pns-test" },
      ]),
    );
    const logs = lines.filter((l) => !("_aws" in l));
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs) {
      expect(l).toMatchObject({ service: "pns-test", function_request_id: "lambda-req-1", cold_start: true });
      expect(l.correlation_id).toBe("apigw-req-1");
    }
  });

  it("log the worker's job with the same correlation id and its job id, and count a failed job", async () => {
    const { handler } = await import("../../src/handlers/worker.js");
    const job = invokes[0]!.payload;
    written();
    await handler(job, context("pns-prod-worker", "lambda-req-2"));
    const lines = written();
    expect(emf(lines)).toEqual(
      expect.arrayContaining([{ name: "jobsFailed", value: 1, namespace: "pns", service: "pns-test" }]),
    );
    const logs = lines.filter((l) => !("_aws" in l));
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs) {
      expect(l).toMatchObject({ function_request_id: "lambda-req-2", correlation_id: "apigw-req-1", job_id: job.id });
    }
    // Alice was told, through the command's response_url.
    const told = fake.workspace.ephemeralsFor("C0OPS", "U0ALICE").map((m) => JSON.stringify(m));
    expect(told.some((t) => t.includes("kubeconfig"))).toBe(true);
  });

  it("answer a smoke invoke with their health", async () => {
    const slack = await import("../../src/handlers/slack.js");
    const worker = await import("../../src/handlers/worker.js");
    const healthy = { statusCode: 200, ok: true, config: join(dir, "pns.config.yaml") };
    expect(await slack.handler({ healthcheck: true }, context("pns-prod-slack", "h1"))).toEqual(healthy);
    expect(await worker.handler({ healthcheck: true }, context("pns-prod-worker", "h2"))).toEqual(healthy);
  });

  it("refuse every command when the bundle has no configuration: one clear log line, a clear reply, no 5xx", async () => {
    const empty = join(dir, "empty");
    await mkdir(empty, { recursive: true });
    const cwd = process.cwd();
    delete process.env.PNS_CONFIG;
    // No pns.config.yaml next to the function (the bundle's working directory) and no PNS_CONFIG_PARAMETER.
    process.chdir(empty);
    vi.resetModules();
    try {
      const slack = await import("../../src/handlers/slack.js");
      written();
      const before = invokes.length;
      const res = await slack.handler(signedSlash("ps nginx", "apigw-req-9"), context("pns-prod-slack", "r9"));
      expect(res.statusCode).toBe(200);
      const reply = JSON.parse(String((res as { body?: string }).body)) as { text?: string; blocks?: unknown[] };
      expect(JSON.stringify(reply)).toContain("pns is not configured: there is no ./pns.config.yaml");
      expect(JSON.stringify(reply)).toContain("Whoever runs pns must configure it");
      expect(invokes).toHaveLength(before);
      const logs = written().filter((l) => !("_aws" in l));
      expect(logs.filter((l) => l.level === "ERROR")).toEqual([
        expect.objectContaining({
          message: "pns is not configured; it will refuse every command",
          problem: expect.stringMatching(/^pns is not configured: /),
        }),
      ]);
      const health = await slack.handler({ healthcheck: true }, context("pns-prod-slack", "h9"));
      expect(health).toMatchObject({
        statusCode: 503,
        ok: false,
        problem: expect.stringMatching(/^pns is not configured/),
      });
    } finally {
      process.chdir(cwd);
      process.env.PNS_CONFIG = join(dir, "pns.config.yaml");
    }
  });

  it("report an invalid configuration as unhealthy to a smoke invoke, with every problem", async () => {
    process.env.PNS_CONFIG = join(dir, "broken.yaml");
    vi.resetModules();
    try {
      const worker = await import("../../src/handlers/worker.js");
      const report = await worker.handler({ healthcheck: true }, context("pns-prod-worker", "h3"));
      expect(report).toEqual({
        statusCode: 503,
        ok: false,
        problem: expect.stringMatching(
          /broken\.yaml is not a valid pns configuration:\nclusters: expected .*, got 42 \(line 1\)$/,
        ),
      });
    } finally {
      process.env.PNS_CONFIG = join(dir, "pns.config.yaml");
    }
  });
});
