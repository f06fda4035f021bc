/**
 * The configuration from an SSM parameter (PNS_CONFIG_PARAMETER), against a local SSM endpoint speaking GetParameter's
 * protocol through Powertools and the AWS SDK: read again after its cache age, the last good one kept when a new one
 * is invalid (logged at ERROR), and a health check that says so.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CONFIG_PARAMETER_MAX_AGE_S } from "../../src/aws/config-parameter.js";
import { createJsonLogger } from "../../src/aws/logger.js";
import { CONFIG_RETRY_MS } from "../../src/handlers/config-source.js";
import { readEnv } from "../../src/handlers/env.js";
import { healthOf } from "../../src/handlers/health.js";
import { createRuntimeSource } from "../../src/handlers/runtime.js";
import { createRotatingSlackHandler } from "../../src/handlers/slack.js";
import { signSlackRequest, slackClient } from "../../src/local/fake-slack/client.js";
import { type FakeSlack, startFakeSlack } from "../../src/local/fake-slack/server.js";
import { httpApiEvent } from "../../src/local/lambda-http.js";
import { type LocalSsm, startSsm } from "../aws/ssm.js";

const parameters = new Map<string, string>();
let ssm: LocalSsm;
let fake: FakeSlack;
const saved = { ...process.env };

beforeAll(async () => {
  ssm = await startSsm(parameters);
  fake = await startFakeSlack();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SSM: ssm.endpoint,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
  });
});
afterAll(async () => {
  process.env = saved;
  await ssm.close();
  await fake.close();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A configuration binding #ops to one cluster, where `listers` may run /pns ps. */
const config = (listers: string) => `clusters:
  sim:
    kubeconfig: { path: /nonexistent/kubeconfig }
channels:
  C0OPS:
    cluster: sim
    namespaces: [default]
people:
  ps: [${listers}]
`;

function setup(parameter: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = createJsonLogger({ write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  const env = readEnv({
    PNS_CONFIG_PARAMETER: parameter,
    // A packaged file that would allow everything: the parameter, not this, must decide.
    PNS_CONFIG: "",
    SLACK_SIGNING_SECRET: fake.signingSecret,
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_API_URL: fake.apiUrl,
  });
  const source = createRuntimeSource(env, { logger, profile: "ack" });
  const dispatched: string[] = [];
  const handle = createRotatingSlackHandler(source, async (job) => {
    dispatched.push(job.kind);
  });
  const ps = async (user: string) => {
    const { body } = slackClient(fake).slashCommand({ user, channel: "C0OPS", text: "ps nginx" });
    const ts = Math.floor(Date.now() / 1000);
    const event = httpApiEvent({
      method: "POST",
      path: "/slack/events",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": String(ts),
        "x-slack-signature": signSlackRequest(fake.signingSecret, ts, body),
      },
      body,
    });
    return (await handle(event, {} as never)).body ?? "";
  };
  const errors = () => lines.filter((l) => l.level === "ERROR");
  return { source, ps, dispatched, errors };
}

const ageOut = () => vi.setSystemTime(Date.now() + (CONFIG_PARAMETER_MAX_AGE_S + 1) * 1000);
const reads = (name: string) => ssm.calls.filter((c) => c === `AmazonSSM.GetParameter ${name}`).length;

describe("the configuration from an SSM parameter", () => {
  it("is read again after its cache age, so granting someone needs no redeploy", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    parameters.set("/pns/grant", config("U0BOB"));
    const { source, ps, dispatched } = setup("/pns/grant");
    expect(await healthOf(source)).toEqual({ statusCode: 200, ok: true, config: "SSM parameter /pns/grant" });
    expect(await ps("U0ALICE")).toContain("may not");
    expect(dispatched).toEqual([]);

    parameters.set("/pns/grant", config("U0BOB, U0ALICE"));
    expect(await ps("U0ALICE")).toContain("may not"); // still within the cache age
    expect(reads("/pns/grant")).toBe(1);
    ageOut();
    await ps("U0ALICE");
    expect(dispatched).toEqual(["ps"]);
    expect(reads("/pns/grant")).toBe(2);
  });

  it("keeps the last good configuration when a new one is invalid, logs it at ERROR once, and reports unhealthy", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    parameters.set("/pns/bad-later", config("U0ALICE"));
    const { source, ps, dispatched, errors } = setup("/pns/bad-later");
    const good = await source.current();

    parameters.set("/pns/bad-later", "people:\n  ps: [alice]\nchannels: {C0OPS: {cluster: nowhere}}\n");
    ageOut();
    expect(await source.current()).toBe(good);
    await ps("U0ALICE");
    expect(dispatched).toEqual(["ps"]);
    expect(errors()).toEqual([
      expect.objectContaining({
        message: "the new configuration is invalid; the last good one stays in force",
        parameter: "/pns/bad-later",
        problem: expect.stringMatching(/^The SSM parameter \/pns\/bad-later is not a valid pns configuration:\n/),
      }),
    ]);
    // Every problem of the new text, each naming its key and line.
    expect(String(errors()[0]?.problem)).toContain("channels.C0OPS.namespaces: required (line 3)");
    expect(String(errors()[0]?.problem)).toContain("people.ps[0]: expected");
    const health = await healthOf(source);
    expect(health).toMatchObject({ statusCode: 503, ok: false });
    expect(health.ok ? "" : health.problem).toMatch(
      /not a valid pns configuration[\s\S]*goes on with the last good configuration \(SSM parameter \/pns\/bad-later\)/,
    );

    parameters.set("/pns/bad-later", config("U0ALICE, U0BOB"));
    ageOut();
    expect(await source.current()).not.toBe(good);
    expect(await healthOf(source)).toMatchObject({ statusCode: 200, ok: true });
    expect(errors()).toHaveLength(1);
  });

  it("refuses every command when the first configuration read is invalid (never the permissive default)", async () => {
    parameters.set("/pns/bad-first", "clusters: [not, a, mapping]\n");
    const { source, ps, dispatched } = setup("/pns/bad-first");
    const runtime = await source.current();
    expect(runtime.deps.configProblem).toContain("The SSM parameter /pns/bad-first is not a valid pns configuration");
    expect(await ps("U0ALICE")).toContain("configuration is invalid");
    expect(dispatched).toEqual([]);
    expect(await healthOf(source)).toMatchObject({ statusCode: 503, problem: expect.stringContaining("clusters") });
  });

  it("says when there is no such parameter, and does not ask SSM again on every request", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { source, errors } = setup("/pns/missing");
    expect(await healthOf(source)).toEqual({
      statusCode: 503,
      ok: false,
      problem: expect.stringContaining("There is no SSM parameter /pns/missing (PNS_CONFIG_PARAMETER)."),
    });
    await source.current();
    expect(reads("/pns/missing")).toBe(1);
    expect(errors()[0]).toMatchObject({ message: "could not read the configuration", parameter: "/pns/missing" });
    // Created since: taken at the next try.
    parameters.set("/pns/missing", config("U0ALICE"));
    vi.setSystemTime(Date.now() + CONFIG_RETRY_MS + 1);
    expect(await healthOf(source)).toMatchObject({ statusCode: 200, config: "SSM parameter /pns/missing" });
  });
});
