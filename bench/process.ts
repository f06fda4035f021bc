/**
 * Process listing pipeline: collector output for 10,000 processes → parse → attribute → redact → rows, against
 * baselines measured in the same run (JSON.parse of the same processes as a JSON array; a plain line split). The
 * pipeline and JSON.parse run in 40 pairs, side by side; the ratio is the median of the pairs' CPU ratios.
 * Goal: ≤ 3× the JSON.parse baseline. Also the peak RSS of a fresh worker-like process doing it once (goal ≤ 128 MB),
 * beside the same process doing only the JSON.parse. The rows must hash to a reference (checkRows). Every figure is
 * taken in a plain node (this file bundled) started with the flags Lambda starts the worker with (lambda-node.ts): the
 * heap the worker has, not node's defaults. Run alone: `npx tsx bench/process.ts`.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { attributeContainers } from "../src/core/process/attribute.js";
import { parseCollectorOutput } from "../src/core/process/parse-collector.js";
import { toRows } from "../src/core/process/rows.js";
import type { ProcessRow } from "../src/core/process/types.js";
import { withoutCollector } from "../src/core/process/without-collector.js";
import { createRedactor } from "../src/core/redact/redactor.js";

import { functionMemoryMb, lambdaNodeArgs } from "./lambda-node.js";
import { collectorOutput, POD } from "./process-input.js";
import { type BenchReport, median } from "./report.js";

const PROCESSES = 10_000;
const RUNS = 40;
const RATIO_GOAL = 3;
const RSS_GOAL_MB = 128;

// Each timed run starts from a collected heap, as one listing per Lambda invocation does, instead of paying for the
// garbage of the runs before it; baselines are measured the same way.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** Wall time and CPU time (user + system, all threads) in ms of one run of `fn`, from a collected heap. */
function once(fn: () => unknown): { wall: number; cpu: number } {
  collectGarbage();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/** Median wall time and median CPU time of `fn` in ms, after 3 warm-up runs. */
function measure(fn: () => unknown): { wall: number; cpu: number } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 3; i++) fn();
  for (let i = 0; i < RUNS; i++) {
    const m = once(fn);
    wall.push(m.wall);
    cpu.push(m.cpu);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

/** What {@link measurePair} gives: each side's medians, and the median of the per-pair CPU ratios. */
interface Paired {
  subject: { wall: number; cpu: number };
  baseline: { wall: number; cpu: number };
  /** Median over the pairs of subject CPU ÷ baseline CPU. */
  ratio: number;
}

/**
 * `subject` and `baseline` measured in pairs, one right after the other, the order swapped from pair to pair
 * (ABBA); the ratio is the median of the pairs' ratios. On a shared machine the host's speed drifts over seconds:
 * two blocks of runs measured one after the other see different machines, two runs side by side the same one.
 */
function measurePair(subject: () => unknown, baseline: () => unknown): Paired {
  for (let i = 0; i < 3; i++) {
    subject();
    baseline();
  }
  const s: { wall: number; cpu: number }[] = [];
  const b: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      s.push(once(subject));
      b.push(once(baseline));
    } else {
      b.push(once(baseline));
      s.push(once(subject));
    }
  }
  const medians = (xs: { wall: number; cpu: number }[]) => ({
    wall: median(xs.map((x) => x.wall)),
    cpu: median(xs.map((x) => x.cpu)),
  });
  return { subject: medians(s), baseline: medians(b), ratio: median(s.map((x, i) => x.cpu / b[i]!.cpu)) };
}

/** This file bundled for plain node into a temporary directory; the caller removes the directory. */
async function bundleSelf(): Promise<{ file: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "pns-bench-process-"));
  const file = join(dir, "process.mjs");
  // Imported here, and left out of the bundle: the bundled child never builds anything.
  const { build } = await import("esbuild");
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: file,
    logLevel: "error",
    external: ["esbuild"],
    // yaml (lambda-node.ts) is CommonJS and requires node's modules: give the ES module bundle a require.
    banner: { js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);' },
  });
  return { file, dir };
}

/** The pipeline of one listing, as the worker runs it. */
function pipelineOf(text: string, redactor = createRedactor(["(?i)corp-[0-9a-f]{8}"])): ProcessRow[] {
  return toRows(
    withoutCollector(attributeContainers(parseCollectorOutput(text, { maxProcesses: PROCESSES }), POD)),
    redactor,
  );
}

/**
 * sha256 of the rows (as JSON) this input gave before any optimisation of the pipeline: a faster pipeline must still
 * give exactly these rows, so one that drops work (a redaction, a hash, a field) fails the bench instead of winning it.
 */
const REFERENCE_ROWS_SHA256 = "68c66a352b3f3f8e73fb0aca0edc1a1a740e86dc26991998415578405b342a21";

/** Throws unless `rows` are the reference rows. */
function checkRows(rows: readonly ProcessRow[]): void {
  const digest = createHash("sha256").update(JSON.stringify(rows)).digest("hex");
  if (digest !== REFERENCE_ROWS_SHA256) {
    throw new Error(`the pipeline's rows changed: sha256 ${digest}, expected ${REFERENCE_ROWS_SHA256}`);
  }
}

/** Wall and CPU time in ms. */
type Timing = { wall: number; cpu: number };

