import type { Stores } from "../../app/ports/stores.js";
import { DynamoAuditLog } from "./audit.js";
import { DynamoClaimStore } from "./claims.js";
import { type DynamoStoreOptions, documentClient } from "./client.js";
import { DynamoListingStore } from "./listings.js";
import { DynamoSignalRequestStore } from "./requests.js";
import { DynamoSessionStore } from "./sessions.js";

/** Builds the stores on one DynamoDB table and one client. */
export function createDynamoStores(options: DynamoStoreOptions): Stores {
  const db = documentClient(options);
  const table = options.tableName;
  const clock = options.clock ?? Date.now;
  const retentionDays = options.retentionDays ?? 30;
  return {
    requests: new DynamoSignalRequestStore(db, table, clock, retentionDays),
    audit: new DynamoAuditLog(db, table, options.auditRetentionDays ?? 90),
    claims: new DynamoClaimStore(db, table, clock),
    sessions: new DynamoSessionStore(db, table, retentionDays),
    listings: new DynamoListingStore(db, table, clock),
  };
}
