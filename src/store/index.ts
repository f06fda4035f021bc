/** The stores of pns: ports, the embedded and DynamoDB implementations, and the factory that picks one. */

export type * from "../app/ports/stores.js";
export { createStores, type StoreEnv } from "./create-stores.js";
export type { DynamoStoreOptions } from "./dynamo/client.js";
export { createDynamoStores } from "./dynamo/stores.js";
export { INDEX_NAME, TTL_ATTRIBUTE, tableDefinition } from "./dynamo/table.js";
export { createEmbeddedStores, type EmbeddedStoreOptions } from "./embedded.js";
