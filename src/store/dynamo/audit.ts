/** The audit trail in DynamoDB: all entries in one partition, newest read first; gsi1 holds each channel's. */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { AuditLog } from "../../app/ports/stores.js";
import type { AuditEntry } from "../../core/approval/types.js";
import { auditSortKey } from "../keys.js";
import { call } from "./client.js";
import { AUDIT_PK, INDEX_NAME, stripKeys, ttlSeconds } from "./table.js";

/** Audit entries as items `pk = audit#*`, `sk = <at>#<id>`. */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionDays: number,
  ) {}

  async append(entry: AuditEntry): Promise<void> {
    const sk = auditSortKey(entry);
    const item = {
      ...entry,
      pk: AUDIT_PK,
      sk,
      ttl: ttlSeconds(entry.at, this.retentionDays),
      ...(entry.channel !== null && { gsi1pk: channelKey(entry.channel), gsi1sk: sk }),
    };
    await call(this.table, () => this.db.send(new PutCommand({ TableName: this.table, Item: item })));
  }

  async list(query: { channel?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const { channel, limit = 20 } = query;
    const out = await call(this.table, () =>
      this.db.send(
        new QueryCommand({
          TableName: this.table,
          ...(channel === undefined
            ? { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": AUDIT_PK } }
            : {
                IndexName: INDEX_NAME,
                KeyConditionExpression: "gsi1pk = :pk",
                ExpressionAttributeValues: { ":pk": channelKey(channel) },
              }),
          ScanIndexForward: false,
          Limit: limit,
        }),
      ),
    );
    return (out.Items ?? []).map((item) => stripKeys<AuditEntry>(item));
  }
}

function channelKey(channel: string): string {
  return `audit#${channel}`;
}