/** What the timed child measures and prints as JSON. */
interface Timed {
  textBytes: number;
  jsonBytes: number;
  rows: number;
  pipeline: Timing;
  jsonParse: Timing;
  /** Median of the pairs' CPU ratios, pipeline ÷ JSON.parse. */
  ratio: number;
  parseOnly: Timing;
  split: Timing;
}

/** The timed part, in this process: the pipeline beside JSON.parse in pairs, then parse alone and a line split. */
function timed(): Timed {
  const text = collectorOutput(PROCESSES);
  const redactor = createRedactor(["(?i)corp-[0-9a-f]{8}"]);
  const options = { maxProcesses: PROCESSES };
  const json = JSON.stringify(parseCollectorOutput(text, options).processes);
  let last: ProcessRow[] = [];
  const paired = measurePair(
    () => {
      last = pipelineOf(text, redactor);
    },
    () => JSON.parse(json),
  );
  // The rows of the last timed run, checked outside the timing.
  checkRows(last);
  return {
    textBytes: text.length,
    jsonBytes: json.length,
    rows: last.length,
    pipeline: paired.subject,
    jsonParse: paired.baseline,
    ratio: paired.ratio,
    parseOnly: measure(() => parseCollectorOutput(text, options)),
    split: measure(() => text.split("\n").length),
  };
}

/**
 * Runs `node <Lambda's flags for the worker> <bundle> <args>` (see lambda-node.ts) with no NODE_OPTIONS and returns its
 * stdout: every figure is taken in a plain node started as Lambda starts the worker, with the worker's heap.
 */
async function asWorker(bundled: string, args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...lambdaNodeArgs(functionMemoryMb("worker")), bundled, ...args],
    { env: { ...process.env, NODE_OPTIONS: "" }, maxBuffer: 1 << 20 },
  );
  return stdout;
}

/** Runs the benchmark and reports medians and ratios. */
export async function run(): Promise<BenchReport> {
  const self = await bundleSelf();
  let t: Timed;
  let rssPipeline: number;
  let rssJson: number;
  try {
    t = JSON.parse(await asWorker(self.file, ["--timed"])) as Timed;
    const rss = async (what: "pipeline" | "input") =>
      Number((await asWorker(self.file, ["--rss", what])).trim()) / 1024;
    [rssPipeline, rssJson] = [await rss("pipeline"), await rss("input")];
  } finally {
    rmSync(self.dir, { recursive: true, force: true });
  }
  const { pipeline, jsonParse, ratio } = t;
  // CPU time, not wall time: on a shared machine other processes stretch the wall clock of both unevenly.
  const verdict = ratio <= RATIO_GOAL ? "meets" : "MISSES";
  const memory = functionMemoryMb("worker");
  const ms = (m: Timing) => `${m.wall.toFixed(1)} ms (CPU ${m.cpu.toFixed(1)} ms)`;
  const jsonBaseline = "JSON.parse of the same processes";
  return {
    name: "process listing",
    figures: [
      {
        measure: `${PROCESSES} processes: parse → attribute → redact → rows, CPU time (median of ${RUNS}, each run beside one of the baseline; ratio: median of the pairs)`,
        value: pipeline.cpu,
        unit: "ms",
        baseline: jsonBaseline,
        baselineValue: jsonParse.cpu,
        pairedRatio: ratio,
        goal: { ratio: RATIO_GOAL },
      },
      {
        measure: `peak RSS of a fresh process listing ${PROCESSES} processes once`,
        value: rssPipeline,
        unit: "MB",
        baseline: "a fresh process that only builds the collector output",
        baselineValue: rssJson,
        goal: { value: RSS_GOAL_MB },
      },
    ],
    lines: [
      `in a plain node started as Lambda starts the ${memory} MB worker: ${lambdaNodeArgs(memory).join(" ")}`,
      `${PROCESSES} processes (${(t.textBytes / 1e6).toFixed(1)} MB of collector output) → ${t.rows} rows (sha256 as the reference), median of ${RUNS} runs (the pipeline and JSON.parse in pairs), load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
      `parse → attribute → redact → rows: ${ms(pipeline)} — CPU ×${ratio.toFixed(2)} JSON.parse's (median of the pairs), ${verdict} the ≤ ${RATIO_GOAL}× goal`,
      `  of which parse: ${ms(t.parseOnly)}`,
      `baseline JSON.parse of the same processes (${(t.jsonBytes / 1e6).toFixed(1)} MB): ${ms(jsonParse)} → pipeline is ${(pipeline.wall / jsonParse.wall).toFixed(2)}× JSON.parse`,
      `baseline line split of the output: ${ms(t.split)} → pipeline is ${(pipeline.wall / t.split.wall).toFixed(1)}× a split`,
      `peak RSS of a fresh process doing it once: ${rssPipeline.toFixed(1)} MB (goal ≤ ${RSS_GOAL_MB} MB) | the same process building the input only: ${rssJson.toFixed(1)} MB`,
    ],
  };
}

if (process.argv[2] === "--timed") {
  console.log(JSON.stringify(timed()));
} else if (process.argv[2] === "--rss") {
  // One listing in a fresh process, as a worker invocation does; prints the peak RSS in KB, read before the rows are
  // checked (the check's JSON is no part of a listing).
  const text = collectorOutput(PROCESSES);
  const rows = process.argv[3] === "input" ? null : pipelineOf(text);
  const maxRss = process.resourceUsage().maxRSS;
  if (rows !== null) checkRows(rows);
  console.log(maxRss);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const report = await run();
  console.log(`# ${report.name}\n${report.lines.join("\n")}`);
}
