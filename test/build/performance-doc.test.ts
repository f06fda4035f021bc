import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BENCH_MODULES,
  type BenchFigure,
  PERFORMANCE_ROW,
  performanceDoc,
  performanceHeader,
  performanceRow,
} from "../../bench/report.js";

const DOC = new URL("../../docs/PERFORMANCE.md", import.meta.url);

const figure = fc.record({
  measure: fc.string({ minLength: 1, maxLength: 80 }).filter((s) => s.trim().length > 0),
  value: fc.integer({ min: 0, max: 10_000_000_000 }).map((n) => n / 1000),
  unit: fc.constantFrom("ms", "KB", "MB", "requests", "bytes"),
  baseline: fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0),
  baselineValue: fc.integer({ min: 0, max: 10_000_000_000 }).map((n) => n / 1000),
  goal: fc.option(
    fc.oneof(fc.record({ ratio: fc.constantFrom(1, 1.1, 3) }), fc.record({ value: fc.constantFrom(50, 128) })),
    { nil: undefined },
  ),
}) as fc.Arbitrary<BenchFigure>;

/** The table rows of a performance document: the lines after the header and separator, up to the first blank. */
function tableOf(doc: string): { header: string[]; rows: string[] } {
  const lines = doc.split("\n");
  const at = lines.indexOf(performanceHeader()[0]!);
  if (at < 0) return { header: [], rows: [] };
  const end = lines.indexOf("", at);
  return { header: lines.slice(at, at + 2), rows: lines.slice(at + 2, end < 0 ? undefined : end) };
}

describe("the performance table", () => {
  it("writes every figure as one row of the documented format", () => {
    fc.assert(
      fc.property(fc.constantFrom(...BENCH_MODULES), figure, (module, f) => {
        expect(performanceRow(module, f)).toMatch(PERFORMANCE_ROW);
      }),
    );
  });

  it("shows the ratio against the same run's baseline and whether the goal was met", () => {
    const row = performanceRow("process", {
      measure: "10000 processes",
      value: 90,
      unit: "ms",
      baseline: "JSON.parse",
      baselineValue: 30,
      goal: { ratio: 3 },
    });
    expect(row).toBe("| process | 10000 processes | 90 ms | JSON.parse: 30 ms | ×3.00 | ≤ ×3 | yes |");
    const missed = performanceRow("process", {
      measure: "peak RSS | once",
      value: 130,
      unit: "MB",
      baseline: "input",
      baselineValue: 100,
      goal: { value: 128 },
    });
    expect(missed).toBe("| process | peak RSS \\| once | 130 MB | input: 100 MB | ×1.30 | ≤ 128 MB | **no** |");
  });

  it("shows a ratio measured pair by pair as it was measured, and judges the goal by it", () => {
    // The two medians give ×2.90; the pairs, run side by side, gave ×3.20: the table shows, and judges, the pairs'.
    const row = performanceRow("process", {
      measure: "10000 processes",
      value: 87,
      unit: "ms",
      baseline: "JSON.parse",
      baselineValue: 30,
      pairedRatio: 3.2,
      goal: { ratio: 3 },
    });
    expect(row).toBe("| process | 10000 processes | 87 ms | JSON.parse: 30 ms | ×3.20 | ≤ ×3 | **no** |");
  });

  it("a written document names its command, the machine's load and every missed goal", () => {
    const doc = performanceDoc(
      [
        {
          module: "store",
          report: {
            name: "store",
            lines: [],
            figures: [
              { measure: "race", value: 20, unit: "ms", baseline: "embedded", baselineValue: 2, goal: { ratio: 5 } },
            ],
          },
        },
      ],
      {
        command: "npm run bench",
        date: "2026-12-01",
        loadAverage: [1.5, 1, 0.5],
        cores: 2,
        cpu: "test CPU",
        node: "20.0.0",
        failed: ["real"],
      },
    );
    expect(doc).toContain("Written by `npm run bench` on 2026-12-01");
    expect(doc).toContain("load average 1.50, 1.00, 0.50");
    expect(doc).toContain("Goals missed in this run: store: race.");
    expect(doc).toContain("Modules that failed to run (no figures): real.");
    expect(tableOf(doc).rows).toHaveLength(1);
  });
});

describe("docs/PERFORMANCE.md", () => {
  const doc = readFileSync(DOC, "utf8");
  const { header, rows } = tableOf(doc);

  it("is the table `npm run bench` writes", () => {
    expect(doc).toMatch(/^# Performance\n\nWritten by `npm run bench/);
    expect(header).toEqual(performanceHeader());
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatch(PERFORMANCE_ROW);
  });

  it("has figures from every bench module that ran, and names the ones that did not", () => {
    const modules = new Set(rows.map((r) => r.split(" | ")[0]!.slice(2)));
    const failed = /Modules that failed to run \(no figures\): (.+)\.$/m.exec(doc)?.[1]?.split(", ") ?? [];
    const skipped = [...doc.matchAll(/^Module skipped on this machine: ([a-z-]+) \(/gm)].map((m) => m[1]);
    for (const m of BENCH_MODULES) {
      expect(modules.has(m) || failed.includes(m) || skipped.includes(m), `module ${m}`).toBe(true);
    }
  });
});
