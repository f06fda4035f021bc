import { describe, expect, it } from "vitest";
import { allText, now, request } from "../../../test/views/fixtures.js";
import { markGone } from "../approval/state-machine.js";
import type { RequestState, SignalRequest } from "../approval/types.js";
import { renderApprovalRequestView, requestSeverity } from "./approval-request-view.js";
import { renderDecisionModal } from "./decision-modal.js";
import { ActionId, decodeRequestBlockId, decodeRequestValue } from "./ids.js";
import { slackDate } from "./text.js";
import { validateView } from "./validate-view.js";

const opts = { now };
const decided = now + 60_000;

describe("renderApprovalRequestView", () => {
  it("shows a pending request with exactly Approve, Deny and Cancel", () => {
    const view = renderApprovalRequestView(request(), opts);
    expect(validateView(view)).toEqual([]);
    const actions = view.blocks.find((b) => b.type === "actions");
    expect(actions?.type === "actions" && decodeRequestBlockId(actions.block_id ?? "")).toBe("req-01");
    const buttons = actions?.type === "actions" ? actions.elements : [];
    expect(
      buttons.map((b) => [b.action_id, b.type === "button" && b.text.text, b.type === "button" && b.style]),
    ).toEqual([
      [ActionId.signalApprove, "Approve", "primary"],
      [ActionId.signalDeny, "Deny", "danger"],
      [ActionId.signalCancel, "Cancel", undefined],
    ]);
    for (const b of buttons) expect(b.type === "button" && decodeRequestValue(b.value)).toBe("req-01");
    // No Slack confirm: pns checks the click first, then confirms in its own modal (renderDecisionModal).
    expect(buttons.map((b) => b.confirm)).toEqual([undefined, undefined, undefined]);

    const text = allText(view);
    expect(text).toContain("<@U0REQUEST>");
    expect(text).toContain("prod-eu / default / nginx");
    expect(text).toContain("PID 8 `nginx: master process nginx -g daemon off;`");
    expect(text).toContain("PID 8 · start 4711 · sha 3f2a9c1d");
    expect(text).toContain("*SIGHUP*: reload configuration (nginx: new workers)");
    expect(text).toContain(">reload after config change INC-42");
    expect(text).toContain("by <!subteam^S0ONCALL>");
    expect(text).toContain(`Expires ${slackDate(now + 15 * 60_000)} (in 15 min)`);
    expect(view.text).toContain("SIGHUP to PID 8");
  });

  it.each<{ state: RequestState; over: Partial<SignalRequest>; says: string[] }>([
    { state: "approved", over: {}, says: ["*Approved* by <@U0APPROVE> at", "sending SIGHUP…"] },
    { state: "executing", over: {}, says: ["*Approved* by <@U0APPROVE>", "sending SIGHUP…"] },
    {
      state: "done",
      over: { outcome: "nginx reloaded: workers 14 → 22" },
      says: ["*Sent* SIGHUP to PID 8", "workers 14 → 22"],
    },
    {
      state: "failed",
      over: { outcome: "the process changed since it was listed" },
      says: ["*Failed*", "changed since"],
    },
    { state: "denied", over: {}, says: ["*Denied* by <@U0APPROVE>", "Nothing was sent."] },
    {
      state: "cancelled",
      over: { decidedBy: "U0REQUEST" },
      says: ["*Cancelled* by <@U0REQUEST>", "Nothing was sent."],
    },
    { state: "expired", over: { decidedBy: null, decidedAt: null }, says: ["*Expired*", "without a decision"] },
  ])("shows $state without buttons, with who decided and when", ({ state, over, says }) => {
    const view = renderApprovalRequestView(
      request({ state, decidedBy: "U0APPROVE", decidedAt: decided, ...over }),
      opts,
    );
    expect(validateView(view)).toEqual([]);
    expect(view.blocks.some((b) => b.type === "actions")).toBe(false);
    const text = allText(view);
    for (const s of says) expect(text).toContain(s);
    if (state !== "expired") expect(text).toContain(slackDate(decided));
  });

  it.each([
    { approval: "self" as const, users: [], says: "by anyone allowed to approve, <@U0REQUEST> included." },
    { approval: "required" as const, users: [], says: "by anyone allowed to approve except <@U0REQUEST>." },
    { approval: "required" as const, users: ["U0REQUEST", "U0BOB"], says: "by <@U0BOB>." },
  ])("names the approvers for approval $approval, $users", ({ approval, users, says }) => {
    const view = renderApprovalRequestView(request({ approval, approvers: { users, groups: [] } }), opts);
    expect(allText(view)).toContain(says);
  });

  it.each<{ name: string; over: Partial<SignalRequest>; style: "primary" | "danger"; says: string }>([
    {
      name: "SIGKILL to a container's main process",
      over: {
        signal: "KILL",
        process: { ...request().process, main: true },
        target: { ...request().target, restartPolicy: "Always" },
      },
      style: "danger",
      says: ":rotating_light: *High risk*: SIGKILL ends the process at once, without cleanup (exit 137); container nginx stops and the kubelet restarts it, and work in flight is lost.",
    },
    {
      name: "SIGTERM to a worker",
      over: { signal: "TERM", process: { ...request().process, main: false } },
      style: "danger",
      says: "*High risk*: SIGTERM asks the process to exit; most programs finish",
    },
    {
      name: "SIGSTOP",
      over: { signal: "STOP" },
      style: "danger",
      says: "SIGSTOP freezes the process until SIGCONT (STAT T)",
    },
    {
      name: "SIGQUIT to a main process",
      over: { signal: "QUIT", process: { ...request().process, main: true } },
      style: "danger",
      says: "container nginx stops and the kubelet restarts it, unless the pod&#39;s restartPolicy is Never".replace(
        "&#39;",
        "'",
      ),
    },
    {
      name: "SIGINT to a worker",
      over: { signal: "INT", process: { ...request().process, main: false } },
      style: "primary",
      says: ":warning: *Medium risk*: SIGINT makes most programs exit, as Ctrl-C does; its parent decides what comes next.",
    },
    {
      name: "SIGWINCH",
      over: { signal: "WINCH" },
      style: "primary",
      says: ":information_source: *Low risk*: SIGWINCH",
    },
  ])("styles and explains $name", ({ over, style, says }) => {
    const view = renderApprovalRequestView(request(over), opts);
    expect(validateView(view)).toEqual([]);
    const actions = view.blocks.find((b) => b.type === "actions");
    const approve = actions?.type === "actions" ? actions.elements[0] : undefined;
    expect(approve?.type === "button" && approve.style).toEqual(style);
    expect(allText(view)).toContain(says);
    // The confirmation (pns's modal, opened after the checks) leads with the risk and its consequence.
    const modal = renderDecisionModal(request(over), "approve", "meta");
    expect(validateView(modal)).toEqual([]);
    const consequence = requestSeverity(request(over)).consequence;
    expect(allText(modal)).toContain(consequence.slice(0, 40));
    expect(modal.submit?.text).toBe(`Approve SIG${request(over).signal}`);
  });

  it("shows an outcome's dates as dates and no mention or link from it", () => {
    const outcome = `Not sent: approved ${slackDate(decided)}, <!channel> <@U0EVIL> <https://x.example|x> & more`;
    const view = renderApprovalRequestView(
      request({ state: "failed", decidedBy: "U0APPROVE", decidedAt: decided, outcome }),
      opts,
    );
    const text = allText(view);
    expect(text).toContain(
      `approved ${slackDate(decided)}, &lt;!channel&gt; &lt;@U0EVIL&gt; &lt;https://x.example|x&gt; &amp; more`,
    );
  });

  it("says the process is in a debug copy, and that the signal never reaches the live pod", () => {
    const view = renderApprovalRequestView(
      request({ target: { ...request().target, debugPod: "nginx-pns-x7k2" } }),
      opts,
    );
    const text = allText(view);
    expect(text).toContain("*Pod*\nprod-eu / default / debug copy nginx-pns-x7k2 of pod nginx");
    expect(text).toContain("the signal reaches the copy only, never the live pod nginx");
    expect(view.text).toContain("default/nginx-pns-x7k2 (debug copy of pod nginx)");
    // The approver's Approve modal says it too, before the decision.
    const modal = JSON.stringify(
      renderDecisionModal(request({ target: { ...request().target, debugPod: "nginx-pns-x7k2" } }), "approve", "{}"),
    );
    expect(modal).toContain("(a debug copy; not the live pod nginx)");
    expect(modal).toContain("default/debug copy nginx-pns-x7k2 of pod nginx");
  });

  it("shows a request whose copy was deleted as target gone, with why", () => {
    const gone = markGone(
      request({ target: { ...request().target, debugPod: "nginx-pns-x7k2" } }),
      0,
      "Debug copy nginx-pns-x7k2 of pod nginx was deleted.",
    );
    if (!gone.ok) throw new Error(gone.message);
    const view = renderApprovalRequestView(gone.request, opts);
    expect(allText(view)).toContain("Signal request: target gone");
    expect(allText(view)).toContain(
      ":ghost: *Target gone*: PID 8 is no longer the process that was requested, so nothing was sent.\nDebug copy nginx-pns-x7k2 of pod nginx was deleted.",
    );
    expect(JSON.stringify(view.blocks)).not.toContain("pns.signal.approve");
  });
});
