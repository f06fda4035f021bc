/** A dynalite server on a free port and a client pointed at it, for the DynamoDB store tests and the bench. */
import type { AddressInfo } from "node:net";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { tableDefinition } from "../../src/store/dynamo/table.js";

/** A running dynalite with a client; `close` stops both. */
export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  /** Creates a table with the pns layout and waits until it is active. */
  createTable(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts dynalite in-process on a free port (in-memory LevelDB). */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  return {
    endpoint,
    client,
    async createTable(name) {
      await client.send(new CreateTableCommand(tableDefinition(name)));
      for (;;) {
        const out = await client.send(new DescribeTableCommand({ TableName: name }));
        if (out.Table?.TableStatus === "ACTIVE") return;
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
