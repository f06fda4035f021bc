/** Builders for tests of signal requests (the state machine here, the stores in test/store). */
import type { SignalRequestInput } from "./state-machine.js";

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
