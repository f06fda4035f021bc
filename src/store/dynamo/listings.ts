/** Listing snapshots in DynamoDB: `pk = listing#<id>`, `sk = listing`; expiry checked in code (TTL deletes late). */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Clock, ListingStore } from "../../app/ports/stores.js";
import type { ListingSnapshot } from "../../core/jobs.js";
import { call } from "./client.js";
import { ttlSeconds } from "./table.js";

/** Snapshots as items holding the snapshot as JSON (it has a variable number of processes). */
export class DynamoListingStore implements ListingStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
  ) {}

  async put(snapshot: ListingSnapshot, ttlMs: number): Promise<void> {
    const expiresAt = this.clock() + ttlMs;
    await call(this.table, () =>
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `listing#${snapshot.id}`,
            sk: "listing",
            expiresAt,
            snapshot: JSON.stringify(snapshot),
            ttl: ttlSeconds(expiresAt),
          },
        }),
      ),
    );
  }

  async get(id: string): Promise<ListingSnapshot | null> {
    const out = await call(this.table, () =>
      this.db.send(
        new GetCommand({ TableName: this.table, Key: { pk: `listing#${id}`, sk: "listing" }, ConsistentRead: true }),
      ),
    );
    const item = out.Item as { expiresAt?: number; snapshot?: string } | undefined;
    if (!item?.snapshot || (item.expiresAt ?? 0) <= this.clock()) return null;
    return JSON.parse(item.snapshot) as ListingSnapshot;
  }
}
