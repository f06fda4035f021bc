/**
 * Debug sessions in DynamoDB: one partition per channel; gsi1 orders all sessions by expiry for cleanup. The copies
 * pns created: one partition per cluster, each item holding the copy's pod UID.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { CopyRecord, CopyRef, DebugSession, SessionStore } from "../../app/ports/stores.js";
import { copyKey, expiredBefore, newestSessionFirst, oldestCopyFirst, sessionExpiryKey, sessionKey } from "../keys.js";
import { call, isConditionFailed, queryItems } from "./client.js";
import { INDEX_NAME, SESSION_GSI_PK, stripKeys, ttlSeconds } from "./table.js";

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

  async recordCopy(copy: CopyRecord): Promise<void> {
    // Kept past the copy's expiry: the janitor deletes the copy after it, and needs the record to know it is pns's.
    const item = {
      ...copy,
      pk: clusterKey(copy.cluster),
      sk: copyKey(copy),
      ttl: ttlSeconds(copy.expiresAt, this.retentionDays),
    };
    await call(this.table, () => this.db.send(new PutCommand({ TableName: this.table, Item: item })));
  }

  async getCopy(ref: CopyRef): Promise<CopyRecord | null> {
    const out = await call(this.table, () =>
      this.db.send(
        new GetCommand({
          TableName: this.table,
          Key: { pk: clusterKey(ref.cluster), sk: copyKey(ref) },
          ConsistentRead: true,
        }),
      ),
    );
    return out.Item ? stripKeys<CopyRecord>(out.Item) : null;
  }

  async listCopies(cluster: string): Promise<CopyRecord[]> {
    const found = await queryItems<CopyRecord>(this.db, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": clusterKey(cluster) },
      ConsistentRead: true,
    });
    return found.sort(oldestCopyFirst);
  }

  async removeCopy(ref: CopyRef & { uid: string }): Promise<void> {
    try {
      await call(this.table, () =>
        this.db.send(
          new DeleteCommand({
            TableName: this.table,
            Key: { pk: clusterKey(ref.cluster), sk: copyKey(ref) },
            ConditionExpression: "attribute_not_exists(pk) OR #uid = :uid",
            ExpressionAttributeNames: { "#uid": "uid" },
            ExpressionAttributeValues: { ":uid": ref.uid },
          }),
        ),
      );
    } catch (err) {
      // A newer copy of that name holds the record now: it stays.
      if (!isConditionFailed(err)) throw err;
    }
  }
}

function clusterKey(cluster: string): string {
  return `copy#${cluster}`;
}

function channelKey(channel: string): string {
  return `session#${channel}`;
}
