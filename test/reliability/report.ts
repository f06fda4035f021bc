import { type CheckId, type CheckRecord, RELIABILITY_CHECKS } from "./checks.js";

/** The columns of the reliability table. */
export const RELIABILITY_HEADER = ["| Area | Check | Result | Figure |", "|---|---|---|---|"];

/** A row of the reliability table: four cells, the result `passed` or `**did not pass**`. */
export const RELIABILITY_ROW = /^\| [A-Z][A-Za-z ]+ \| .+? \| (?:passed|\*\*did not pass\*\*) \| .+ \|$/;

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** docs/RELIABILITY.md from the records of one run: every check, passed with its figure or not. */
export function reliabilityDoc(records: readonly CheckRecord[], info: { command: string; date: string }): string {
  const byId = new Map<CheckId, CheckRecord[]>();
  for (const r of records) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
  const ids = Object.keys(RELIABILITY_CHECKS) as CheckId[];
  const rows = ids.map((id) => {
    const { area, check } = RELIABILITY_CHECKS[id];
    const got = byId.get(id) ?? [];
    const figure = got.length === 0 ? "no record: the test failed or did not run" : got.map((r) => r.figure).join("; ");
    return `| ${cell(area)} | ${cell(check)} | ${got.length > 0 ? "passed" : "**did not pass**"} | ${cell(figure)} |`;
  });
  const failed = ids.filter((id) => !byId.has(id));
  return [
    "# Reliability",
    "",
    `Written by \`${info.command}\` on ${info.date}; do not edit by hand. Each row is a test in \`test/reliability/\``,
    "that drives pns through its real protocols (signed Slack requests, the Kubernetes API of the simulator, DynamoDB",
    "on dynalite, real processes) and records its figure only after its assertions passed.",
    "",
    ...RELIABILITY_HEADER,
    ...rows,
    "",
    failed.length === 0
      ? "Every check passed in this run."
      : `Checks that did not pass in this run: ${failed.join(", ")}.`,
    "",
  ].join("\n");
}
