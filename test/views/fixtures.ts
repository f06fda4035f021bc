/** Fixtures of the views' tests: the task page's pod (1 /pause, 8 nginx master, 14 nginx worker uid 101, 15 sh). */

import type { AuditEntry, SignalRequest } from "../../src/core/approval/types.js";
import type { DebugAttachment, PodRef } from "../../src/core/model.js";
import type { ProcessRow } from "../../src/core/process/types.js";

export const pod: PodRef = { cluster: "prod-eu", namespace: "default", pod: "nginx" };

export const attachment: DebugAttachment = {
  strategy: "ephemeral",
  pod: "nginx",
  container: "pns-debug-x7k2",
  image: "busybox:1.36",
  targetContainer: "nginx",
  copyOf: null,
  reused: false,
  expiresAt: "2026-11-30T04:30:00Z",
};

const sha = (c: string) => c.repeat(64);

/** A row with the given fields over a plain nginx-like default. */
export function row(over: Partial<ProcessRow> & Pick<ProcessRow, "pid">): ProcessRow {
  return {
    ppid: 0,
    user: "root",
    container: "nginx",
    role: "app",
    state: "S",
    cpuTime: "0:00",
    cpuPercent: 0,
    startedAt: "2026-11-30T03:00:00Z",
    ageSeconds: 2700,
    rssKb: 1024,
    threads: 1,
    main: false,
    caughtSignals: null,
    ignoredSignals: null,
    command: "sleep 3600",
    fingerprint: { pid: over.pid, startTicks: 4000 + over.pid, cmdSha256: sha("a") },
    ...over,
  };
}

/** The process table of the task page. */
export const rows: ProcessRow[] = [
  row({ pid: 1, container: null, role: "pause", command: "/pause", fingerprint: null }),
  row({
    pid: 8,
    command: "nginx: master process nginx -g daemon off;",
    fingerprint: { pid: 8, startTicks: 4711, cmdSha256: `3f2a9c1d${sha("b").slice(8)}` },
  }),
  row({ pid: 14, ppid: 8, user: "101", command: "nginx: worker process" }),
  row({ pid: 15, container: "shell", command: "sh" }),
];

export const now = Date.parse("2026-11-30T03:45:00Z");

/** A pending SIGHUP request for the nginx master. */
export function request(over: Partial<SignalRequest> = {}): SignalRequest {
  return {
    id: "req-01",
    state: "pending",
    requester: "U0REQUEST",
    channel: "C0OPS",
    messageTs: null,
    target: { ...pod, debugContainer: "pns-debug-x7k2", debugPod: "nginx" },
    process: { pid: 8, command: "nginx: master process nginx -g daemon off;", container: "nginx", user: "root" },
    fingerprint: { pid: 8, startTicks: 4711, cmdSha256: `3f2a9c1d${"b".repeat(56)}` },
    signal: "HUP",
    reason: "reload after config change INC-42",
    approval: "required",
    approvers: { users: [], groups: ["S0ONCALL"] },
    createdAt: now,
    expiresAt: now + 15 * 60_000,
    decidedBy: null,
    decidedAt: null,
    outcome: null,
    version: 1,
    ...over,
  };
}

export const audit: AuditEntry[] = [
  {
    id: "a1",
    at: now - 60_000,
    actor: "U0REQUEST",
    action: "request",
    channel: "C0OPS",
    cluster: "prod-eu",
    namespace: "default",
    pod: "nginx",
    detail: "SIGHUP to pid 8 (nginx: master process …)",
    outcome: "pending",
  },
  {
    id: "a2",
    at: now,
    actor: "U0APPROVE",
    action: "signal",
    channel: "C0OPS",
    cluster: "prod-eu",
    namespace: "default",
    pod: "nginx",
    detail: "SIGHUP sent to pid 8",
    outcome: "ok",
  },
];

/** Adversarial strings: mentions, markup breakouts, RTL, emoji, huge. */
export const nasty = {
  channel: "<!channel> & <@U123|boss> <https://evil.example|click>",
  backticks: "sh -c `rm -rf /` ``` escape ```",
  emoji: "🔥🚒 nginx 👩‍👩‍👧‍👦 worker 🇪🇺",
  rtl: "\u202Egnp.exe\u202C مرحبا بالعالم nginx",
  huge: `java ${"-Dx=y ".repeat(700)}`.slice(0, 4096),
  newlines: "line1\nline2\r\n> quoted *bold* _it_ ~strike~",
};

/** All the JSON texts a view shows as mrkdwn (section, fields, context, top-level text). */
export function mrkdwnTexts(view: { text?: string; blocks: unknown[] }): string[] {
  const out: string[] = view.text === undefined ? [] : [view.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v !== null && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.type === "mrkdwn" && typeof o.text === "string") out.push(o.text);
      for (const x of Object.values(o)) walk(x);
    }
  };
  walk(view.blocks);
  return out;
}

/** Every string in a view, for "it shows X" assertions. */
export function allText(view: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v !== null && typeof v === "object") for (const x of Object.values(v)) walk(x);
  };
  walk(view);
  return out.join("\n");
}
