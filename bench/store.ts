/**
 * Store bench: the approval round trip (get → decide → conditional transition), claims, and 200 concurrent approvals,
 * on the embedded store and on DynamoDB (dynalite in-process). Baseline: the embedded store in the same run.
 * Run alone with `npx tsx bench/store.ts`.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import type { Stores } from "../src/app/ports/stores.js";
import { decide } from "../src/core/approval/state-machine.js";
import { createDynamoStores } from "../src/store/dynamo/stores.js";
import { createEmbeddedStores } from "../src/store/embedded.js";
import { startLocalDynamo } from "../test/store/local-dynamo.js";
import { aSignalRequest } from "../test/store/request-builder.js";

import type { BenchReport } from "./report.js";

type Figures = { approveMs: Percentiles; claimMs: Percentiles; raceMs: number; raceWinners: number };
type Percentiles = { p50: number; p95: number; perSecond: number };

const ROUNDS = 300;
/** Concurrent approvals of one request, each by another user: exactly one may win. */
const RACERS = 200;

async function measure(stores: Stores): Promise<Figures> {
  const now = Date.now();
  const approve: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const request = aSignalRequest({ id: randomUUID(), now });
    await stores.requests.create(request);
    const t = performance.now();
    const read = await stores.requests.get(request.id);
    const next = decide(read!, { action: "approve", user: "U0BENCH", userGroups: [], now });
    if (!next.ok) throw new Error(next.message);
    const written = await stores.requests.transition(request.id, read!, next.request);
    approve.push(performance.now() - t);
    if (!written.ok) throw new Error("bench: an uncontended approval lost its race");
  }
  const claim: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await stores.claims.claim(`bench:${randomUUID()}`, 60_000);
    claim.push(performance.now() - t);
  }
  const request = aSignalRequest({ id: randomUUID(), now });
  await stores.requests.create(request);
  const t = performance.now();
  const results = await Promise.all(
    Array.from({ length: RACERS }, async (_, i) => {
      const read = await stores.requests.get(request.id);
      const next = decide(read!, { action: "approve", user: `U0BENCH${i}`, userGroups: [], now });
      return next.ok && (await stores.requests.transition(request.id, read!, next.request)).ok;
    }),
  );
  const raceMs = performance.now() - t;
  return {
    approveMs: percentiles(approve),
    claimMs: percentiles(claim),
    raceMs,
    raceWinners: results.filter(Boolean).length,
  };
}

/** Fails the bench when a race had other than one winner: a figure of a broken store means nothing. */
function checkOneWinner(label: string, f: Figures): void {
  if (f.raceWinners !== 1) throw new Error(`${label}: ${f.raceWinners} of ${RACERS} concurrent approvals won, not 1`);
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const total = samples.reduce((a, b) => a + b, 0);
  return { p50: at(0.5), p95: at(0.95), perSecond: total > 0 ? (samples.length / total) * 1000 : 0 };
}

/** Measures both stores and reports DynamoDB (dynalite) against the embedded baseline. */
export async function run(): Promise<BenchReport> {
  const embedded = await measure(createEmbeddedStores());
  const dynamo = await startLocalDynamo();
  let remote: Figures;
  try {
    await dynamo.createTable("pns-bench");
    remote = await measure(createDynamoStores({ tableName: "pns-bench", client: dynamo.client }));
  } finally {
    await dynamo.close();
  }
  checkOneWinner("embedded", embedded);
  checkOneWinner("dynalite", remote);
  const ms = (n: number) => `${n < 1 ? n.toFixed(3) : n.toFixed(1)} ms`;
  const row = (label: string, f: Figures) => [
    `${label}: approve round trip p50 ${ms(f.approveMs.p50)}, p95 ${ms(f.approveMs.p95)} (${Math.round(f.approveMs.perSecond)}/s sequential)`,
    `${label}: claim p50 ${ms(f.claimMs.p50)}, p95 ${ms(f.claimMs.p95)}`,
    `${label}: ${RACERS} concurrent approvals in ${ms(f.raceMs)}, winners ${f.raceWinners} (must be 1)`,
  ];
  return {
    name: "store",
    lines: [
      `${ROUNDS} rounds each; baseline = embedded store, same run`,
      ...row("embedded", embedded),
      ...row("dynalite", remote),
      `dynalite / embedded: approve p50 ×${(remote.approveMs.p50 / embedded.approveMs.p50).toFixed(0)}, ` +
        `claim p50 ×${(remote.claimMs.p50 / embedded.claimMs.p50).toFixed(0)}, ` +
        `${RACERS}-way race ×${(remote.raceMs / embedded.raceMs).toFixed(0)}`,
    ],
    figures: [
      {
        measure: "approval round trip (get → decide → conditional write), p50, DynamoDB (dynalite)",
        value: remote.approveMs.p50,
        unit: "ms",
        baseline: "the embedded store",
        baselineValue: embedded.approveMs.p50,
      },
      {
        measure: `${RACERS} concurrent approvals of one request, DynamoDB (dynalite); winners ${remote.raceWinners}`,
        value: remote.raceMs,
        unit: "ms",
        baseline: `the embedded store (winners ${embedded.raceWinners})`,
        baselineValue: embedded.raceMs,
      },
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const report = await run();
  console.log(`# ${report.name}\n${report.lines.join("\n")}`);
}
