import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import { type LocalStack, startLocalStack } from "../../src/local/stack.js";
import { DEMO_CONFIG, type Driver, driver } from "../app/helpers.js";
import { record } from "./record.js";

const { alice, carol } = slackUsers;
let stack: LocalStack;
let d: Driver;
let dir: string;
const logged: string[] = [];

beforeAll(async () => {
  // `output.ps: public`: the worker posts the table in the channel with chat.postMessage, the Web API call under test.
  // The default private table goes by the command's response_url instead (src/app/ps.ts; tested last below).
  dir = await mkdtemp(join(tmpdir(), "pns-web-api-faults-"));
  const configPath = join(dir, "pns.config.yaml");
  await writeFile(configPath, `${await readFile(DEMO_CONFIG, "utf8")}\noutput:\n  ps: public\n`);
  const keep = (level: string) => (message: string) => {
    logged.push(`${level} ${message}`);
  };
  const logger = { debug: () => {}, info: () => {}, warn: keep("WARN"), error: keep("ERROR") };
  stack = await startLocalStack({ configPath, logger });
  d = driver(stack);
});
afterAll(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The methods pns posts a table or a message with, whichever this command uses. */
const POSTING = ["chat.postMessage", "chat.postEphemeral"];
const calls = () => POSTING.reduce((n, m) => n + stack.slack.callsTo(m).length, 0);

describe("Slack Web API faults", () => {
  const figures: string[] = [];
  const numbers: Record<string, number> = {};

  it("429 with Retry-After: pns waits as told and posts once", async () => {
    for (const m of POSTING) stack.slack.failNext(m, { status: 429, retryAfterSeconds: 1 });
    const before = calls();
    const t = performance.now();
    await d.command(carol.id, "ps nginx");
    const ms = performance.now() - t;
    const tables = d.seenBy(carol.id).filter((m) => d.text(m).includes("Processes in"));
    expect(tables).toHaveLength(1);
    expect(calls() - before).toBeGreaterThanOrEqual(2);
    expect(ms).toBeGreaterThanOrEqual(1000);
    figures.push(
      `429 with Retry-After 1 s: retried after ${(ms / 1000).toFixed(1)} s, 1 table posted (output.ps: public)`,
    );
  });

  it("5xx on every try: retried within bounds, then a clear failure", async () => {
    for (const m of POSTING) stack.slack.failNext(m, { status: 503 }, Number.POSITIVE_INFINITY);
    const before = calls();
    const t = performance.now();
    const res = await d.command(alice.id, "ps deploy/web -n shop");
    const ms = performance.now() - t;
    for (const m of POSTING) stack.slack.failNext(m, { status: 503 }, 0);
    const tries = calls() - before;
    expect(res.status).toBe(200);
    // Bounded: the worker's WebClient makes a few attempts (src/handlers/runtime.ts), not Slack's default 10 over 30 min.
    expect(tries).toBeGreaterThan(1);
    expect(tries).toBeLessThanOrEqual(8);
    expect(ms).toBeLessThan(60_000);
    // The answer goes by the command's response_url, which is not the Web API that failed.
    const told = d.toldTo(alice.id).slice(-1).join("");
    expect(told).toContain("Slack did not accept pns's message");
    expect(logged.length).toBeGreaterThan(0);
    figures.push(
      `503 on every try: ${tries} attempts in ${(ms / 1000).toFixed(1)} s, then the user told "Slack did not accept pns's message" by the response URL`,
    );
    numbers.tries = tries;
  });

  it("a private table (the default) goes by the command's response_url, which the Web API's faults do not reach", async () => {
    const quiet = await startLocalStack({
      configPath: DEMO_CONFIG,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    try {
      for (const m of POSTING) quiet.slack.failNext(m, { status: 503 }, Number.POSITIVE_INFINITY);
      const q = driver(quiet);
      const table = await q.table(alice.id, "nginx");
      expect(q.text(table)).toContain("Share in channel");
      expect(POSTING.reduce((n, m) => n + quiet.slack.callsTo(m).length, 0)).toBe(0);
    } finally {
      await quiet.close();
    }
    figures.push("the default private table: 0 Web API calls, shown by the response URL while they fail");
    record("slack-web-api-faults", figures.join("; "), numbers);
  });
});
