import { describe, expect, it } from "vitest";
import { renderCleanupView } from "./cleanup-view.js";
import { slackDate } from "./text.js";
import { validateView } from "./validate-view.js";

const copy = {
  namespace: "default",
  pod: "nginx-pns-x7k2q",
  container: "pns-debug-x7k2q",
  copyOf: "nginx",
  expiresAt: "2026-11-30T05:00:00Z",
};
const eph = { namespace: "shop", pod: "web-1", container: "pns-debug-a1b2c", copyOf: null, expiresAt: null };

describe("renderCleanupView", () => {
  it.each([
    [
      "an empty report says there is nothing to clean",
      { deleted: [], kept: [], runningEphemeral: [], failed: [] },
      ["Nothing to clean up"],
    ],
    [
      "a deleted copy names it and its source",
      { deleted: [copy], kept: [], runningEphemeral: [], failed: [] },
      ["deleted debug copy *default/nginx-pns-x7k2q* of nginx"],
    ],
    [
      "a running ephemeral container says it cannot be removed",
      { deleted: [], kept: [], runningEphemeral: [eph], failed: [] },
      ["pns-debug-a1b2c", "cannot remove ephemeral containers"],
    ],
    [
      "a failure names the pod and the reason",
      { deleted: [], kept: [], runningEphemeral: [], failed: [{ item: copy, message: "forbidden <delete>" }] },
      ["could not delete", "forbidden &lt;delete&gt;"],
    ],
  ])("%s", (_name, report, expected) => {
    const view = renderCleanupView({ cluster: "prod", ...report });
    const json = JSON.stringify(view.blocks);
    for (const e of expected) expect(json).toContain(e);
    expect(view.text).toMatch(/^pns cleanup:/);
    expect(validateView(view)).toEqual([]);
  });

  it("prints expiry times as Slack date tokens in the reader's time zone, never as raw UTC ISO", () => {
    const at = Date.parse(copy.expiresAt);
    const view = renderCleanupView({
      cluster: "prod",
      deleted: [],
      kept: [copy],
      runningEphemeral: [{ ...eph, expiresAt: copy.expiresAt }],
      failed: [],
    });
    const json = JSON.stringify(view.blocks);
    expect(json).toContain(`kept debug copy *default/nginx-pns-x7k2q* until ${slackDate(at)}`);
    expect(json).toContain(`it stops by itself ${slackDate(at)} (Kubernetes`);
    expect(slackDate(at)).toMatch(/^<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+>$/);
    expect(json.replace(/<!date\^[^>]*>/g, "")).not.toContain("2026-11-30T05:00:00Z");
  });

  it("stays within Slack's limits with thousands of items", () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...copy, pod: `nginx-pns-${i}` }));
    const view = renderCleanupView({ cluster: "prod", deleted: many, kept: [], runningEphemeral: [], failed: [] });
    expect(validateView(view)).toEqual([]);
    expect(JSON.stringify(view.blocks)).toContain("Showing");
  });
});
