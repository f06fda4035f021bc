import { describe, expect, it } from "vitest";
import { allText, now } from "../../../test/views/fixtures.js";
import { renderSessionsView, type SessionSummary } from "./sessions-view.js";
import { slackDate } from "./text.js";
import { validateView } from "./validate-view.js";

const session = (over: Partial<SessionSummary> = {}): SessionSummary => ({
  cluster: "prod-eu",
  namespace: "default",
  pod: "nginx",
  debugPod: "nginx",
  debugContainer: "pns-debug-x7k2",
  strategy: "ephemeral",
  createdBy: "U0REQUEST",
  createdAt: now - 600_000,
  expiresAt: now + 600_000,
  ...over,
});

describe("renderSessionsView", () => {
  it.each([
    {
      name: "ephemeral",
      s: session(),
      says: `*prod-eu / default / nginx*: ephemeral container pns-debug-x7k2; started ${slackDate(now - 600_000)} by <@U0REQUEST>`,
    },
    {
      name: "reused",
      s: session({ startedAt: now - 900_000, lastUsedAt: now - 60_000 }),
      says: `started ${slackDate(now - 900_000)} by <@U0REQUEST>; last used ${slackDate(now - 60_000)}; stops`,
    },
    {
      name: "copy",
      s: session({ strategy: "copy", debugPod: "nginx-pns-x7k2" }),
      says: "debug copy nginx-pns-x7k2, container pns-debug-x7k2",
    },
    { name: "expired", s: session({ expiresAt: now - 1 }), says: `expired ${slackDate(now - 1)}, cleanup pending` },
    { name: "running", s: session(), says: `stops ${slackDate(now + 600_000)}` },
  ])("lists a $name session", ({ s, says }) => {
    const view = renderSessionsView([s], now);
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toContain(says);
    expect(view.text).toBe("1 pns debug session running.");
  });

  it("shows a blind debug container as blind, first, with since when, not as running", () => {
    const blind = session({
      pod: "db-0",
      debugContainer: "pns-debug-old",
      blind: "postgres restarted (OOMKilled)",
      blindSince: now - 120_000,
    });
    const view = renderSessionsView([session(), blind], now);
    expect(validateView(view)).toEqual([]);
    const text = allText(view);
    expect(text).toContain(
      `:warning: *prod-eu / default / db-0*: ephemeral container pns-debug-old is blind: postgres restarted (OOMKilled) ${slackDate(now - 120_000)}; the next \`/pns ps\` attaches a new one.`,
    );
    expect(text.indexOf("db-0")).toBeLessThan(text.indexOf("/ nginx*"));
    expect(text).not.toContain(`pns-debug-old; started`);
    expect(view.text).toBe("2 pns debug sessions, 1 blind.");
  });

  it("prints every time as a Slack date token, never as raw ISO text", () => {
    const text = allText(renderSessionsView([session({ lastUsedAt: now })], now));
    expect(text.replace(/<!date\^[^>]*>/g, "")).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it("says when there are none", () => {
    const view = renderSessionsView([], now);
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toContain("No debug sessions are running.");
  });

  it("fits 1,000 sessions and counts the rest", () => {
    const many = Array.from({ length: 1000 }, (_, i) => session({ pod: `pod-${i}`, expiresAt: now + i }));
    const view = renderSessionsView(many, now);
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toMatch(/Showing \d+ of 1,000 sessions\./);
    expect(allText(view)).toContain("pod-0*");
  });
});
