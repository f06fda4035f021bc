import { randomUUID } from "node:crypto";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PnsError } from "../../src/core/errors.js";
import { createStores } from "../../src/store/create-stores.js";
import { documentClient } from "../../src/store/dynamo/client.js";
import { DynamoSignalRequestStore } from "../../src/store/dynamo/requests.js";
import { createDynamoStores } from "../../src/store/dynamo/stores.js";
import { TTL_ATTRIBUTE } from "../../src/store/dynamo/table.js";
import { storeContract } from "./contract.js";
import { type LocalDynamo, startLocalDynamo } from "./local-dynamo.js";
import { aSignalRequest } from "./request-builder.js";

let dynamo: LocalDynamo;
let table: string;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  table = `pns-shared-${randomUUID()}`;
  await dynamo.createTable(table);
});
afterAll(async () => {
  await dynamo?.close();
});

// A fresh table per test, so that "all channels" listings see only the test's own items.
storeContract("dynamodb (dynalite)", async (clock) => {
  const tableName = `pns-${randomUUID()}`;
  await dynamo.createTable(tableName);
  return createDynamoStores({ tableName, client: dynamo.client, clock });
});

describe("DynamoDB store specifics", () => {
  it("puts a ttl in epoch seconds on every item, at least the item's expiry", async () => {
    const now = 1_790_000_000_000;
    const stores = createDynamoStores({ tableName: table, client: dynamo.client, clock: () => now });
    const request = aSignalRequest({ id: randomUUID(), now, ttlMs: 60_000 });
    await stores.requests.create(request);
    const claimKey = randomUUID();
    await stores.claims.claim(claimKey, 60_000);
    await stores.audit.append({
      id: "ttl-audit",
      at: now,
      actor: "U0ALICE",
      action: "command",
      channel: "C0TTL",
      cluster: null,
      namespace: null,
      pod: null,
      detail: "ps nginx",
      outcome: "ok",
    });
    const db = documentClient({ tableName: table, client: dynamo.client });
    const ttlOf = async (pk: string, sk: string) =>
      (await db.send(new GetCommand({ TableName: table, Key: { pk, sk } }))).Item?.[TTL_ATTRIBUTE];
    const cases = [
      {
        name: "request (kept 30 days)",
        ttl: await ttlOf(`req#${request.id}`, "req"),
        want: (now + 60_000) / 1000 + 30 * 86_400,
      },
      { name: "claim (until it expires)", ttl: await ttlOf(`claim#${claimKey}`, "claim"), want: (now + 60_000) / 1000 },
      {
        name: "audit (kept 90 days)",
        ttl: await ttlOf("audit#*", `00${now}#ttl-audit`),
        want: now / 1000 + 90 * 86_400,
      },
    ];
    for (const c of cases) expect(c.ttl, c.name).toBe(c.want);
  });

  it("turns a missing table into an unavailable PnsError that names the table and the fix", async () => {
    const stores = createDynamoStores({ tableName: "pns-missing", client: dynamo.client });
    const err = await stores.requests.get("x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PnsError);
    expect(err).toMatchObject({ code: "unavailable", userMessage: expect.stringContaining("`pns-missing`") });
    expect((err as PnsError).hint).toContain("PNS_TABLE");
  });

  it("turns an unreachable endpoint into an unavailable PnsError", async () => {
    const stores = createDynamoStores({
      tableName: table,
      clientConfig: {
        endpoint: "http://127.0.0.1:9",
        region: "us-east-1",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
        maxAttempts: 1,
      },
    });
    await expect(stores.claims.claim("k", 1000)).rejects.toMatchObject({ name: "PnsError", code: "unavailable" });
  });

  it("createStores uses DynamoDB when PNS_TABLE is set, with the endpoint from AWS_ENDPOINT_URL_DYNAMODB", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
    });
    try {
      const stores = createStores({ PNS_TABLE: table });
      expect(stores.requests).toBeInstanceOf(DynamoSignalRequestStore);
      const request = aSignalRequest({ id: randomUUID(), now: Date.now() });
      await stores.requests.create(request);
      expect(await stores.requests.get(request.id)).toEqual(request);
    } finally {
      process.env = saved;
    }
  });
});
