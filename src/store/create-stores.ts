import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import type { Clock, Stores } from "../app/ports/stores.js";
import { createDynamoStores } from "./dynamo/stores.js";
import { createEmbeddedStores } from "./embedded.js";

/** The environment variables the stores read; handlers pass `process.env`. */
export interface StoreEnv {
  /** The DynamoDB table; unset means the embedded store. */
  PNS_TABLE?: string;
  [name: string]: string | undefined;
}

/**
 * DynamoDB stores on table `PNS_TABLE` when it is set (their client made with `clientConfig`: timeouts, attempts),
 * else embedded (in-process) stores.
 */
export function createStores(
  env: StoreEnv,
  options: { clock?: Clock; clientConfig?: DynamoDBClientConfig } = {},
): Stores {
  const table = env.PNS_TABLE?.trim();
  const { clientConfig, ...rest } = options;
  if (table) return createDynamoStores({ tableName: table, ...rest, ...(clientConfig ? { clientConfig } : {}) });
  return createEmbeddedStores(rest);
}
