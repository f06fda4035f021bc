/**
 * Rotation of the Slack secret without a redeploy, against a local Secrets Manager (its real protocol, through
 * Powertools and the AWS SDK) and the fake Slack: a new signing secret is checked and a new bot token used once the
 * cached value ages out, and a malformed value is never served from the cache.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SLACK_SECRET_MAX_AGE_S } from "../../src/aws/slack-credentials.js";
import { readEnv } from "../../src/handlers/env.js";
import { CREDENTIALS_RETRY_MS, createRuntimeSource } from "../../src/handlers/runtime.js";
import { createRotatingSlackHandler } from "../../src/handlers/slack.js";
import { signSlackRequest, slackClient } from "../../src/local/fake-slack/client.js";
import { type FakeSlack, startFakeSlack } from "../../src/local/fake-slack/server.js";
import { httpApiEvent } from "../../src/local/lambda-http.js";
import { type LocalSecretsManager, startSecretsManager } from "../aws/secrets-manager.js";

const secrets = new Map<string, string>();
let sm: LocalSecretsManager;
let fake: FakeSlack;
const saved = { ...process.env };

beforeAll(async () => {
  sm = await startSecretsManager(secrets);
  fake = await startFakeSlack();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
  });
});
afterAll(async () => {
  process.env = saved;
  await sm.close();
  await fake.close();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Moves the wall clock (only Date: sockets and timers stay real) past the secret's cache age. */
function ageOut(seconds = SLACK_SECRET_MAX_AGE_S + 1) {
  vi.setSystemTime(Date.now() + seconds * 1000);
}

const secretJson = (signingSecret: string, botToken: string) => JSON.stringify({ signingSecret, botToken });
const calls = (id: string) => sm.calls.filter((c) => c === `secretsmanager.GetSecretValue ${id}`).length;

function sourceFor(id: string, lines: string[] = []) {
  const env = readEnv({ PNS_SLACK_SECRET_ARN: id, SLACK_API_URL: fake.apiUrl, PNS_CONFIG: "" });
  const logger = {
    debug: () => {},
    info: (m: string) => lines.push(`INFO ${m}`),
    warn: (m: string) => lines.push(`WARN ${m}`),
    error: (m: string) => lines.push(`ERROR ${m}`),
  };
  return createRuntimeSource(env, { logger, profile: "ack" });
}

/** A signed `/pns help` as API Gateway hands it to the slack function. */
function signedHelp(secret: string) {
  const { body } = slackClient(fake).slashCommand({ user: "U0ALICE", channel: "C0OPS", text: "help" });
  const ts = Math.floor(Date.now() / 1000);
  return httpApiEvent({
    method: "POST",
    path: "/slack/events",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signSlackRequest(secret, ts, body),
    },
    body,
  });
}

describe("a rotated Slack secret", () => {
  it("is checked on requests once the cached value ages out: the old signing secret is then refused", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    secrets.set("rot/signing", secretJson("old-signing-secret", fake.botToken));
    const source = sourceFor("rot/signing");
    const handle = createRotatingSlackHandler(source, async () => {});
    const context = {} as never;
    expect((await handle(signedHelp("old-signing-secret"), context)).statusCode).toBe(200);

    secrets.set("rot/signing", secretJson("new-signing-secret", fake.botToken));
    // Within the cache age the old value stays in force: no read, same answer.
    const reads = calls("rot/signing");
    expect((await handle(signedHelp("old-signing-secret"), context)).statusCode).toBe(200);
    expect(calls("rot/signing")).toBe(reads);

    ageOut();
    expect((await handle(signedHelp("old-signing-secret"), context)).statusCode).toBe(401);
    expect((await handle(signedHelp("new-signing-secret"), context)).statusCode).toBe(200);
    expect(calls("rot/signing")).toBe(reads + 1);
  });

  it("puts the new bot token on the Web API client, and keeps the runtime while nothing changed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    secrets.set("rot/token", secretJson("s", "xoxb-revoked"));
    const source = sourceFor("rot/token");
    const before = await source.current();
    expect(await source.current()).toBe(before);
    await expect(before.slack.auth.test()).rejects.toMatchObject({ data: { error: "invalid_auth" } });

    secrets.set("rot/token", secretJson("s", fake.botToken));
    ageOut();
    const after = await source.current();
    expect(after).not.toBe(before);
    expect((await after.slack.auth.test()).ok).toBe(true);
    // The signing secret did not change: the key sealing modal metadata stays the same.
    expect(Buffer.from(after.deps.metadataKey)).toEqual(Buffer.from(before.deps.metadataKey));
  });

  it("refuses a malformed value without caching it: the fixed secret is read on the very next request", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    secrets.set("rot/malformed", JSON.stringify({ signingSecret: "s" }));
    const source = sourceFor("rot/malformed");
    await expect(source.current()).rejects.toMatchObject({
      code: "invalid_config",
      userMessage: expect.stringContaining('"signingSecret" and "botToken"'),
    });
    secrets.set("rot/malformed", secretJson("s", fake.botToken));
    // No time passes: a cached malformed value would still be served here.
    expect((await source.current()).credentials.botToken).toBe(fake.botToken);
    expect(calls("rot/malformed")).toBe(2);
  });

  it("keeps the credentials in use when a rotation brings a malformed value, and takes the fixed one soon after", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const lines: string[] = [];
    secrets.set("rot/later", secretJson("first-secret", fake.botToken));
    const source = sourceFor("rot/later", lines);
    const first = await source.current();

    secrets.set("rot/later", "not json at all");
    ageOut();
    expect(await source.current()).toBe(first);
    expect(lines).toContain("ERROR could not read the Slack credentials; keeping the ones in use");
    // Not read again on every request while it stays broken, only after a short pause, and then past the cache.
    const reads = calls("rot/later");
    await source.current();
    expect(calls("rot/later")).toBe(reads);

    secrets.set("rot/later", secretJson("second-secret", fake.botToken));
    vi.setSystemTime(Date.now() + CREDENTIALS_RETRY_MS + 1);
    expect((await source.current()).credentials.signingSecret).toBe("second-secret");
    expect(calls("rot/later")).toBe(reads + 1);
  });

  it("never logs either value while rebuilding", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const lines: string[] = [];
    const { createJsonLogger } = await import("../../src/aws/logger.js");
    const logger = createJsonLogger({ level: "debug", write: (l) => lines.push(l) });
    secrets.set("rot/quiet", secretJson("quiet-secret-1", "xoxb-quiet-1"));
    const env = readEnv({ PNS_SLACK_SECRET_ARN: "rot/quiet", SLACK_API_URL: fake.apiUrl, PNS_CONFIG: "" });
    const source = createRuntimeSource(env, { logger });
    await source.current();
    secrets.set("rot/quiet", secretJson("quiet-secret-2", "xoxb-quiet-2"));
    ageOut();
    await source.current();
    const rebuilt = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.message === "building pns anew");
    expect(rebuilt).toMatchObject({ changed: ["signing secret", "bot token"] });
    expect(lines.join("\n")).not.toMatch(/quiet-secret|xoxb-quiet/);
  });
});
