import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import { type LocalStack, startLocalStack } from "../../src/local/stack.js";
import { type LocalDynamo, startLocalDynamo } from "../store/local-dynamo.js";
import { DEMO_CONFIG, driver } from "./helpers.js";

/** `npm run dev` with PNS_TABLE: the DynamoDB store on a local endpoint (AWS_ENDPOINT_URL_DYNAMODB), table made at start. */
let dynamo: LocalDynamo;
let stack: LocalStack;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
  });
  stack = await startLocalStack({ configPath: DEMO_CONFIG, table: "pns-dev" });
});
afterAll(async () => {
  await stack?.close();
  await dynamo?.close();
});

describe("the dev server", () => {
  it("answers GET /healthz", async () => {
    const res = await fetch(`${stack.app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("answers unknown paths with 404, not an error", async () => {
    expect((await fetch(`${stack.app.url}/nope`)).status).toBe(404);
  });

  it("keeps requests, listings and the audit trail in the DynamoDB table named by PNS_TABLE", async () => {
    const d = driver(stack);
    await d.requestSignal(slackUsers.alice.id, "nginx", 8, "HUP", "stored in dynamo");
    const items = await dynamo.client.send(new ScanCommand({ TableName: "pns-dev" }));
    const keys = (items.Items ?? []).map((i) => i.pk?.S ?? "");
    for (const prefix of ["req#", "listing#", "audit#", "session#"]) {
      expect(keys.some((k) => k.startsWith(prefix))).toBe(true);
    }
    const audit = (await d.command(slackUsers.alice.id, "audit")).body;
    expect(audit).toContain("stored in dynamo");
  });
});
