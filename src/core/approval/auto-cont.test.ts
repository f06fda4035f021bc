import { describe, expect, it } from "vitest";
import {
  autoContFor,
  autoContLine,
  claimCont,
  contClaimedAt,
  finishCont,
  LOST_CONT_OUTCOME,
  loseCont,
  parseAutoContChoice,
  scheduleCont,
} from "./auto-cont.js";
import { createSignalRequest } from "./state-machine.js";
import { aSignalRequestInput } from "./test-builders.js";
import type { SignalRequest } from "./types.js";

const T0 = 1_800_000_000_000;
const stop = (afterMs: number | null): SignalRequest =>
  createSignalRequest(aSignalRequestInput({ signal: "STOP", autoCont: autoContFor("STOP", afterMs) }), {
    id: "r1",
    now: T0,
    ttlMs: 900_000,
  });
const sent = (r: SignalRequest, at: number): SignalRequest => scheduleCont({ ...r, state: "done" }, at);

describe("the automatic CONT after a STOP", () => {
  it.each([
    ["60000", 60_000],
    ["300000", 300_000],
    ["900000", 900_000],
    ["0", 0],
    ["12345", null],
    ["300000.0", null],
    ["", null],
    [undefined, null],
  ] as const)("the select value %s is %s ms", (value, ms) => {
    expect(parseAutoContChoice(value)).toBe(ms);
  });

  it("only a STOP with a delay carries one", () => {
    expect(autoContFor("HUP", 300_000)).toBeNull();
    expect(autoContFor("STOP", 0)).toBeNull();
    expect(autoContFor("STOP", null)).toBeNull();
    expect(autoContFor("STOP", 300_000)).toEqual({ afterMs: 300_000, dueAt: null, state: "waiting", outcome: null });
  });

  it("is scheduled when the STOP is sent, due after its delay, and claimed once", () => {
    const r = sent(stop(300_000), T0 + 1000);
    expect(r.autoCont).toMatchObject({ state: "scheduled", dueAt: T0 + 301_000 });
    expect(claimCont(r, T0 + 300_999).ok).toBe(false);
    const claimed = claimCont(r, T0 + 301_000);
    if (!claimed.ok) throw new Error(claimed.message);
    expect(claimed.request.autoCont?.state).toBe("sending");
    expect(claimed.request.version).toBe(r.version + 1);
    // A second janitor reading the claimed request gets nothing to send.
    expect(claimCont(claimed.request, T0 + 400_000).ok).toBe(false);
    const done = finishCont(claimed.request, true, "delivered");
    expect(done.ok && done.request.autoCont).toMatchObject({ state: "sent", outcome: "delivered" });
    expect(finishCont(done.ok ? done.request : r, true, "again").ok).toBe(false);
  });

  it("a claimed CONT whose run died is lost: never sent again, and said to maybe not have been sent", () => {
    const claimed = claimCont(sent(stop(300_000), T0), T0 + 300_000);
    if (!claimed.ok) throw new Error(claimed.message);
    expect(claimed.request.autoCont?.claimedAt).toBe(T0 + 300_000);
    expect(contClaimedAt(claimed.request)).toBe(T0 + 300_000);
    const lost = loseCont(claimed.request);
    if (!lost.ok) throw new Error(lost.message);
    expect(lost.request.autoCont).toMatchObject({ state: "lost", outcome: LOST_CONT_OUTCOME });
    expect(claimCont(lost.request, T0 + 10_000_000).ok).toBe(false);
    expect(finishCont(lost.request, true, "late").ok).toBe(false);
    expect(loseCont(lost.request).ok).toBe(false);
    expect(autoContLine(lost.request, T0)).toBe(
      ":warning: pns lost track of the automatic *SIGCONT* (see the thread): the process may still be stopped.",
    );
    // A record claimed before claims were timed counts from when it was due.
    const { claimedAt: _, ...untimed } = claimed.request.autoCont ?? {
      afterMs: 0,
      dueAt: null,
      state: "sending",
      outcome: null,
    };
    expect(contClaimedAt({ ...claimed.request, autoCont: untimed })).toBe(T0 + 300_000);
  });

  it("a STOP that was not sent never schedules its CONT", () => {
    const failed = { ...stop(300_000), state: "failed" as const };
    expect(claimCont(failed, T0 + 10_000_000).ok).toBe(false);
    expect(autoContLine(failed, T0)).toBeNull();
  });

  it("says it with Slack date tokens and a countdown", () => {
    expect(autoContLine(stop(300_000), T0)).toBe(
      ":alarm_clock: pns sends *SIGCONT* automatically 5 min after the SIGSTOP.",
    );
    const r = sent(stop(300_000), T0);
    expect(autoContLine(r, T0)).toBe(
      `:alarm_clock: *SIGCONT* at <!date^${(T0 + 300_000) / 1000}^{time}|2027-01-15T08:05:00Z> (in 5 min).`,
    );
    expect(autoContLine(r, T0 + 270_000)).toMatch(/\(in 30 s\)\.$/);
    expect(autoContLine(stop(null), T0)).toBeNull();
  });
});
