/**
 * Every view with hostile text in every place it can reach — mentions, `<!channel>`, `&`, links, very long names —
 * checked twice: by pns's own `validateView` and by the fake Slack's independent block checks (the ones its Web API
 * answers `invalid_blocks` with), and for mrkdwn that holds no markup but pns's own tokens.
 */
import { describe, expect, it } from "vitest";
import type { PodSummary } from "../../src/core/process/pod-summary.js";
import { escapeControl } from "../../src/core/process/rows.js";
import type { ProcessRow } from "../../src/core/process/types.js";
import { renderApprovalRequestView } from "../../src/core/views/approval-request-view.js";
import type { MessageView, ModalView } from "../../src/core/views/block-kit.js";
import { renderErrorView } from "../../src/core/views/error-view.js";
import { renderProcessListingText, renderProcessTableView } from "../../src/core/views/process-table-view.js";
import { renderReasonModal } from "../../src/core/views/reason-modal.js";
import { renderSignalResultView } from "../../src/core/views/signal-result-view.js";
import { validateView } from "../../src/core/views/validate-view.js";
import { checkBlocks } from "../../src/local/fake-slack/block-limits.js";
import { attachment, mrkdwnTexts, now, request, row, rows } from "./fixtures.js";

/** Markup pns writes itself; anything else in angle brackets in mrkdwn is text that escaped its place. */
const OURS = /^<(@[UW][A-Z0-9]+|!date\^\d+\^[^|>]*\|[^<>]*|!subteam\^S[A-Z0-9]+(\|@[^<>]*)?)>$/;

function expectSafe(view: MessageView | ModalView): void {
  expect(validateView(view)).toEqual([]);
  const modal = "type" in view && view.type === "modal";
  expect(checkBlocks(view.blocks, modal ? 100 : 50)).toBeUndefined();
  for (const text of mrkdwnTexts(view)) {
    for (const token of text.match(/<[^>]*>?/g) ?? []) expect(token).toMatch(OURS);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  }
}

const hostile = [
  "<!channel> <!here> <!everyone>",
  "<@U0BOSS> <!subteam^S0ALL|@all> <#C0GENERAL>",
  "<https://evil.example/login|Reset your password>",
  "a & b &amp; c &lt;tag&gt; &#x3C;",
  "*bold* _it_ ~s~ `code` ```block``` > quote",
  `name-${"x".repeat(3000)}`,
  "nginx\nINJECTED LINE\r\n:warning:",
];

const summaryWith = (s: string): PodSummary => ({
  phase: s,
  node: s,
  restartPolicy: "Always",
  containers: Array.from({ length: 60 }, (_, i) => ({
    name: `${s}-${i}`,
    image: s,
    ready: i % 2 === 0,
    restartCount: i,
    state: i % 3 === 0 ? { kind: "waiting" as const, reason: s, exitCode: null } : null,
    lastTermination: { reason: s, exitCode: 137, finishedAt: "2026-11-30T03:02:13Z" },
    memoryLimitBytes: 128 * 2 ** 20,
  })),
});

/** Rows as toRows makes them: commands and users with control characters escaped. */
const rowsWith = (s: string, n: number): ProcessRow[] =>
  Array.from({ length: n }, (_, i) =>
    row({
      pid: i + 2,
      ppid: i === 0 ? 0 : i + 1,
      command: escapeControl(`${s} ${i}`),
      container: `${s}-${i % 3}`,
      user: escapeControl(s),
      state: "T",
    }),
  );

describe.each(hostile)("views with %j everywhere", (s) => {
  const evilPod = { cluster: s, namespace: s, pod: s };
  const procs = rowsWith(s.slice(0, 200), 120);
  const req = request({
    reason: s,
    process: { pid: 8, command: s, container: s, user: s, main: true },
    target: { ...evilPod, debugContainer: s, debugPod: s, restartPolicy: "OnFailure" },
    approvers: { users: [s, "U0BOB", "U0REQUEST"], groups: [s, "S0SRE"] },
    outcome: `${s} <!date^1796026260^{time}|08:11>`,
  });

  it.each<[string, () => MessageView | ModalView]>([
    [
      "process table (table layout)",
      () =>
        renderProcessTableView({
          pod: evilPod,
          attachment: { ...attachment, container: s, image: s },
          rows: procs,
          totalProcesses: 500,
          listingId: "lst-1",
          signals: ["HUP", "KILL"],
          note: s,
          requestedBy: s,
          takenAt: now,
          summary: summaryWith(s),
          unreadable: 3,
          cpuSampleSeconds: 1,
        }),
    ],
    [
      "process table (preformatted)",
      () =>
        renderProcessTableView({
          pod: evilPod,
          attachment,
          rows: procs,
          totalProcesses: procs.length,
          listingId: "lst-1",
          signals: [],
          noSignalsReason: s,
          requestedBy: "U0ALICE",
          summary: summaryWith(s),
          layout: "preformatted",
        }),
    ],
    ["approval, pending, SIGKILL", () => renderApprovalRequestView({ ...req, signal: "KILL" }, { now })],
    [
      "approval, failed",
      () => renderApprovalRequestView({ ...req, state: "failed", decidedBy: s, decidedAt: now }, { now }),
    ],
    [
      "reason modal",
      () =>
        renderReasonModal({
          requestDraft: { pid: 1, command: s, container: s, signal: "STOP", pod: evilPod, main: true },
          privateMetadata: "{}",
        }),
    ],
    [
      "signal result",
      () =>
        renderSignalResultView({
          request: { ...req, signal: "STOP", fingerprint: { ...req.fingerprint, pid: 2, startTicks: 4002 } },
          ok: true,
          message: s,
          diff: { exited: procs, started: procs, restarted: [] },
          after: procs,
          podBefore: summaryWith(s),
          podAfter: {
            ...summaryWith(s),
            containers: summaryWith(s).containers.map((c) => ({ ...c, restartCount: c.restartCount + 1 })),
          },
        }),
    ],
    [
      "error, pns's mrkdwn with hostile text inside",
      () => renderErrorView({ mrkdwn: `Ask <@U0BOB>: ${s}`, message: s, hint: s }),
    ],
  ])("%s stays within the limits and shows the text as text", (_name, render) => {
    expectSafe(render());
  });

  it("keeps the approval card from naming the requester among the approvers", () => {
    const text = mrkdwnTexts(renderApprovalRequestView(req, { now })).join("\n");
    const waiting = text.split("\n").find((l) => l.includes("Waiting for approval")) ?? "";
    expect(waiting).toContain("<@U0BOB>");
    expect(waiting).toContain("(not <@U0REQUEST>, who asked)");
    expect(waiting.match(/<@U0REQUEST>/g)).toHaveLength(1);
  });

  it("writes the file listing as plain text with every row", () => {
    const text = renderProcessListingText(procs, undefined, summaryWith(s));
    expect(text.split("\n")).toHaveLength(procs.length + 1);
  });
});

it("fits 10,000 processes and a 60-container pod in one message", () => {
  const many = Array.from({ length: 10_000 }, (_, i) => row({ pid: i + 2, ppid: i % 7 === 0 ? 0 : i + 1 }));
  const view = renderProcessTableView({
    pod: { cluster: "c", namespace: "n", pod: "p" },
    attachment,
    rows: [...rows, ...many],
    totalProcesses: 10_004,
    listingId: "l",
    signals: ["HUP", "TERM", "KILL"],
    summary: summaryWith("app"),
    requestedBy: "U0ALICE",
    takenAt: now,
  });
  expectSafe(view);
  expect(view.shown).toBeGreaterThan(10);
  expect(view.shown).toBeLessThan(100);
});
