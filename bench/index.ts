/**
 * `npm run bench`: runs every bench module in sequence, prints each report under its name, then a summary. A module
 * that fails (or cannot even be loaded) prints its error and the others still run; the exit code is then 1.
 * `npm run bench -- slack kube` runs only the modules named.
 */
import { performance } from "node:perf_hooks";
import { type BenchReport, formatReport } from "./report.js";

/** The bench modules, in the order they run: each exports `run(): Promise<BenchReport>`. */
const MODULES = ["process", "store", "kube", "janitor", "real", "slack"] as const;

type Outcome = { module: string; ms: number } & ({ ok: true; report: BenchReport } | { ok: false; error: string });

/** Imports and runs one bench module; never throws. */
async function runModule(module: string): Promise<Outcome> {
  const t0 = performance.now();
  try {
    const loaded = (await import(`./${module}.js`)) as { run?: () => Promise<BenchReport> };
    if (typeof loaded.run !== "function") throw new Error(`bench/${module}.ts does not export run()`);
    const report = await loaded.run();
    return { module, ms: performance.now() - t0, ok: true, report };
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return { module, ms: performance.now() - t0, ok: false, error };
  }
}

const chosen = process.argv.slice(2);
const outcomes: Outcome[] = [];
for (const module of chosen.length > 0 ? chosen : MODULES) {
  const outcome = await runModule(module);
  outcomes.push(outcome);
  console.log(outcome.ok ? formatReport(outcome.report) : `# ${module}\nFAILED: ${outcome.error}`);
  console.log();
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log("# summary");
for (const o of outcomes) console.log(`${o.ok ? "ok    " : "FAILED"} ${o.module} (${seconds(o.ms)})`);
const failed = outcomes.filter((o) => !o.ok).length;
console.log(
  `${outcomes.length - failed}/${outcomes.length} bench modules ran in ${seconds(outcomes.reduce((t, o) => t + o.ms, 0))}`,
);
// Modules may leave timers or sockets behind; the run is over either way.
process.exit(failed > 0 ? 1 : 0);
