/**
 * `/pns ps` end to end: a signed slash command sent by the fake Slack to pns's dev server, until the process table is
 * in the fake Slack (the ephemeral message to the requester), on the emulated runtime and on runc and crun where they
 * run here — for a reused debug container, a new ephemeral container and a debug copy (`--copy`). Baseline, same
 * simulator, same run: real kubectl (temp --cache-dir, warmed) doing the same with `kubectl debug` + `kubectl wait` +
 * `kubectl exec` of the same collector. Wall time and API requests (the simulator's request log), median of ROUNDS;
 * a new container and a copy each get a fresh two-container pod per round (else pns would reuse its container), and
 * the start of those pods is the pod start figure (each real runtime against the emulated one).
 * Run alone: `npm run bench -- ps-end-to-end --no-write`.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { COLLECT_SCRIPT, collectArgs, SCRIPT_NAME } from "../src/core/process/scripts.js";
import { opsChannel, slackClient, slackUsers } from "../src/local/fake-slack/client.js";
import type { FakeMessage } from "../src/local/fake-slack/workspace.js";
import { type OciRuntimeName, type RuntimeName, unavailableReason } from "../src/local/sim/index.js";
import { DEMO_CONFIG_PATH, type LocalStack, startLocalStack } from "../src/local/stack.js";
import { TASK_POD } from "./real.js";
import { type BenchFigure, type BenchReport, median } from "./report.js";

const run$ = promisify(execFile);
const ROUNDS = 3;
const NS = "default";
const IMAGE = "busybox:1.36";
const { alice } = slackUsers;

type Sample = { ms: number; requests: number; routes: string[] };
type Case = "reused debug container" | "new ephemeral container" | "debug copy";
type RuntimeResult = {
  runtime: RuntimeName;
  cases: { label: Case; pns: Sample[]; kubectl: Sample[] }[];
  podStartMs: number;
};

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Creates the two-container pod `name` and returns the time until both containers run. */
async function startPod(stack: LocalStack, name: string): Promise<number> {
  const t = performance.now();
  stack.sim.state.createPod(NS, { metadata: { name, labels: { app: "bench" } }, ...TASK_POD });
  await until(`pod ${name}`, () =>
    ["nginx", "shell"].every((c) => stack.sim.state.containerStatus(NS, name, c)?.state?.running !== undefined),
  );
  return performance.now() - t;
}

