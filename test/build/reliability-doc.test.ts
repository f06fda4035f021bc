import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RELIABILITY_CHECKS } from "../reliability/checks.js";
import { RELIABILITY_HEADER, RELIABILITY_ROW, reliabilityDoc } from "../reliability/report.js";

const DOC = new URL("../../docs/RELIABILITY.md", import.meta.url);

function tableOf(doc: string): { header: string[]; rows: string[] } {
  const lines = doc.split("\n");
  const at = lines.indexOf(RELIABILITY_HEADER[0]!);
  const end = lines.indexOf("", at);
  return { header: lines.slice(at, at + 2), rows: lines.slice(at + 2, end) };
}

describe("the reliability table", () => {
  it("lists every check, passed with its figure or plainly not passed", () => {
    const doc = reliabilityDoc([{ id: "fuzz", figure: "10 payloads | 0 5xx", numbers: {} }], {
      command: "npm run test:reliability",
      date: "2026-12-01",
    });
    const { header, rows } = tableOf(doc);
    expect(header).toEqual(RELIABILITY_HEADER);
    expect(rows).toHaveLength(Object.keys(RELIABILITY_CHECKS).length);
    for (const row of rows) expect(row).toMatch(RELIABILITY_ROW);
    expect(rows.filter((r) => r.includes("| passed |"))).toEqual([expect.stringContaining("10 payloads \\| 0 5xx")]);
    expect(doc).toContain("Checks that did not pass in this run: exactly-once-embedded");
  });
});

describe("docs/RELIABILITY.md", () => {
  it("is the table `npm run test:reliability` writes, with a row per check", () => {
    const doc = readFileSync(DOC, "utf8");
    expect(doc).toMatch(/^# Reliability\n\nWritten by `npm run test:reliability`/);
    const { header, rows } = tableOf(doc);
    expect(header).toEqual(RELIABILITY_HEADER);
    expect(rows).toHaveLength(Object.keys(RELIABILITY_CHECKS).length);
    for (const row of rows) expect(row).toMatch(RELIABILITY_ROW);
    for (const { check } of Object.values(RELIABILITY_CHECKS)) expect(doc).toContain(check);
  });
});
