import { describe, expect, it } from "vitest";
import { allText, attachment, now, pod, request, row } from "../../../test/views/fixtures.js";
import { renderApprovalRequestView } from "./approval-request-view.js";
import type { ActionsBlock, StaticSelectElement } from "./block-kit.js";
import { renderDecisionModal } from "./decision-modal.js";
import { ActionId, decodeIntentValue, decodeListingBlockId } from "./ids.js";
import { renderProcessTableView } from "./process-table-view.js";
import { renderReasonModal } from "./reason-modal.js";
import { validateView } from "./validate-view.js";

const rows = [
  row({ pid: 7, command: "java -jar app.jar", container: "billing", main: true, runtime: "jvm" }),
  row({
    pid: 8,
    command: "nginx: master process nginx -g daemon off;",
    container: "nginx",
    main: true,
    runtime: "nginx-master",
  }),
  row({ pid: 14, command: "nginx: worker process", container: "nginx", runtime: "nginx-worker" }),
];

describe("the process table knows the runtimes", () => {
  const view = renderProcessTableView({
    pod,
    attachment,
    rows,
    totalProcesses: rows.length,
    listingId: "lst-1",
    signals: ["HUP", "QUIT", "USR1", "TERM"],
  });
  const actions = view.blocks.find((b): b is ActionsBlock => b.type === "actions");

  it("offers Thread dump, Reload config and Reopen logs as buttons of the table's block", () => {
    expect(validateView(view)).toEqual([]);
    expect(decodeListingBlockId(actions?.block_id ?? "")).toBe("lst-1");
    const intents = (actions?.elements ?? []).filter((e) => e.action_id.startsWith(ActionId.psIntentPrefix));
    expect(
      intents.map((b) => [b.type === "button" && b.text.text, decodeIntentValue(b.type === "button" ? b.value : "")]),
    ).toEqual([
      ["Thread dump: PID 7", { signal: "QUIT", pid: 7 }],
      ["Reload config: PID 8", { signal: "HUP", pid: 8 }],
      ["Reopen logs: PID 8", { signal: "USR1", pid: 8 }],
    ]);
    expect(new Set(intents.map((b) => b.action_id)).size).toBe(3);
  });

  it("says what each signal does to the table's runtimes in the picker", () => {
    const picker = actions?.elements.find((e): e is StaticSelectElement => e.action_id === ActionId.psSignal);
    const quit = picker?.options?.find((o) => o.value === "QUIT");
    expect(quit?.description?.text).toBe("JVM: thread dump, goes on · nginx master: graceful shutdown");
  });
});

describe("the approval card and the reason modal know the runtime", () => {
  it("a JVM's thread dump is low risk and primary", () => {
    const r = request({
      signal: "QUIT",
      process: { pid: 7, command: "java -jar app.jar", container: "billing", user: "1001", main: true, runtime: "jvm" },
    });
    const view = renderApprovalRequestView(r, { now });
    const text = allText(view);
    expect(text).toContain("*SIGQUIT*: JVM: thread dump, goes on");
    expect(text).toContain("`java -jar app.jar` (JVM)");
    expect(text).toContain(":information_source: *Low risk*: SIGQUIT to the JVM prints a thread dump");
    const approve = view.blocks.flatMap((b) => (b.type === "actions" ? b.elements : []))[0];
    expect(approve?.type === "button" && approve.style).toBe("primary");
  });

  it("a Go QUIT is fatal: a danger button, the consequence in words in the Approve modal", () => {
    const r = request({
      signal: "QUIT",
      process: { pid: 1, command: "/agent", container: "agent", user: "root", main: true, runtime: "go" },
      target: { ...request().target, restartPolicy: "Always" },
    });
    const view = renderApprovalRequestView(r, { now });
    const approve = view.blocks.flatMap((b) => (b.type === "actions" ? b.elements : []))[0];
    expect(approve?.type === "button" && approve.style).toBe("danger");
    // The consequence, first, in the Approve modal pns opens (Slack's confirm dialogs are gone: one confirmation).
    const decision = renderDecisionModal(r, "approve", "{}");
    expect(JSON.stringify(decision)).toMatch(
      /SIGQUIT to the Go program dumps every goroutine's stack .* exits \(status 2\)/,
    );
    const modal = renderReasonModal({
      requestDraft: {
        pid: 1,
        command: "/agent",
        container: "agent",
        signal: "QUIT",
        pod,
        main: true,
        restartPolicy: "Always",
        runtime: "go",
      },
      privateMetadata: "{}",
    });
    expect(JSON.stringify(modal)).toContain("container agent stops and the kubelet restarts it");
  });
});
