/** Builds signal requests for store tests. */
import { createSignalRequest, type SignalRequestInput } from "../../src/core/approval/state-machine.js";
import type { SignalRequest } from "../../src/core/approval/types.js";

/** What a requester fills in for SIGHUP to the nginx master, with overrides. */
export function aSignalRequestInput(overrides: Partial<SignalRequestInput> = {}): SignalRequestInput {
  return {
    requester: "U0REQUESTER",
    channel: "C0OPS",
    target: { cluster: "dev", namespace: "default", pod: "nginx", debugContainer: "pns-debug-1", debugPod: "nginx" },
    process: { pid: 8, command: "nginx: master process nginx -g daemon off;", container: "nginx", user: "root" },
    fingerprint: { pid: 8, startTicks: 4242, cmdSha256: "a".repeat(64) },
    signal: "HUP",
    reason: "reload config",
    approval: "required",
    approvers: { users: [], groups: [] },
    ...overrides,
  };
}

/** A pending request for SIGHUP to the nginx master, created at `now`, open for `ttlMs`. */
export function aSignalRequest(
  options: { id: string; now: number; ttlMs?: number } & Partial<SignalRequestInput>,
): SignalRequest {
  const { id, now, ttlMs = 15 * 60_000, ...overrides } = options;
  return createSignalRequest(aSignalRequestInput(overrides), { id, now, ttlMs });
}
