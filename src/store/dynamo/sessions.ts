/** Debug sessions in DynamoDB: one partition per channel; gsi1 orders all sessions by expiry for cleanup. */
import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { DebugSession, SessionStore } from "../../app/ports/stores.js";
import { expiredBefore, newestSessionFirst, sessionExpiryKey, sessionKey } from "../keys.js";
import { call, queryItems } from "./client.js";
import { INDEX_NAME, SESSION_GSI_PK, ttlSeconds } from "./table.js";

/** Sessions as items `pk = session#<channel>`, `sk = <cluster>#<namespace>#<debugPod>#<debugContainer>`. */
export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionDays: number,
  ) {}

  async record(session: DebugSession): Promise<void> {
    const { createdAt, ...rest } = session;
    const fields = {
      ...rest,
      lastUsedAt: session.lastUsedAt ?? createdAt,
      ttl: ttlSeconds(session.expiresAt, this.retentionDays),
      gsi1pk: SESSION_GSI_PK,
      gsi1sk: sessionExpiryKey(session),
    };
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    const names = Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k]));
    const values = Object.fromEntries(entries.map(([, v], i) => [`:f${i}`, v]));
    // Recording the same debug container again keeps when it was first recorded: `createdAt` is its start, not its last use.
    const sets = [...entries.map((_, i) => `#f${i} = :f${i}`), "#createdAt = if_not_exists(#createdAt, :createdAt)"];
    await call(this.table, () =>
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: channelKey(session.channel), sk: sessionKey(session) },
          UpdateExpression: `SET ${sets.join(", ")}`,
          ExpressionAttributeNames: { ...names, "#createdAt": "createdAt" },
          ExpressionAttributeValues: { ...values, ":createdAt": createdAt },
        }),
      ),
    );
  }

  async list(channel: string, now: number): Promise<DebugSession[]> {
    const found = await queryItems<DebugSession>(this.db, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": channelKey(channel) },
      ConsistentRead: true,
    });
    // TTL deletes late: expiry is decided here.
    return found.filter((s) => s.expiresAt > now).sort(newestSessionFirst);
  }

  async listExpired(now: number, limit = 100): Promise<DebugSession[]> {
    const found = await queryItems<DebugSession>(
      this.db,
      {
        TableName: this.table,
        IndexName: INDEX_NAME,
        KeyConditionExpression: "gsi1pk = :pk AND gsi1sk < :bound",
        ExpressionAttributeValues: { ":pk": SESSION_GSI_PK, ":bound": expiredBefore(now) },
      },
      limit,
    );
    return found;
  }

  async remove(
    session: Pick<DebugSession, "channel" | "cluster" | "namespace" | "debugPod" | "debugContainer">,
  ): Promise<void> {
    await call(this.table, () =>
      this.db.send(
        new DeleteCommand({ TableName: this.table, Key: { pk: channelKey(session.channel), sk: sessionKey(session) } }),
      ),
    );
  }
}

function channelKey(channel: string): string {
  return `session#${channel}`;
}
