/**
 * The one DynamoDB table of pns. Items (every item carries `ttl`, epoch seconds; TTL deletes late, so code always
 * checks expiry itself):
 *
 *   item            pk                     sk                           gsi1pk            gsi1sk
 *   request         req#<id>               req                          pending (only     <expiresAt>#<id>
 *                                                                       while pending)
 *                                                                       executing (only   <decidedAt>#<id>
 *                                                                       while executing)
 *                                                                       cont (a sent STOP <dueAt>#<id>
 *                                                                       whose CONT waits)
 *   audit entry     audit#*                <at>#<id>                    audit#<channel>   <at>#<id>
 *   claim           claim#<key>            claim                        –                 –
 *   debug session   session#<channel>      <cluster>#<ns>#<pod>#<ctr>   session           <expiresAt>#<channel>#…
 *   debug copy      copy#<cluster>         <ns>#<pod>                   –                 –
 *
 * Times in keys are epoch milliseconds padded to 15 digits, so string order is time order.
 * `gsi1` answers "pending requests past expiry", "audit of one channel" and "expired sessions".
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/** The name of the TTL attribute (epoch seconds) on every item. */
export const TTL_ATTRIBUTE = "ttl";

/** The one global secondary index. */
export const INDEX_NAME = "gsi1";

/** Partition-key value of audit entries (all channels). */
export const AUDIT_PK = "audit#*";

/** gsi1 partition of pending requests. */
export const PENDING_GSI_PK = "pending";

/** gsi1 partition of executing requests (the janitor finds those whose worker stopped). */
export const EXECUTING_GSI_PK = "executing";

/** gsi1 partition of sent STOPs whose automatic CONT is scheduled (the janitor sends those due). */
export const CONT_GSI_PK = "cont";

/** gsi1 partition of automatic CONTs claimed for sending and not finished (the janitor finds those whose run died). */
export const CONT_SENDING_GSI_PK = "contsending";

/** gsi1 partition of debug sessions. */
export const SESSION_GSI_PK = "session";

/** Attributes that belong to the table layout, not to the stored value. */
export const KEY_ATTRIBUTES = ["pk", "sk", "gsi1pk", "gsi1sk", TTL_ATTRIBUTE] as const;

/** The CreateTable input of the pns table, for tests, the dev server and the serverless.yml resource. */
export function tableDefinition(name: string): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
      { AttributeName: "gsi1pk", AttributeType: "S" },
      { AttributeName: "gsi1sk", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: INDEX_NAME,
        KeySchema: [
          { AttributeName: "gsi1pk", KeyType: "HASH" },
          { AttributeName: "gsi1sk", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
  };
}

/** Epoch seconds for the `ttl` attribute: `ms` plus `keepDays`, rounded up. */
export function ttlSeconds(ms: number, keepDays = 0): number {
  return Math.ceil(ms / 1000) + Math.round(keepDays * 86_400);
}

/** Drops the table-layout attributes from an item read back. */
export function stripKeys<T>(item: Record<string, unknown>): T {
  const value: Record<string, unknown> = { ...item };
  for (const key of KEY_ATTRIBUTES) delete value[key];
  return value as T;
}
