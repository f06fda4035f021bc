/** Types for dynalite (it ships none): the in-process DynamoDB the store tests run against. */
declare module "dynalite" {
  import type { Server } from "node:http";

  interface DynaliteOptions {
    /** @default 500 */
    createTableMs?: number;
    /** @default 500 */
    deleteTableMs?: number;
    /** @default 500 */
    updateTableMs?: number;
    /** LevelDB directory; in-memory when absent. */
    path?: string;
  }

  export default function dynalite(options?: DynaliteOptions): Server;
}
