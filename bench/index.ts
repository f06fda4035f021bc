/**
 * `npm run bench`: runs every bench module in sequence, prints each report under its name, then a summary. A module
 * that fails (or cannot even be loaded) prints its error and the others still run; the exit code is then 1.
 * `npm run bench -- slack kube` runs only the modules named. A run of every module writes docs/PERFORMANCE.md (the
 * table of every figure beside its baseline); `--no-write` leaves it alone, `--write` writes it for a partial run too.
 */
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { type BenchReport, formatReport, BENCH_MODULES as MODULES, performanceDoc } from "./report.js";

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

const argv = process.argv.slice(2);
const chosen = argv.filter((a) => !a.startsWith("--"));
const unknown = chosen.filter((m) => !(MODULES as readonly string[]).includes(m));
if (unknown.length > 0) {
  console.error(`unknown bench module ${unknown.join(", ")}: the modules are ${MODULES.join(", ")}`);
  process.exit(2);
}
const write = argv.includes("--write") || (chosen.length === 0 && !argv.includes("--no-write"));
const load = loadavg();
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
if (write) {
  const doc = performanceDoc(
    outcomes.flatMap((o) => (o.ok ? [{ module: o.module, report: o.report }] : [])),
    {
      command: chosen.length === 0 ? "npm run bench" : `npm run bench -- --write ${chosen.join(" ")}`,
      date: new Date().toISOString().slice(0, 10),
      loadAverage: load,
      cores: availableParallelism(),
      cpu: cpus()[0]?.model.trim() ?? "unknown CPU",
      node: process.versions.node,
      failed: outcomes.filter((o) => !o.ok).map((o) => o.module),
    },
  );
  const file = fileURLToPath(new URL("../docs/PERFORMANCE.md", import.meta.url));
  writeFileSync(file, doc);
  console.log(`wrote ${file}`);
}
// Modules may leave timers or sockets behind; the run is over either way.
process.exit(failed > 0 ? 1 : 0);
