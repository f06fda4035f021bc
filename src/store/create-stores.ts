import type { Clock, Stores } from "../app/ports/stores.js";
import { createDynamoStores } from "./dynamo/stores.js";
import { createEmbeddedStores } from "./embedded.js";

/** The environment variables the stores read; handlers pass `process.env`. */
export interface StoreEnv {
  /** The DynamoDB table; unset means the embedded store. */
  PNS_TABLE?: string;
  [name: string]: string | undefined;
}

/** DynamoDB stores on table `PNS_TABLE` when it is set, else embedded (in-process) stores. */
export function createStores(env: StoreEnv, options: { clock?: Clock } = {}): Stores {
  const table = env.PNS_TABLE?.trim();
  if (table) return createDynamoStores({ tableName: table, ...options });
  return createEmbeddedStores(options);
}
