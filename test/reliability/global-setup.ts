import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import type { CheckRecord } from "./checks.js";
import { reliabilityDoc } from "./report.js";

/**
 * Gives the reliability tests a directory for their records, and after the run writes docs/RELIABILITY.md from them
 * when `PNS_RELIABILITY_WRITE=1` (as `npm run test:reliability` sets it: a run of one file would drop the others' rows).
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "pns-reliability-"));
  project.provide("reliabilityDir", dir);
  return () => {
    let records: CheckRecord[] = [];
    try {
      records = readFileSync(join(dir, "records.jsonl"), "utf8")
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as CheckRecord);
    } catch {
      // No test recorded anything: every check is reported as not passed.
    }
    rmSync(dir, { recursive: true, force: true });
    if (process.env.PNS_RELIABILITY_WRITE !== "1") return;
    const file = fileURLToPath(new URL("../../docs/RELIABILITY.md", import.meta.url));
    writeFileSync(
      file,
      reliabilityDoc(records, { command: "npm run test:reliability", date: new Date().toISOString().slice(0, 10) }),
    );
    process.stdout.write(`wrote ${file}\n`);
  };
}
