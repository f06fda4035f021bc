/** Options, the document client, and the boundary where DynamoDB errors become values or PnsErrors. */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Clock } from "../../app/ports/stores.js";
import { PnsError } from "../../core/errors.js";
import { stripKeys } from "./table.js";

/** Options of the DynamoDB store: give either a `client` or a `clientConfig`, not both. */
export type DynamoStoreOptions = {
  tableName: string;
  /** @default Date.now */
  clock?: Clock;
  /** How long decided requests and sessions stay readable after their expiry. @default 30 */
  retentionDays?: number;
  /** How long audit entries are kept. @default 90 */
  auditRetentionDays?: number;
} & (
  | { client: DynamoDBClient | DynamoDBDocumentClient; clientConfig?: never }
  | {
      client?: never;
      /** For `new DynamoDBClient(clientConfig)`; the SDK reads region, credentials and `AWS_ENDPOINT_URL_DYNAMODB` from the environment. @default {} */
      clientConfig?: DynamoDBClientConfig;
    }
);

/** A document client that drops undefined values, from a given client or a new one. */
export function documentClient(options: DynamoStoreOptions): DynamoDBDocumentClient {
  const client = options.client ?? new DynamoDBClient(options.clientConfig ?? {});
  if (client instanceof DynamoDBDocumentClient) return client;
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** True for the error of a failed ConditionExpression: an expected outcome, turned into a value by the caller. */
export function isConditionFailed(err: unknown): boolean {
  return err instanceof Error && err.name === "ConditionalCheckFailedException";
}

/** Runs one DynamoDB call; anything but a failed condition becomes a PnsError that names the table and the fix. */
export async function call<T>(table: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isConditionFailed(err)) throw err;
    throw translate(table, err);
  }
}

function translate(table: string, err: unknown): PnsError {
  const name = err instanceof Error ? err.name : "";
  switch (name) {
    case "ResourceNotFoundException":
      return new PnsError("unavailable", `pns's DynamoDB table \`${table}\` does not exist.`, {
        cause: err,
        hint: "Deploy the stack, or set PNS_TABLE to the table's name (unset it to use the embedded store).",
      });
    case "AccessDeniedException":
    case "UnrecognizedClientException":
    case "InvalidSignatureException":
      return new PnsError("forbidden", `pns may not use its DynamoDB table \`${table}\` (${name}).`, {
        cause: err,
        hint: "Give the function's role dynamodb:GetItem, PutItem, DeleteItem and Query on the table and its index gsi1.",
      });
    default:
      return new PnsError("unavailable", `pns could not reach its DynamoDB table \`${table}\` just now.`, {
        cause: err,
        hint: "Try again in a moment; if it keeps failing, check the table in the AWS console.",
      });
  }
}

/**
 * Runs a query page by page until it is exhausted or `limit` items were read, and returns the items without the
 * table's key attributes.
 */
export async function queryItems<T>(
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, "ExclusiveStartKey" | "Limit"> & { TableName: string },
  limit = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const found: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = Number.isFinite(limit) ? { Limit: limit - found.length } : {};
    const out = await call(input.TableName, () =>
      db.send(new QueryCommand({ ...input, ...page, ExclusiveStartKey: start })),
    );
    for (const item of out.Items ?? []) found.push(stripKeys<T>(item));
    start = out.LastEvaluatedKey;
  } while (start && found.length < limit);
  return found;
}
