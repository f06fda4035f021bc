import { describe, expect, it } from "vitest";
import { allText, attachment, pod, row, rows } from "../../../test/views/fixtures.js";
import type { DebugAttachment } from "../model.js";
import type { PodSummary } from "../process/pod-summary.js";
import type { ActionsBlock, Block, StaticSelectElement, TableBlock } from "./block-kit.js";
import { ActionId, decodeListingBlockId } from "./ids.js";
import { renderProcessListingText, renderProcessTableView } from "./process-table-view.js";
import { validateView } from "./validate-view.js";

const base = {
  pod,
  attachment,
  rows,
  totalProcesses: rows.length,
  listingId: "lst-1",
  signals: ["HUP", "TERM"] as const,
};
const render = (over: Partial<Parameters<typeof renderProcessTableView>[0]> = {}) =>
  renderProcessTableView({ ...base, signals: [...base.signals], ...over });
const find = <T extends Block["type"]>(blocks: Block[], type: T) =>
  blocks.filter((b): b is Extract<Block, { type: T }> => b.type === type);
const select = (blocks: Block[], actionId: string) =>
  find(blocks, "actions")
    .flatMap((b: ActionsBlock) => b.elements)
    .find((e): e is StaticSelectElement => e.action_id === actionId);

describe("renderProcessTableView", () => {
  it("shows the task page's processes as a tree with STAT, %CPU, RSS, AGE and threads", () => {
    const view = render();
    expect(validateView(view)).toEqual([]);
    const [table] = find(view.blocks, "table") as TableBlock[];
    expect(table?.rows.map((r) => r.map((c) => c.text))).toEqual([
      ["PID", "STAT", "%CPU", "RSS", "AGE", "THR", "CONTAINER", "USER", "COMMAND"],
      ["1", "S", "0.0", "1.0M", "45m", "1", "pod sandbox (pause)", "root", "/pause"],
      ["8", "S", "0.0", "1.0M", "45m", "1", "nginx", "root", "nginx: master process nginx -g daemon off;"],
      ["14", "S", "0.0", "1.0M", "45m", "1", "nginx", "101", "└ nginx: worker process"],
      ["15", "S", "0.0", "1.0M", "45m", "1", "shell", "root", "sh"],
    ]);
    expect(view.text).toBe("Processes of pod default/nginx in prod-eu: showing 4 of 4.");
    expect(view.blocks.at(-1)?.type).toBe("table");
    expect(allText(view)).toContain("ephemeral container pns-debug-x7k2 targeting nginx, new, image busybox:1.36");
    expect(allText(view)).toContain("*Cluster* prod-eu · *Namespace* default · *Pod* nginx");
  });

  it("offers only fingerprinted app processes, grouped by container", () => {
    const view = render({
      rows: [...rows, row({ pid: 30, role: "debug", container: "pns-debug-x7k2", command: "sh -c …" })],
    });
    const picker = select(view.blocks, ActionId.psProcess);
    expect(picker?.option_groups?.map((g) => [g.label.text, g.options.map((o) => o.value)])).toEqual([
      ["nginx", ["8", "14"]],
      ["shell", ["15"]],
    ]);
    expect(picker?.option_groups?.[0]?.options[0]?.text.text).toBe("8 · nginx: master process nginx -g daemon off;");
    const table = find(view.blocks, "table")[0];
    expect(table?.rows.at(-1)?.[6]?.text).toBe("pns debug (pns-debug-x7k2)");
  });

  it("offers the allowed signals with their hints and a request button with no confirm dialog of its own", () => {
    const view = render();
    const signals = select(view.blocks, ActionId.psSignal);
    expect(signals?.options?.map((o) => [o.text.text, o.value, o.description?.text])).toEqual([
      ["SIGHUP", "HUP", "reload configuration (nginx: new workers)"],
      ["SIGTERM", "TERM", "terminate politely"],
    ]);
    const actions = find(view.blocks, "actions")[0];
    expect(decodeListingBlockId(actions?.block_id ?? "")).toBe("lst-1");
    const button = actions?.elements.find((e) => e.action_id === ActionId.psRequest);
    expect(button?.type === "button" && button.text.text).toBe("Request signal…");
    // The reason modal that follows the checks is the one confirmation.
    expect(button?.confirm).toBeUndefined();
  });

  it.each([
    {
      name: "no signals allowed",
      over: { signals: [] },
      line: "No signal controls: the pns policy allows no signals for this pod.",
    },
    {
      name: "a reason given",
      over: { signals: [], noSignalsReason: "channel #random may only list processes" },
      line: "No signal controls: channel #random may only list processes.",
    },
    {
      name: "no fingerprints (ps fallback)",
      over: { rows: rows.map((r) => ({ ...r, fingerprint: null })) },
      line: "no process here can be signalled safely",
    },
  ])("has no controls and says why when $name", ({ over, line }) => {
    const view = render(over);
    expect(validateView(view)).toEqual([]);
    expect(find(view.blocks, "actions")).toEqual([]);
    expect(allText(view)).toContain(line);
  });

  it.each<{ name: string; attachment: DebugAttachment; says: string }>([
    {
      name: "shared",
      attachment: { ...attachment, strategy: "shared", targetContainer: null, reused: true },
      says: "ephemeral container pns-debug-x7k2 in the shared process namespace, reused",
    },
    {
      name: "copy",
      attachment: { ...attachment, strategy: "copy", pod: "nginx-pns-x7k2", copyOf: "nginx", targetContainer: null },
      says: "debug copy nginx-pns-x7k2 of nginx",
    },
    {
      name: "note-carrying",
      attachment: { ...attachment, note: "Pod nginx now carries 4 of at most 5 pns debug containers" },
      says: "image busybox:1.36. Pod nginx now carries 4 of at most 5 pns debug containers",
    },
  ])("describes a $name attachment", ({ attachment: a, says }) => {
    expect(allText(render({ attachment: a }))).toContain(says);
  });

  it("says how many are shown when the caller passed fewer rows than exist", () => {
    const view = render({ totalProcesses: 250 });
    expect(allText(view)).toContain("Showing 4 of 250 processes as a tree; the full listing is attached as a file.");
  });

  it("says so for an empty listing", () => {
    const view = render({ rows: [], totalProcesses: 0 });
    expect(validateView(view)).toEqual([]);
    expect(find(view.blocks, "table")).toEqual([]);
    expect(allText(view)).toContain("No processes were listed.");
  });

  it("renders the preformatted layout with the same rows", () => {
    const view = render({ layout: "preformatted" });
    expect(validateView(view)).toEqual([]);
    expect(find(view.blocks, "table")).toEqual([]);
    const text = allText(find(view.blocks, "rich_text"));
    expect(text).toContain("nginx: master process nginx -g daemon off;");
    expect(text).toContain("pod sandbox (pause)");
  });

  it("indents children under their parents, deeper levels further, whatever the PID order", () => {
    const view = render({
      rows: [
        row({ pid: 2, ppid: 0, command: "tini" }),
        row({ pid: 3, ppid: 9, command: "worker" }),
        row({ pid: 5, ppid: 2, command: "gunicorn" }),
        row({ pid: 9, ppid: 5, command: "gunicorn worker" }),
        row({ pid: 12, ppid: 77, command: "orphan of a parent not listed" }),
      ],
    });
    const [table] = find(view.blocks, "table") as TableBlock[];
    expect(table?.rows.slice(1).map((r) => [r[0]?.text, r.at(-1)?.text])).toEqual([
      ["2", "tini"],
      ["5", "└ gunicorn"],
      ["9", "\u00a0\u00a0└ gunicorn worker"],
      ["3", "\u00a0\u00a0\u00a0\u00a0└ worker"],
      ["12", "orphan of a parent not listed"],
    ]);
  });

  it("shows who asked, when, the pod's phase, node and containers, and RSS against the memory limit", () => {
    const summary: PodSummary = {
      phase: "Running",
      node: "ip-10-0-3-17",
      restartPolicy: "Always",
      containers: [
        {
          name: "nginx",
          image: "nginx:1.27",
          ready: true,
          restartCount: 2,
          state: { kind: "running", reason: null, exitCode: null },
          lastTermination: { reason: "OOMKilled", exitCode: 137, finishedAt: "2026-11-30T03:02:13Z" },
          memoryLimitBytes: 128 * 1024 * 1024,
        },
        {
          name: "shell",
          image: "busybox:1.28",
          ready: false,
          restartCount: 0,
          state: { kind: "waiting", reason: "CrashLoopBackOff", exitCode: null },
          lastTermination: null,
          memoryLimitBytes: null,
        },
      ],
    };
    const view = render({
      summary,
      requestedBy: "U0ALICE",
      takenAt: Date.parse("2026-11-30T08:11:00Z"),
      cpuSampleSeconds: 1.02,
      rows: rows.map((r) => (r.pid === 8 ? { ...r, rssKb: 32 * 1024, cpuPercent: 57.2, threads: 4 } : r)),
    });
    expect(validateView(view)).toEqual([]);
    const text = allText(view);
    expect(text).toContain("Requested by <@U0ALICE> · as of <!date^1796026260^{time}|2026-11-30T08:11:00Z>");
    expect(text).toContain("*Pod* Running · on `ip-10-0-3-17` · restartPolicy Always");
    expect(text).toContain(
      "*nginx* · `nginx:1.27` · ready · :boom: 2 restarts, last OOMKilled, exit 137 <!date^1796007733^{date_short_pretty} {time}|2026-11-30T03:02:13Z> · memory limit 128M",
    );
    expect(text).toContain("*shell* · `busybox:1.28` · waiting (CrashLoopBackOff) · no restarts");
    expect(text).toContain("%CPU over 1.0 s, of one CPU.");
    const [table] = find(view.blocks, "table") as TableBlock[];
    expect(table?.rows[2]?.slice(0, 6).map((c) => c.text)).toEqual(["8", "S", "57", "32M 25%", "45m", "4"]);
    // The shell has no limit: RSS alone.
    expect(table?.rows[4]?.[3]?.text).toBe("1.0M");
  });

  it("counts the records the collector could not read", () => {
    const view = render({ unreadable: 3 });
    expect(allText(view)).toContain("3 processes could not be read (they may have exited while pns listed them).");
    expect(view.text).toContain("3 could not be read");
    expect(allText(render({ unreadable: 0 }))).not.toContain("could not be read");
  });

  it("shows the note", () => {
    expect(allText(render({ note: "PID 1 is /pause: signal 8 to reload nginx" }))).toContain(
      "PID 1 is /pause: signal 8 to reload nginx",
    );
  });
});

describe("renderProcessListingText", () => {
  it("prints a ps-like aligned table, as a tree, with PPID and the start in UTC", () => {
    expect(renderProcessListingText(rows).split("\n")).toEqual([
      "PID  PPID  USER  CONTAINER            STAT  %CPU   RSS  THR  STARTED               AGE  TIME  COMMAND",
      "  1     0  root  pod sandbox (pause)  S      0.0  1.0M    1  2026-11-30T03:00:00Z  45m  0:00  /pause",
      "  8     0  root  nginx                S      0.0  1.0M    1  2026-11-30T03:00:00Z  45m  0:00  nginx: master process nginx -g daemon off;",
      " 14     8  101   nginx                S      0.0  1.0M    1  2026-11-30T03:00:00Z  45m  0:00  └ nginx: worker process",
      " 15     0  root  shell                S      0.0  1.0M    1  2026-11-30T03:00:00Z  45m  0:00  sh",
    ]);
  });

  it("keeps full commands and marks an empty listing", () => {
    const long = "x".repeat(5000);
    expect(renderProcessListingText([row({ pid: 2, command: long })])).toContain(long);
    expect(renderProcessListingText([])).toContain("(no processes)");
  });
});
