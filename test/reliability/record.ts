import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import type { CheckId, CheckRecord } from "./checks.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Where reliability tests append their records (one JSON line each), read by the global teardown. */
    reliabilityDir: string;
  }
}

/**
 * Records a passed check with its figure; call it after the assertions, so a failed check records nothing. Outside
 * `npm run test:reliability` (the suites that also run in `npm test`) there is nowhere to record, and it does nothing.
 */
export function record(id: CheckId, figure: string, numbers: Record<string, number> = {}): void {
  const dir = inject("reliabilityDir") as string | undefined;
  if (!dir) return;
  const line: CheckRecord = { id, figure, numbers };
  appendFileSync(join(dir, "records.jsonl"), `${JSON.stringify(line)}\n`);
}
