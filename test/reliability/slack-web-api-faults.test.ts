import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import { type LocalStack, startLocalStack } from "../../src/local/stack.js";
import { DEMO_CONFIG, type Driver, driver } from "../app/helpers.js";
import { record } from "./record.js";

const { alice, carol } = slackUsers;
let stack: LocalStack;
let d: Driver;
const logged: string[] = [];

beforeAll(async () => {
  const keep = (level: string) => (message: string) => {
    logged.push(`${level} ${message}`);
  };
  const logger = { debug: () => {}, info: () => {}, warn: keep("WARN"), error: keep("ERROR") };
  stack = await startLocalStack({ configPath: DEMO_CONFIG, logger });
  d = driver(stack);
});
afterAll(() => stack?.close());

/** The methods pns posts a table or a message with, whichever this command uses. */
const POSTING = ["chat.postMessage", "chat.postEphemeral"];
const calls = () => POSTING.reduce((n, m) => n + stack.slack.callsTo(m).length, 0);

describe("Slack Web API faults", () => {
  const figures: string[] = [];

  it("429 with Retry-After: pns waits as told and posts once", async () => {
    for (const m of POSTING) stack.slack.failNext(m, { status: 429, retryAfterSeconds: 1 });
    const before = calls();
    const t = performance.now();
    await d.command(carol.id, "ps nginx");
    const ms = performance.now() - t;
    const tables = [...d.messages(), ...stack.slack.workspace.ephemeralsFor("C0OPS", carol.id)].filter((m) =>
      d.text(m).includes("Processes in"),
    );
    expect(tables).toHaveLength(1);
    expect(calls() - before).toBeGreaterThanOrEqual(2);
    expect(ms).toBeGreaterThanOrEqual(1000);
    figures.push(`429 with Retry-After 1 s: retried after ${(ms / 1000).toFixed(1)} s, 1 table posted`);
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
    record("slack-web-api-faults", figures.join("; "), { tries });
  });
});
