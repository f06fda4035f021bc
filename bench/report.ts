/** What every bench module reports, the small statistics they share, and the table `npm run bench` writes. */

/** The bench modules, in the order `npm run bench` runs them: each `bench/<name>.ts` exports `run(): Promise<BenchReport>`. */
export const BENCH_MODULES = [
  "process",
  "store",
  "kube",
  "janitor",
  "real",
  "ps-end-to-end",
  "ports",
  "slack",
] as const;

/**
 * One measured figure beside the baseline measured in the same run. The ratio (value ÷ baseline) is what holds on a
 * noisy machine; the absolute value is reported too.
 */
export type BenchFigure = {
  /** What was measured, in words: "`/pns ps`, new ephemeral container (emulated)". */
  measure: string;
  /** pns's figure. */
  value: number;
  /** The unit of value and baseline: "ms", "KB", "MB", "requests", "bytes". */
  unit: string;
  /** What the baseline is: "kubectl debug + wait + exec", "JSON.parse of the same processes". */
  baseline: string;
  /** The baseline's figure, same unit, same run. */
  baselineValue: number;
  /**
   * The ratio when it was measured pair by pair (the median of each pair's ratio, pns and baseline run side by side)
   * rather than as value ÷ baseline of the two medians.
   */
  pairedRatio?: number;
  /** The goal as a bound on the ratio (value ÷ baseline ≤ goal.ratio), or on the value itself; none when reported only. */
  goal?: { ratio: number } | { value: number };
};

/** One bench module's result: human-readable lines, and the figures that go into docs/PERFORMANCE.md. */
export type BenchReport = { name: string; lines: string[]; figures?: BenchFigure[]; skipped?: string };

/** The q-quantile (0..1) of samples by nearest rank; NaN when there are none. */
export function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

/** The median of samples (nearest rank); NaN when there are none. */
export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/** Prints a report the way `npm run bench` does: its name as a heading, then its lines. */
export function formatReport(report: BenchReport): string {
  return `# ${report.name}\n${report.lines.join("\n")}`;
}

/** The paired ratio when there is one, else value ÷ baseline; NaN when the baseline is zero or unknown. */
export function ratioOf(f: BenchFigure): number {
  if (f.pairedRatio !== undefined) return f.pairedRatio;
  return f.baselineValue > 0 ? f.value / f.baselineValue : Number.NaN;
}

/** Whether a figure meets its goal; null when it has none. */
export function meetsGoal(f: BenchFigure): boolean | null {
  if (!f.goal) return null;
  return "ratio" in f.goal ? ratioOf(f) <= f.goal.ratio : f.value <= f.goal.value;
}

/** The columns of the performance table, in order. */
export const PERFORMANCE_COLUMNS = ["Module", "Measure", "pns", "Baseline", "Ratio", "Goal", "Met"] as const;

const number = (n: number): string =>
  !Number.isFinite(n)
    ? "n/a"
    : Math.abs(n) >= 100 || Number.isInteger(n)
      ? String(Math.round(n))
      : Math.abs(n) >= 1
        ? n.toFixed(1)
        : n.toFixed(3);

/**
 * A ratio's text: two decimals, or two significant digits below ×0.1 so a small ratio (the janitor's bytes against
 * a list of every pod) does not read ×0.00.
 */
export function ratioText(r: number): string {
  if (!Number.isFinite(r)) return "n/a";
  if (r >= 0.1 || r <= 0) return r.toFixed(2);
  return r.toFixed(Math.min(8, 1 - Math.floor(Math.log10(r))));
}

/** A cell's text: pipes escaped so a measure's words cannot split the row. */
const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** One row of the performance table for a figure of a module. */
export function performanceRow(module: string, f: BenchFigure): string {
  const goal = !f.goal ? "—" : "ratio" in f.goal ? `≤ ×${f.goal.ratio}` : `≤ ${number(f.goal.value)} ${f.unit}`;
  const met = meetsGoal(f);
  const cells = [
    module,
    f.measure,
    `${number(f.value)} ${f.unit}`,
    `${f.baseline}: ${number(f.baselineValue)} ${f.unit}`,
    `×${ratioText(ratioOf(f))}`,
    goal,
    met === null ? "—" : met ? "yes" : "**no**",
  ];
  return `| ${cells.map(cell).join(" | ")} |`;
}

/** The header and separator lines of the performance table. */
export function performanceHeader(): string[] {
  return [`| ${PERFORMANCE_COLUMNS.join(" | ")} |`, `|${PERFORMANCE_COLUMNS.map(() => "---").join("|")}|`];
}

/**
 * A row of the performance table as {@link performanceRow} writes it: seven cells, the pns cell a number and a unit,
 * the baseline cell `<what>: <number> <unit>`, the ratio `×<number>` (two to eight decimals, or `×n/a`), met `yes`, `**no**` or `—`.
 */
export const PERFORMANCE_ROW =
  /^\| [a-z][a-z-]* \| .+? \| (?:\d+(?:\.\d|\.\d{3})?|n\/a) \S+ \| .+?: (?:\d+(?:\.\d|\.\d{3})?|n\/a) \S+ \| ×(?:\d+\.\d{2,8}|n\/a) \| (?:—|≤ .+?) \| (?:yes|\*\*no\*\*|—) \|$/;

/** How the run was made, printed above the table. */
export type BenchRunInfo = {
  command: string;
  date: string;
  loadAverage: readonly number[];
  cores: number;
  node: string;
  cpu: string;
  failed: readonly string[];
};

/** docs/PERFORMANCE.md: how it was measured, then one table with every figure beside its same-run baseline. */
export function performanceDoc(
  reports: readonly { module: string; report: BenchReport }[],
  info: BenchRunInfo,
): string {
  const rows = reports.flatMap(({ module, report }) => (report.figures ?? []).map((f) => performanceRow(module, f)));
  const missed = reports.flatMap(({ module, report }) =>
    (report.figures ?? []).filter((f) => meetsGoal(f) === false).map((f) => `${module}: ${f.measure}`),
  );
  const load = info.loadAverage.map((l) => l.toFixed(2)).join(", ");
  return [
    "# Performance",
    "",
    `Written by \`${info.command}\` on ${info.date}; do not edit by hand. Every figure stands beside a baseline measured`,
    "in the same run on the same machine, and the ratio between them is the figure to compare across runs: the",
    "machine is shared and noisy, absolute times are not. What each module measures, and how, is in the comment at",
    "the top of its file in `bench/`; `npm run bench -- <module>` runs one and prints more detail than this table.",
    "",
    `Machine: ${info.cores} cores (${info.cpu}), Node ${info.node}, load average ${load} (1, 5, 15 min) when the run began.`,
    "",
    ...performanceHeader(),
    ...rows,
    "",
    missed.length === 0 ? "Every goal was met in this run." : `Goals missed in this run: ${missed.join("; ")}.`,
    ...(info.failed.length > 0 ? ["", `Modules that failed to run (no figures): ${info.failed.join(", ")}.`] : []),
    ...reports.flatMap(({ module, report }) =>
      report.skipped === undefined ? [] : ["", `Module skipped on this machine: ${module} (${report.skipped}).`],
    ),
    "",
  ].join("\n");
}
