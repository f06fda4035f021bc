/**
 * Signal requests in DynamoDB. Every write is one conditional PutItem on one item:
 *
 *   create      attribute_not_exists(pk)
 *   transition  #state = :state AND #version = :version [AND #expiresAt > :decidedAt, for pending → approved]
 *
 * A failed condition is an expected outcome: the item is read again (dynalite ignores
 * ReturnValuesOnConditionCheckFailure) and returned as `{ ok: false, current }`.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Clock, ExpectedVersion, SignalRequestStore, WriteResult } from "../../app/ports/stores.js";
import type { SignalRequest } from "../../core/approval/types.js";
import { checkTransition, isApproval } from "../check-transition.js";
import { contClaimKey, contDueKey, expiredBefore, requestExpiryKey, requestStartKey } from "../keys.js";
import { call, isConditionFailed, queryItems } from "./client.js";
import {
  CONT_GSI_PK,
  CONT_SENDING_GSI_PK,
  EXECUTING_GSI_PK,
  INDEX_NAME,
  PENDING_GSI_PK,
  stripKeys,
  ttlSeconds,
} from "./table.js";

/** Signal requests as items `pk = req#<id>`, `sk = req`. */
export class DynamoSignalRequestStore implements SignalRequestStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {}

  async create(request: SignalRequest): Promise<WriteResult> {
    return this.#put(request.id, request, {
      ConditionExpression: "attribute_not_exists(pk)",
    });
  }

  async get(id: string): Promise<SignalRequest | null> {
    const out = await call(this.table, () =>
      this.db.send(new GetCommand({ TableName: this.table, Key: key(id), ConsistentRead: true })),
    );
    return out.Item ? stripKeys<SignalRequest>(out.Item) : null;
  }

  async transition(id: string, expected: ExpectedVersion, next: SignalRequest): Promise<WriteResult> {
    checkTransition(id, expected, next);
    const approval = isApproval(expected, next);
    return this.#put(id, next, {
      ConditionExpression: `#state = :state AND #version = :version${approval ? " AND #expiresAt > :decidedAt" : ""}`,
      ExpressionAttributeNames: {
        "#state": "state",
        "#version": "version",
        ...(approval && { "#expiresAt": "expiresAt" }),
      },
      ExpressionAttributeValues: {
        ":state": expected.state,
        ":version": expected.version,
        ...(approval && { ":decidedAt": next.decidedAt ?? this.clock() }),
      },
    });
  }

  async listExpirable(now: number, limit = 100): Promise<SignalRequest[]> {
    return this.#listIndexed(PENDING_GSI_PK, now, limit, (r) => r.state === "pending");
  }

  async listPending(limit = 1000): Promise<SignalRequest[]> {
    return this.#listIndexed(PENDING_GSI_PK, null, limit, (r) => r.state === "pending");
  }

  async listContDue(now: number, limit = 100): Promise<SignalRequest[]> {
    return this.#listIndexed(CONT_GSI_PK, now, limit, (r) => r.autoCont?.state === "scheduled");
  }

  async listContStuck(claimedBefore: number, limit = 100): Promise<SignalRequest[]> {
    return this.#listIndexed(CONT_SENDING_GSI_PK, claimedBefore, limit, (r) => r.autoCont?.state === "sending");
  }

  async listStuck(approvedBefore: number, limit = 100): Promise<SignalRequest[]> {
    return this.#listIndexed(EXECUTING_GSI_PK, approvedBefore, limit, (r) => r.state === "executing");
  }

  /**
   * The requests of one gsi1 partition whose sort key's time is at or before `atOrBefore` (all of them for null),
   * in key order. The index is eventually consistent: `still` drops what has visibly left that partition already.
   */
  async #listIndexed(
    partition: string,
    atOrBefore: number | null,
    limit: number,
    still: (r: SignalRequest) => boolean,
  ): Promise<SignalRequest[]> {
    const found = await queryItems<SignalRequest>(
      this.db,
      {
        TableName: this.table,
        IndexName: INDEX_NAME,
        KeyConditionExpression: atOrBefore === null ? "gsi1pk = :pk" : "gsi1pk = :pk AND gsi1sk < :bound",
        ExpressionAttributeValues: {
          ":pk": partition,
          ...(atOrBefore === null ? {} : { ":bound": expiredBefore(atOrBefore) }),
        },
      },
      limit,
    );
    return found.filter(still);
  }

  async #put(
    id: string,
    request: SignalRequest,
    condition: Pick<
      ConstructorParameters<typeof PutCommand>[0],
      "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues"
    >,
  ): Promise<WriteResult> {
    const keep = Math.max(request.expiresAt, request.decidedAt ?? 0);
    const item = {
      ...request,
      ...key(id),
      ttl: ttlSeconds(keep, this.retentionDays),
      // Only pending, executing and CONT-scheduled requests are in the index: the janitor's queries read nothing else.
      ...(request.state === "pending" && { gsi1pk: PENDING_GSI_PK, gsi1sk: requestExpiryKey(request) }),
      ...(request.state === "executing" && { gsi1pk: EXECUTING_GSI_PK, gsi1sk: requestStartKey(request) }),
      // A sent STOP waits in the index for its automatic CONT while it is scheduled, and leaves it once claimed.
      ...(request.state === "done" &&
        request.autoCont?.state === "scheduled" && { gsi1pk: CONT_GSI_PK, gsi1sk: contDueKey(request) }),
      // A claimed CONT stays in the index until it is finished: one whose janitor run died is found and told.
      ...(request.state === "done" &&
        request.autoCont?.state === "sending" && { gsi1pk: CONT_SENDING_GSI_PK, gsi1sk: contClaimKey(request) }),
    };
    try {
      await call(this.table, () => this.db.send(new PutCommand({ TableName: this.table, Item: item, ...condition })));
      return { ok: true, request };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      return { ok: false, current: await this.get(id) };
    }
  }
}

function key(id: string): { pk: string; sk: string } {
  return { pk: `req#${id}`, sk: "req" };
}
