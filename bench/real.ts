/**
 * Real-runtime bench: on pods run by runc (else crun), the start of the task page's two-container pod against the same
 * pod on the emulated runtime, and one `ps` through pns's PodDebugger (a new ephemeral container, then the listing)
 * against `kubectl debug` + `kubectl wait` + `kubectl exec` doing the same on the same runtime, in the same run.
 * Skipped, with the reason, where no real runtime can run (not root, runc missing). Run alone: `npx tsx bench/real.ts`.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { DEFAULT_DEBUG } from "../src/core/config/defaults.js";
import { COLLECT_SCRIPT, SCRIPT_NAME } from "../src/core/process/scripts.js";
import { buildClusterClients } from "../src/kube/clusters.js";
import { createKubeDebugger, locationOf } from "../src/kube/pod-debugger.js";
import { type RuntimeName, type Simulator, startSimulator, unavailableReason } from "../src/local/sim/index.js";
import { type BenchReport, median } from "./report.js";

const run$ = promisify(execFile);
const ROUNDS = 5;

/** The task page's pod: nginx and a busybox shell sharing a PID namespace (also ps-end-to-end's). */
export const TASK_POD = {
  spec: {
    shareProcessNamespace: true,
    terminationGracePeriodSeconds: 0,
    containers: [
      { name: "nginx", image: "nginx" },
      { name: "shell", image: "busybox:1.28", stdin: true, tty: true },
    ],
  },
};

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Median wall time from creating the two-container pod to both containers running. */
async function podStart(sim: Simulator): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const name = `start-${i}`;
    const t = performance.now();
    sim.state.createPod("default", { metadata: { name }, ...TASK_POD });
    await until(() =>
      ["nginx", "shell"].every((c) => sim.state.containerStatus("default", name, c)?.state?.running !== undefined),
    );
    ms.push(performance.now() - t);
    sim.state.deletePod("default", name);
  }
  return median(ms);
}

export async function run(): Promise<BenchReport> {
  const real = (["runc", "crun"] as const).find((r) => unavailableReason(r) === null);
  if (!real) {
    const reason = unavailableReason("runc") ?? "no real runtime";
    return { name: "real", lines: [`skipped: ${reason}`], figures: [], skipped: reason };
  }
  const emulated = await startSimulator({ scenario: "empty", podStartDelayMs: 0, runtime: "emulated" });
  let emulatedStart: number;
  try {
    emulatedStart = await podStart(emulated);
  } finally {
    await emulated.close();
  }
  const sim = await startSimulator({ scenario: "seed", podStartDelayMs: 0, runtime: real as RuntimeName });
  const dir = mkdtempSync(join(tmpdir(), "pns-bench-real-"));
  try {
    const realStart = await podStart(sim);
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, sim.kubeconfig);
    const kubectl = (...args: string[]) =>
      run$("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], {
        maxBuffer: 64 * 1024 * 1024,
      });
    const access = { kind: "kubeconfig", path: kubeconfig, context: null } as const;
    const clients = await buildClusterClients(access);
    let ids = 0;
    const pnsPs = async (image: string) => {
      const d = createKubeDebugger(
        { name: "sim", access, debug: { ...DEFAULT_DEBUG, image } },
        { clients, shortId: () => `r${String(++ids).padStart(4, "0")}` },
      );
      const target = await d.resolveTarget("default", { kind: "pod", name: "nginx" });
      const a = await d.attach(target, { requestedBy: "bench", strategy: null });
      const { listing } = await d.listProcesses(locationOf("default", a));
      if (listing.processes.length === 0) throw new Error("empty listing");
    };
    const kubectlPs = async (image: string, name: string) => {
      await kubectl(
        "debug",
        "nginx",
        `--image=${image}`,
        `--container=${name}`,
        "--profile=general",
        "--",
        "sleep",
        "3600",
      );
      await kubectl(
        "wait",
        "pod/nginx",
        `--for=jsonpath={.status.ephemeralContainerStatuses[?(@.name=="${name}")].state.running}`,
        "--timeout=30s",
      );
      await kubectl("exec", "nginx", "-c", name, "--", "sh", "-c", COLLECT_SCRIPT, SCRIPT_NAME);
    };
    await until(() => sim.state.containerStatus("default", "nginx", "shell")?.state?.running !== undefined);
    // Warm both: kubectl's discovery cache, pns's TLS connection and modules.
    await kubectl("get", "pods");
    await pnsPs("busybox:1.36.w");
    const pns: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // A new image per round, so pns cannot reuse the container of the round before (kubectl never reuses).
      let t = performance.now();
      await pnsPs(`busybox:1.36.${i}`);
      pns.push(performance.now() - t);
      t = performance.now();
      await kubectlPs(`busybox:1.36.${i}`, `kdebug-${i}`);
      baseline.push(performance.now() - t);
    }
    const pt = median(pns);
    const kt = median(baseline);
    return {
      name: "real",
      figures: [
        {
          measure: `pod start (nginx + busybox, shared PID namespace) on ${real}`,
          value: realStart,
          unit: "ms",
          baseline: "the same pod on the emulated runtime",
          baselineValue: emulatedStart,
        },
        {
          measure: `one \`ps\` (PodDebugger) with a new ephemeral container on ${real}: wall time`,
          value: pt,
          unit: "ms",
          baseline: "kubectl debug + wait + exec",
          baselineValue: kt,
          goal: { ratio: 1 },
        },
      ],
      lines: [
        `runtime ${real}, median of ${ROUNDS}, pod start delay 0`,
        `pod start (nginx + busybox, shared PID namespace, to both running): ${real} ${realStart.toFixed(1)} ms | emulated ${emulatedStart.toFixed(1)} ms | ×${(realStart / emulatedStart).toFixed(1)} the emulated runtime`,
        `one \`ps\` with a new ephemeral container: pns ${pt.toFixed(1)} ms | kubectl debug + wait + exec ${kt.toFixed(1)} ms | time ×${(pt / kt).toFixed(2)} (goal ≤ 1.00)`,
      ],
    };
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const report = await run();
  console.log(`# ${report.name}\n${report.lines.join("\n")}`);
}
