import { describe, expect, it } from "vitest";
import { allText, audit } from "../../../test/views/fixtures.js";
import { renderAuditView } from "./audit-view.js";
import { validateView } from "./validate-view.js";

describe("renderAuditView", () => {
  it("lists entries newest first with actor, action, pod and outcome", () => {
    const view = renderAuditView(audit);
    expect(validateView(view)).toEqual([]);
    const text = allText(view);
    expect(text).toContain("<@U0APPROVE> *signal* on prod-eu / default / nginx: SIGHUP sent to pid 8 (ok)");
    expect(text.indexOf("U0APPROVE")).toBeLessThan(text.indexOf("U0REQUEST"));
    expect(view.text).toBe("pns audit trail: 2 entries.");
  });

  it.each([
    { name: "no entries", entries: [], says: "No audit entries match." },
    {
      name: "a janitor entry without a pod",
      entries: [
        {
          ...audit[0]!,
          actor: "pns",
          action: "cleanup" as const,
          cluster: null,
          namespace: null,
          pod: null,
          detail: "deleted 2 copies",
          outcome: "ok" as const,
        },
      ],
      says: "pns *cleanup*: deleted 2 copies (ok)",
    },
  ])("shows $name", ({ entries, says }) => {
    const view = renderAuditView(entries);
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toContain(says);
  });

  it("cuts a long detail at a word boundary with an ellipsis, never mid-word", () => {
    const detail = `${"reload the nginx workers ".repeat(40)}tail`;
    const text = allText(renderAuditView([{ ...audit[0]!, detail }]));
    const last = /(\S+)… \(\w+\)/.exec(text)?.[1];
    expect(["reload", "the", "nginx", "workers"]).toContain(last);
  });

  it("fits 5,000 entries and counts the rest", () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({
      ...audit[0]!,
      id: `a${i}`,
      at: i,
      detail: `ps nginx ${i}`,
    }));
    const view = renderAuditView(many);
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toMatch(/Showing the newest \d+ of 5,000 entries/);
    expect(allText(view)).toContain("ps nginx 4999");
  });
});
