/** Builds signal requests for store tests. */
import { createSignalRequest, type SignalRequestInput } from "../../src/core/approval/state-machine.js";
import { aSignalRequestInput } from "../../src/core/approval/test-builders.js";

export { aSignalRequestInput };

import type { SignalRequest } from "../../src/core/approval/types.js";

/** A pending request for SIGHUP to the nginx master, created at `now`, open for `ttlMs`. */
export function aSignalRequest(
  options: { id: string; now: number; ttlMs?: number } & Partial<SignalRequestInput>,
): SignalRequest {
  const { id, now, ttlMs = 15 * 60_000, ...overrides } = options;
  return createSignalRequest(aSignalRequestInput(overrides), { id, now, ttlMs });
}
