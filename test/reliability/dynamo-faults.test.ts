import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import { type LocalStack, startLocalStack } from "../../src/local/stack.js";
import { DEMO_CONFIG, type Driver, driver } from "../app/helpers.js";
import { type LocalDynamo, startLocalDynamo } from "../store/local-dynamo.js";
import { type DynamoProxy, startDynamoProxy } from "./dynamo-proxy.js";
import { record } from "./record.js";

const { alice, bob, carol } = slackUsers;
const table = `pns-faults-${Math.random().toString(36).slice(2, 8)}`;
let dynamo: LocalDynamo;
let proxy: DynamoProxy;
let stack: LocalStack;
let d: Driver;
/** pns's warnings and errors: the faults are expected to be logged, not printed over the test output. */
const logged: string[] = [];

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable(table);
  proxy = await startDynamoProxy(dynamo.endpoint);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
  });
  const keep = (level: string) => (message: string) => {
    logged.push(`${level} ${message}`);
  };
  const logger = { debug: () => {}, info: () => {}, warn: keep("WARN"), error: keep("ERROR") };
  stack = await startLocalStack({ configPath: DEMO_CONFIG, table, logger });
  d = driver(stack);
});
afterAll(async () => {
  await stack?.close();
  await proxy?.close();
  await dynamo?.close();
});

/** What `user` was told and what was posted, after running `act`. */
async function answersTo(user: string, act: () => Promise<unknown>): Promise<string> {
  const told = d.toldTo(user).length;
  const posted = d.messages().length;
  await act();
  return [
    ...d.toldTo(user).slice(told),
    ...d
      .messages()
      .slice(posted)
      .map((m) => d.text(m)),
  ].join("\n");
}

const NO_TRACE = /\n\s+at .+:\d+:\d+|node_modules|TypeError|Exception/;

describe("DynamoDB faults", () => {
  const figures: string[] = [];

  it.each([
    ["one throttled request", "throttle", carol.id, "ps nginx"],
    ["one 500", "internal", alice.id, "ps deploy/web -n shop"],
  ] as const)("%s is retried by the SDK, and the command works", async (_name, fault, user, command) => {
    proxy.fail(fault, 1);
    const answer = await answersTo(user, () => d.command(user, command));
    proxy.clear();
    expect(proxy.faulted).toBeGreaterThan(0);
    expect(answer).toContain("Processes in");
    figures.push(`${_name}: retried, the table posted`);
  });

  it("a store that keeps failing gets a clear answer, and nothing half-done", async () => {
    proxy.fail("internal", Number.POSITIVE_INFINITY);
    const res = await d.client.send(d.client.slashCommand({ user: bob.id, channel: "C0OPS", text: "ps nginx" }));
    await stack.app.idle();
    const told = [res.body, ...d.toldTo(bob.id).slice(-1)].join("\n");
    proxy.clear();
    expect(res.status).toBe(200);
    expect(told).toMatch(/try again|could not|did not|store/i);
    expect(told).not.toMatch(NO_TRACE);
    figures.push("every request failing: the slash command answered 200 with a clear message");

    const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "store faults");
    const workers = d.workerPids();
    proxy.fail("internal", Number.POSITIVE_INFINITY);
    const click = await answersTo(bob.id, () => d.decide(bob.id, approval, "approve"));
    proxy.clear();
    expect(click).not.toMatch(NO_TRACE);
    expect(d.workerPids()).toEqual(workers);
    const id = (await stack.app.worker.stores.requests.listExpirable(Date.now() + 86_400_000)).map((r) => r.id);
    expect(id).toHaveLength(1);
    // Still pending, so the same click works once the store answers again, and sends once.
    await d.decide(bob.id, approval, "approve");
    expect(d.workerPids()).not.toEqual(workers);
    expect(d.current(approval)).toContain("sent");
    figures.push(
      "an Approve click while every request fails: nothing approved, nothing sent; the next click sends once",
    );
    record("dynamo-faults", figures.join("; "), { faulted: proxy.faulted });
  });
});