async function measureRuntime(runtime: RuntimeName): Promise<RuntimeResult> {
  const stack = await startLocalStack({ configPath: DEMO_CONFIG_PATH, sim: { runtime, podStartDelayMs: 0 } });
  const dir = mkdtempSync(join(tmpdir(), "pns-bench-ps-end-to-end-"));
  try {
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, stack.sim.kubeconfig);
    const kubectl = (...args: string[]) =>
      run$("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], {
        maxBuffer: 64 * 1024 * 1024,
      });
    const ws = stack.slack.workspace;
    const client = slackClient(stack.slack);
    const isTable = (m: FakeMessage) => JSON.stringify(m.blocks ?? []).includes("Processes in");
    const measure = async (work: () => Promise<unknown>): Promise<Sample> => {
      const from = stack.sim.requests.entries.length;
      const t = performance.now();
      await work();
      const ms = performance.now() - t;
      // Everything the command cost, also what pns does after posting (recording the session).
      await stack.app.idle();
      const entries = stack.sim.requests.entries.slice(from);
      return { ms, requests: entries.length, routes: entries.map((e) => e.route) };
    };
    /** Slash command → table: the clock stops when the table is in the fake Slack. */
    const pnsPs = (text: string) =>
      measure(async () => {
        const seen = new Set(ws.ephemeralsFor(opsChannel.id, alice.id).map((m) => m.ts));
        const res = await client.send(client.slashCommand({ user: alice.id, channel: opsChannel.id, text }));
        if (res.status !== 200) throw new Error(`/pns ${text} answered ${res.status}: ${res.body}`);
        const shown = () => ws.ephemeralsFor(opsChannel.id, alice.id).filter((m) => !seen.has(m.ts));
        await until(`the table of /pns ${text}`, () => shown().some(isTable), 30_000).catch((err: Error) => {
          throw new Error(`${err.message}; pns said: ${JSON.stringify(shown().map((m) => m.text))}`);
        });
      });
    const collect = (pod: string, container: string) =>
      kubectl("exec", pod, "-n", NS, "-c", container, "--", "sh", "-c", COLLECT_SCRIPT, SCRIPT_NAME, ...collectArgs());
    const waitRunning = (pod: string, statuses: string, container: string) =>
      kubectl(
        "wait",
        `pod/${pod}`,
        "-n",
        NS,
        `--for=jsonpath={.status.${statuses}[?(@.name=="${container}")].state.running}`,
        "--timeout=60s",
      );
    const debugContainerOf = (pod: string): string => {
      const found = (stack.sim.state.pod(NS, pod) as { spec?: { ephemeralContainers?: { name: string }[] } }).spec
        ?.ephemeralContainers?.[0]?.name;
      if (!found) throw new Error(`no pns debug container in ${pod}`);
      return found;
    };

    await until(
      "the nginx pod",
      () => stack.sim.state.containerStatus(NS, "nginx", "shell")?.state?.running !== undefined,
    );
    // Warm both: kubectl's discovery cache; pns's Bolt app, TLS connection and modules, and its debug container.
    await kubectl("get", "pods", "-n", NS);
    await pnsPs("ps nginx");
    const reusedContainer = debugContainerOf("nginx");
    await collect("nginx", reusedContainer);

    const starts: number[] = [];
    const reused = { label: "reused debug container" as const, pns: [] as Sample[], kubectl: [] as Sample[] };
    const fresh = { label: "new ephemeral container" as const, pns: [] as Sample[], kubectl: [] as Sample[] };
    const copy = { label: "debug copy" as const, pns: [] as Sample[], kubectl: [] as Sample[] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const name of [`pe-${i}`, `ke-${i}`, `pc-${i}`, `kc-${i}`]) starts.push(await startPod(stack, name));

      reused.pns.push(await pnsPs("ps nginx"));
      reused.kubectl.push(await measure(() => collect("nginx", reusedContainer)));

      fresh.pns.push(await pnsPs(`ps pe-${i}`));
      fresh.kubectl.push(
        await measure(async () => {
          const pod = `ke-${i}`;
          await kubectl(
            "debug",
            pod,
            "-n",
            NS,
            `--image=${IMAGE}`,
            "--container=kdebug",
            "--target=nginx",
            "--profile=general",
            "--",
            "sleep",
            "3600",
          );
          await waitRunning(pod, "ephemeralContainerStatuses", "kdebug");
          await collect(pod, "kdebug");
        }),
      );

      copy.pns.push(await pnsPs(`ps pc-${i} --copy`));
      copy.kubectl.push(
        await measure(async () => {
          const pod = `kc-${i}-copy`;
          await kubectl(
            "debug",
            `kc-${i}`,
            "-n",
            NS,
            `--copy-to=${pod}`,
            "--share-processes",
            `--image=${IMAGE}`,
            "--container=dbg",
            "--profile=general",
            "--",
            "sleep",
            "3600",
          );
          await waitRunning(pod, "containerStatuses", "dbg");
          await collect(pod, "dbg");
        }),
      );
    }
    return { runtime, cases: [reused, fresh, copy], podStartMs: median(starts) };
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchReport> {
  const real = (["runc", "crun"] as OciRuntimeName[]).filter((r) => unavailableReason(r) === null);
  const left = (["runc", "crun"] as OciRuntimeName[]).filter((r) => !real.includes(r));
  const results: RuntimeResult[] = [];
  for (const runtime of ["emulated" as const, ...real]) results.push(await measureRuntime(runtime));

  const figures: BenchFigure[] = [];
  const lines = [
    `slash command → table in the fake Slack, median of ${ROUNDS}; baseline = kubectl (debug + wait + exec of the same collector, temp --cache-dir, warmed) on the same simulator, same run; pod start delay 0`,
    ...left.map((r) => `${r}: skipped (${unavailableReason(r)})`),
  ];
  const emulated = results[0]!;
  for (const r of results) {
    for (const c of r.cases) {
      const pt = median(c.pns.map((s) => s.ms));
      const kt = median(c.kubectl.map((s) => s.ms));
      const pr = median(c.pns.map((s) => s.requests));
      const kr = median(c.kubectl.map((s) => s.requests));
      const baseline = c.label.startsWith("reused") ? "kubectl exec" : "kubectl debug + wait + exec";
      figures.push(
        {
          measure: `\`/pns ps\` end to end (slash command → table posted), ${c.label}, ${r.runtime}: wall time`,
          value: pt,
          unit: "ms",
          baseline,
          baselineValue: kt,
          goal: { ratio: 1 },
        },
        {
          measure: `\`/pns ps\` end to end, ${c.label}, ${r.runtime}: API requests`,
          value: pr,
          unit: "requests",
          baseline,
          baselineValue: kr,
          goal: { ratio: 1 },
        },
      );
      lines.push(
        `${r.runtime}, ${c.label}: pns ${pr} requests, ${pt.toFixed(1)} ms | kubectl ${kr} requests, ${kt.toFixed(1)} ms | requests ×${(pr / kr).toFixed(2)}, time ×${(pt / kt).toFixed(2)} (goal ≤ 1.00 both)`,
        `  pns: ${c.pns.at(-1)?.routes.join(", ")}`,
        `  kubectl: ${c.kubectl.at(-1)?.routes.join(", ")}`,
      );
    }
    if (r.runtime !== "emulated") {
      figures.push({
        measure: `pod start (nginx + busybox, shared PID namespace, to both running) on ${r.runtime}`,
        value: r.podStartMs,
        unit: "ms",
        baseline: "the same pod on the emulated runtime",
        baselineValue: emulated.podStartMs,
      });
    }
    lines.push(
      `${r.runtime}: pod start (two containers, to both running), median of ${4 * ROUNDS}: ${r.podStartMs.toFixed(1)} ms`,
    );
  }
  // The emulated runtime runs anywhere: a machine without a real one still has figures, and says why it has no more.
  return { name: "ps-end-to-end", lines, figures };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const report = await run();
  console.log(`# ${report.name}\n${report.lines.join("\n")}`);
  process.exit(0);
}
