import { describe, expect, it } from "vitest";
import { allText, pod } from "../../../test/views/fixtures.js";
import { ActionId, BlockId, CallbackId } from "./ids.js";
import { REASON_MAX_LENGTH, renderReasonModal } from "./reason-modal.js";
import { renderGiveReasonView } from "./stale-pick-view.js";
import { validateView } from "./validate-view.js";

const draft = {
  pid: 8,
  command: "nginx: master process nginx -g daemon off;",
  container: "nginx",
  signal: "HUP" as const,
  pod,
};

describe("renderReasonModal", () => {
  it("asks for a reason and summarises the target", () => {
    const view = renderReasonModal({
      listingId: "lst-1",
      requestDraft: draft,
      privateMetadata: '{"l":"lst-1","p":8,"s":"HUP"}',
    });
    expect(validateView(view)).toEqual([]);
    expect(view.callback_id).toBe(CallbackId.reasonModal);
    expect(view.submit?.text).toBe("Request approval");
    expect(view.title.text).toBe("Request SIGHUP");
    expect(view.private_metadata).toBe('{"l":"lst-1","p":8,"s":"HUP"}');
    const input = view.blocks.find((b) => b.type === "input");
    expect(input).toMatchObject({
      block_id: BlockId.reason,
      element: { action_id: ActionId.reasonInput, multiline: true, max_length: REASON_MAX_LENGTH },
    });
    expect(REASON_MAX_LENGTH).toBe(500);
    expect(allText(view)).toContain("to PID 8 `nginx: master process nginx -g daemon off;`");
    expect(allText(view)).toContain("in container nginx of prod-eu / default / nginx");
  });

  it("says what the signal will do before the reason is typed", () => {
    const kill = renderReasonModal({ requestDraft: { ...draft, signal: "KILL", main: true }, privateMetadata: "{}" });
    expect(validateView(kill)).toEqual([]);
    expect(allText(kill)).toContain(
      ":rotating_light: *High risk*: SIGKILL ends the process at once, without cleanup (exit 137); container nginx stops and the kubelet restarts it, unless the pod's restartPolicy is Never, and work in flight is lost.",
    );
    const init = renderReasonModal({ requestDraft: { ...draft, pid: 1, signal: "STOP" }, privateMetadata: "{}" });
    expect(allText(init)).toContain("*Low risk*: SIGSTOP is not delivered: PID 1 of its PID namespace");
  });

  it("names the debug copy a --copy listing's process runs in, and that the live pod gets nothing", () => {
    const view = renderReasonModal({
      requestDraft: { ...draft, copyPod: "nginx-pns-ab12c" },
      privateMetadata: "{}",
    });
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toContain("in container nginx of prod-eu / default / nginx-pns-ab12c");
    expect(allText(view)).toContain(
      "*This process runs in debug copy nginx-pns-ab12c of pod nginx*: the signal reaches the copy only, never the live pod nginx.",
    );
    const given = renderGiveReasonView({ ...draft, listingId: "lst-1", copyPod: "nginx-pns-ab12c" });
    expect(validateView(given)).toEqual([]);
    expect(allText(given)).toContain("in container `nginx` of `default/nginx-pns-ab12c`");
    expect(allText(given)).toContain("the signal reaches the copy only, never the live pod nginx.");
  });

  it("refuses metadata Slack would reject", () => {
    expect(() => renderReasonModal({ requestDraft: draft, privateMetadata: "m".repeat(3001) })).toThrow(RangeError);
  });
});
