/** Claims in DynamoDB: `attribute_not_exists(pk) OR expiresAt <= :now` lets the first caller win, and a later one once it expired. */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { ClaimStore, Clock } from "../../app/ports/stores.js";
import { call, isConditionFailed } from "./client.js";
import { ttlSeconds } from "./table.js";

/** Claims as items `pk = claim#<key>`, `sk = claim`. */
export class DynamoClaimStore implements ClaimStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock();
    const expiresAt = now + ttlMs;
    try {
      await call(this.table, () =>
        this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { pk: `claim#${key}`, sk: "claim", expiresAt, ttl: ttlSeconds(expiresAt) },
            ConditionExpression: "attribute_not_exists(pk) OR #expiresAt <= :now",
            ExpressionAttributeNames: { "#expiresAt": "expiresAt" },
            ExpressionAttributeValues: { ":now": now },
          }),
        ),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  async release(key: string): Promise<void> {
    await call(this.table, () =>
      this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: `claim#${key}`, sk: "claim" } })),
    );
  }
}
