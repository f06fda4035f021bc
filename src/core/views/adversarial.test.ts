import { describe, expect, it } from "vitest";
import {
  allText,
  attachment,
  audit,
  mrkdwnTexts,
  nasty,
  now,
  pod,
  request,
  row,
  rows,
} from "../../../test/views/fixtures.js";
import type { ProcessRow } from "../process/types.js";
import { renderApprovalRequestView } from "./approval-request-view.js";
import { renderAuditView } from "./audit-view.js";
import type { MessageView, ModalView } from "./block-kit.js";
import { renderErrorView } from "./error-view.js";
import { renderFileView } from "./file-view.js";
import { renderHelpView } from "./help-view.js";
import { renderProcessTableView } from "./process-table-view.js";
import { renderProgressView } from "./progress-view.js";
import { renderReasonModal } from "./reason-modal.js";
import { renderSessionsView } from "./sessions-view.js";
import { renderSignalResultView } from "./signal-result-view.js";
import { validateView } from "./validate-view.js";

/** Slack markup pns itself writes; anything else in angle brackets would be user text escaping its place. */
const OUR_MARKUP = /^<(@[UW][A-Z0-9]+|!date\^\d+\^[^|>]*\|[^<>]*|!subteam\^[A-Z0-9]+)>$/;

function expectSafe(view: MessageView | ModalView): void {
  expect(validateView(view)).toEqual([]);
  for (const text of mrkdwnTexts(view)) {
    for (const token of text.match(/<[^>]*>?/g) ?? []) expect(token).toMatch(OUR_MARKUP);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect((text.match(/`/g) ?? []).length % 2, text).toBe(0);
  }
}

/** Every view, with `s` in every user-controlled place and `procs` as the processes. */
function everyView(s: string, procs: ProcessRow[]): [string, MessageView | ModalView][] {
  const evilPod = { cluster: s, namespace: s, pod: s };
  const req = request({ reason: s, process: { pid: 8, command: s, container: s, user: s }, outcome: s });
  const restarted = procs.slice(0, 50).map((p) => ({ before: p, after: { ...p, pid: p.pid + 100_000 } }));
  const views: [string, MessageView | ModalView][] = [
    [
      "process table",
      renderProcessTableView({
        pod: evilPod,
        attachment: { ...attachment, container: s, image: s, targetContainer: s },
        rows: procs,
        totalProcesses: procs.length,
        listingId: "lst-1",
        signals: ["HUP", "TERM", "KILL", "QUIT", "USR1", "USR2", "INT", "CONT", "STOP", "WINCH"],
        note: s,
      }),
    ],
    [
      "process table, preformatted",
      renderProcessTableView({
        pod: evilPod,
        attachment,
        rows: procs,
        totalProcesses: procs.length,
        listingId: "lst-1",
        signals: ["HUP"],
        layout: "preformatted",
      }),
    ],
    [
      "reason modal",
      renderReasonModal({
        requestDraft: { pid: 8, command: s, container: s, signal: "HUP", pod: evilPod },
        privateMetadata: "{}",
      }),
    ],
    [
      "approval (self approval)",
      renderApprovalRequestView({ ...req, approval: "self", approvers: { users: [s], groups: [s] } }, { now }),
    ],
    ["approval, failed", renderApprovalRequestView({ ...req, state: "failed", decidedBy: s, decidedAt: now }, { now })],
    [
      "signal result",
      renderSignalResultView({
        request: req,
        ok: false,
        message: s,
        diff: { exited: procs, started: procs, restarted },
        after: procs,
      }),
    ],
    [
      "file",
      renderFileView({
        pod: evilPod,
        pid: 8,
        container: s,
        path: s,
        content: s.repeat(50),
        bytes: 9,
        truncated: true,
        binary: false,
        lines: 50,
      }),
    ],
    [
      "sessions",
      renderSessionsView(
        procs.slice(0, 300).map(() => ({
          cluster: s,
          namespace: s,
          pod: s,
          debugPod: s,
          debugContainer: s,
          strategy: "copy" as const,
          createdBy: s,
          createdAt: now,
          expiresAt: now + 1,
        })),
        now,
      ),
    ],
    ["audit", renderAuditView([...audit, { ...audit[0]!, actor: s, detail: s, cluster: s, namespace: s, pod: s }])],
    ["help", renderHelpView(s, s)],
    ["error", renderErrorView({ message: s, hint: s, usage: s, reference: s })],
    ["progress", renderProgressView([s, s], s)],
  ];
  return views;
}

const manyRows = (n: number, command: (i: number) => string): ProcessRow[] =>
  Array.from({ length: n }, (_, i) =>
    row({ pid: i + 2, container: `app-${i % 150}`, command: command(i), user: i % 2 === 0 ? "root" : "101" }),
  );

const cases: { name: string; s: string; procs: ProcessRow[] }[] = [
  {
    name: "mentions and links",
    s: nasty.channel,
    procs: rows.map((r) => ({ ...r, command: nasty.channel, container: nasty.channel })),
  },
  { name: "backticks", s: nasty.backticks, procs: rows.map((r) => ({ ...r, command: nasty.backticks })) },
  { name: "emoji", s: nasty.emoji, procs: rows.map((r) => ({ ...r, command: nasty.emoji, user: nasty.emoji })) },
  { name: "RTL text", s: nasty.rtl, procs: rows.map((r) => ({ ...r, command: nasty.rtl })) },
  { name: "line breaks and markup", s: nasty.newlines, procs: rows.map((r) => ({ ...r, command: nasty.newlines })) },
  { name: "4 KB command lines", s: nasty.huge, procs: manyRows(200, () => nasty.huge) },
  { name: "10,000 processes", s: "nginx", procs: manyRows(10_000, (i) => `nginx: worker process ${i}`) },
  { name: "an empty listing", s: "", procs: [] },
];

describe("every view stays within Slack's limits and escapes user text", () => {
  for (const c of cases) {
    it.each(everyView(c.s, c.procs))(`${c.name}: %s`, (_name, view) => {
      expectSafe(view);
    });
  }

  it("counts what it left out of 10,000 processes and keeps the picker within 100 options", () => {
    const procs = manyRows(10_000, (i) => `nginx: worker process ${i}`);
    const view = renderProcessTableView({
      pod,
      attachment,
      rows: procs,
      totalProcesses: 10_000,
      listingId: "l",
      signals: ["HUP"],
    });
    expectSafe(view);
    expect(allText(view)).toMatch(
      /Showing \d+ of 10,000 processes as a tree; the full listing is attached as a file\./,
    );
    expect(allText(view)).toMatch(/more signallable processes can be picked with `\/pns signal`/);
    const table = view.blocks.find((b) => b.type === "table");
    expect(table?.type === "table" && table.rows.length).toBeGreaterThan(10);
  });

  it("keeps a <!channel> in a command from reaching Slack as a mention", () => {
    const view = renderApprovalRequestView(
      request({ reason: "<!channel> wake up", process: { ...request().process, command: "<!here>" } }),
      { now },
    );
    // plain_text (the confirm dialog) shows `<!here>` literally; only mrkdwn could turn it into a mention.
    const text = mrkdwnTexts(view).join("\n");
    expect(text).toContain("&lt;!channel&gt; wake up");
    expect(text).toContain("`&lt;!here&gt;`");
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<!here>");
  });
});
