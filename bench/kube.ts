/**
 * Kubernetes adapter bench: API requests (from the simulator's request log) and wall time of one `ps` — a reused
 * debug container, a new ephemeral container, a pod copy — through pns's PodDebugger, against real `kubectl debug` +
 * `kubectl wait` + `kubectl exec` doing the same on the same simulator in the same run (kubectl with a temp
 * --cache-dir, warmed once). Run alone with `npx tsx bench/kube.ts`.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { CopyLedger } from "../src/app/ports/cluster.js";
import { DEFAULT_DEBUG } from "../src/core/config/defaults.js";
import type { DebugConfig } from "../src/core/config/types.js";
import { COLLECT_SCRIPT, SCRIPT_NAME } from "../src/core/process/scripts.js";
import { buildClusterClients, type ClusterClients } from "../src/kube/clusters.js";
import { createKubeDebugger, locationOf } from "../src/kube/pod-debugger.js";
import { startSimulator } from "../src/local/sim/index.js";

import { type BenchFigure, type BenchReport, median } from "./report.js";

const run$ = promisify(execFile);
const ROUNDS = 5;
const POD_START_DELAY_MS = 100;

const debugConfig: DebugConfig = { ...DEFAULT_DEBUG };

type Sample = { requests: number; ms: number; routes: string[] };
type Scenario = { label: string; pns: Sample[]; kubectl: Sample[] };

export async function run(): Promise<BenchReport> {
  const sim = await startSimulator({ port: 0, scenario: "seed", podStartDelayMs: POD_START_DELAY_MS });
  const dir = mkdtempSync(join(tmpdir(), "pns-bench-kube-"));
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, sim.kubeconfig);
  const kubectl = (...args: string[]) =>
    run$("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], {
      maxBuffer: 64 * 1024 * 1024,
    });
  const access = { kind: "kubeconfig", path: kubeconfig, context: null } as const;
  const clients: ClusterClients = await buildClusterClients(access);
  let ids = 0;
  const pns = (image: string, own: ClusterClients = clients) =>
    createKubeDebugger(
      { name: "sim", access, debug: { ...debugConfig, image } },
      { clients: own, shortId: () => `b${String(++ids).padStart(4, "0")}` },
    );
  const measure = async (work: () => Promise<unknown>): Promise<Sample> => {
    const from = sim.requests.entries.length;
    const t = performance.now();
    await work();
    const entries = sim.requests.entries.slice(from);
    return { ms: performance.now() - t, requests: entries.length, routes: entries.map((e) => e.route) };
  };
  const collect = (ns: string, pod: string, container: string) =>
    kubectl("exec", pod, "-n", ns, "-c", container, "--", "sh", "-c", COLLECT_SCRIPT, SCRIPT_NAME);
  const waitRunning = (ns: string, pod: string, statuses: string, container: string) =>
    kubectl(
      "wait",
      `pod/${pod}`,
      "-n",
      ns,
      `--for=jsonpath={.status.${statuses}[?(@.name=="${container}")].state.running}`,
      "--timeout=30s",
    );
  // The copies pns records making (the app keeps them in its sessions store): a copy is reused by its recorded UID.
  const uids = new Map<string, string>();
  const copyLedger = (ns: string): CopyLedger => ({
    recordedUid: async (name) => uids.get(`${ns}/${name}`) ?? null,
    beforeCreate: async () => undefined,
    record: async (copy) => void uids.set(`${ns}/${copy.name}`, copy.uid),
    forget: async (copy) => void uids.delete(`${ns}/${copy.name}`),
  });
  /** Deletes pns's copy and waits until it is gone, forgetting its UID as pns's cleanup does. */
  const removeCopy = async (ns: string, name: string) => {
    await clients.core.deleteNamespacedPod({ name, namespace: ns, gracePeriodSeconds: 0 });
    uids.delete(`${ns}/${name}`);
    for (let i = 0; i < 300; i++) {
      const left = await clients.core.listNamespacedPod({ namespace: ns, fieldSelector: `metadata.name=${name}` });
      if (left.items.length === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`copy ${ns}/${name} was not deleted`);
  };
  const pnsPs = async (ns: string, pod: string, image: string, strategy: "copy" | null = null, cold = false) => {
    // Cold: a new KubeConfig and TLS connection, as in a Lambda's first invocation (module load not counted).
    const d = pns(image, cold ? await buildClusterClients(access) : clients);
    const target = await d.resolveTarget(ns, { kind: "pod", name: pod });
    const a = await d.attach(target, { requestedBy: "bench", strategy, copies: copyLedger(ns) });
    const { listing } = await d.listProcesses(locationOf(ns, a));
    if (listing.processes.length === 0) throw new Error("empty listing");
    return a;
  };

  try {
    // Warm both: kubectl's discovery cache, pns's TLS connection and modules.
    await kubectl("get", "pods", "-n", "default");
    const reused = await pnsPs("default", "nginx", debugConfig.image);
    await collect("default", "nginx", reused.container);

    const scenarios: Scenario[] = [];
    const webPod = (await pns(debugConfig.image).resolveTarget("shop", { kind: "deployment", name: "web" })).pod.name;
    const billingPod = (await pns(debugConfig.image).resolveTarget("shop", { kind: "deployment", name: "billing" })).pod
      .name;

    const reuse: Scenario = { label: "reused debug container", pns: [], kubectl: [] };
    const cold: Scenario = { label: "reused debug container, cold pns client", pns: [], kubectl: [] };
    const fresh: Scenario = { label: "new ephemeral container", pns: [], kubectl: [] };
    const copy: Scenario = { label: "pod copy", pns: [], kubectl: [] };
    for (let i = 0; i < ROUNDS; i++) {
      reuse.pns.push(await measure(() => pnsPs("default", "nginx", debugConfig.image)));
      reuse.kubectl.push(await measure(() => collect("default", "nginx", reused.container)));
      cold.pns.push(await measure(() => pnsPs("default", "nginx", debugConfig.image, null, true)));
      cold.kubectl.push(await measure(() => collect("default", "nginx", reused.container)));

      // A new image per round, so pns cannot reuse the container of the round before (kubectl never reuses).
      const image = `busybox:1.36.${i}`;
      fresh.pns.push(await measure(() => pnsPs("shop", webPod, image)));
      fresh.kubectl.push(
        await measure(async () => {
          const name = `kdebug-${i}`;
          await kubectl(
            "debug",
            webPod,
            "-n",
            "shop",
            `--image=${image}`,
            `--container=${name}`,
            "--target=web",
            "--profile=general",
            "--",
            "sleep",
            "3600",
          );
          await waitRunning("shop", webPod, "ephemeralContainerStatuses", name);
          await collect("shop", webPod, name);
        }),
      );

      // A new copy each round, as kubectl's `--copy-to` of a new name makes: pns's copy of the round before is
      // removed first, untimed (pns would otherwise replace it, its image having changed: a DELETE and the wait for it).
      let made: Awaited<ReturnType<typeof pnsPs>> | undefined;
      copy.pns.push(
        await measure(async () => {
          made = await pnsPs("shop", billingPod, image, "copy");
        }),
      );
      if (made) await removeCopy("shop", locationOf("shop", made).pod);
      copy.kubectl.push(
        await measure(async () => {
          const name = `${billingPod}-k${i}`;
          await kubectl(
            "debug",
            billingPod,
            "-n",
            "shop",
            `--copy-to=${name}`,
            "--share-processes",
            `--image=${image}`,
            "--container=dbg",
            "--profile=general",
            "--",
            "sleep",
            "3600",
          );
          await waitRunning("shop", name, "containerStatuses", "dbg");
          await collect("shop", name, "dbg");
        }),
      );
    }
    scenarios.push(reuse, cold, fresh, copy);

    const figures: BenchFigure[] = [];
    const lines = [
      `one \`ps\` each, median of ${ROUNDS}; baseline = kubectl (debug + wait + exec, temp --cache-dir, warmed) on the same simulator, same run; pod start delay ${POD_START_DELAY_MS} ms`,
    ];
    for (const s of scenarios) {
      const pr = median(s.pns.map((x) => x.requests));
      const kr = median(s.kubectl.map((x) => x.requests));
      const pt = median(s.pns.map((x) => x.ms));
      const kt = median(s.kubectl.map((x) => x.ms));
      lines.push(
        `${s.label}: pns ${pr} requests, ${pt.toFixed(1)} ms | kubectl ${kr} requests, ${kt.toFixed(1)} ms | ` +
          `requests ×${(pr / kr).toFixed(2)}, time ×${(pt / kt).toFixed(2)} (goal ≤ 1.00 both)`,
      );
      const baseline = "kubectl debug + wait + exec";
      figures.push(
        {
          measure: `one \`ps\` (PodDebugger: resolve, attach, list), ${s.label}, emulated runtime: wall time`,
          value: pt,
          unit: "ms",
          baseline: s.label.startsWith("reused") ? "kubectl exec" : baseline,
          baselineValue: kt,
          goal: { ratio: 1 },
        },
        {
          measure: `one \`ps\`, ${s.label}, emulated runtime: API requests`,
          value: pr,
          unit: "requests",
          baseline: s.label.startsWith("reused") ? "kubectl exec" : baseline,
          baselineValue: kr,
          goal: { ratio: 1 },
        },
      );
      const routes = (xs: Sample[]) => xs.at(-1)?.routes.join(", ") ?? "";
      lines.push(`  pns: ${routes(s.pns)}`, `  kubectl: ${routes(s.kubectl)}`);
    }
    return { name: "kube", lines, figures };
  } finally {
    await sim.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const report = await run();
  console.log(`# ${report.name}\n${report.lines.join("\n")}`);
}
