/** Debug sessions in DynamoDB: one partition per channel; gsi1 orders all sessions by expiry for cleanup. */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
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
    const key = { pk: channelKey(session.channel), sk: sessionKey(session) };
    // Recording the same debug container again keeps when it was first recorded: `createdAt` is its start, not its
    // last use (a read and a plain put: the table's role writes with PutItem only).
    const first = await call(this.table, () =>
      this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true })),
    );
    const createdAt = typeof first.Item?.createdAt === "number" ? first.Item.createdAt : session.createdAt;
    const item = {
      ...session,
      createdAt,
      lastUsedAt: session.lastUsedAt ?? session.createdAt,
      ...key,
      ttl: ttlSeconds(session.expiresAt, this.retentionDays),
      gsi1pk: SESSION_GSI_PK,
      gsi1sk: sessionExpiryKey(session),
    };
    await call(this.table, () => this.db.send(new PutCommand({ TableName: this.table, Item: item })));
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
