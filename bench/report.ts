/** What every bench module reports, and the small statistics they share. */

/** One bench module's result: human-readable lines, with ratios against a baseline measured in the same run. */
export type BenchReport = { name: string; lines: string[] };

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
