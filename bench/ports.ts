/**
 * `/pns ports` bench: on the real runtime (runc, else crun), what pns's ports read costs — the ports script and a
 * listing without CPU samples in one running debug container, plus the pod read and the Services list — against
 * `kubectl exec … cat /proc/net/tcp tcp6 udp udp6` in the same container, which gives the tables only (no holders, no
 * containers, no spec). API requests, bytes of output and time, median of ROUNDS, in the same run. Skipped with the
 * reason where no real runtime can run. Run alone: `npx tsx bench/ports.ts`.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { DEFAULT_DEBUG } from "../src/core/config/defaults.js";
import { PORTS_SCRIPT } from "../src/core/process/debug-scripts.js";
import { COLLECT_SCRIPT, collectArgs, scriptArgv } from "../src/core/process/scripts.js";
import { buildClusterClients } from "../src/kube/clusters.js";
import { createKubeDebugger, locationOf } from "../src/kube/pod-debugger.js";
import { execInContainer } from "../src/kube/pod-exec.js";
import { type RuntimeName, startSimulator, unavailableReason } from "../src/local/sim/index.js";
import { type BenchReport, median } from "./report.js";

const run$ = promisify(execFile);
const ROUNDS = 7;

export async function run(): Promise<BenchReport> {
  const real = (["runc", "crun"] as const).find((r) => unavailableReason(r) === null);
  if (!real) {
    const reason = unavailableReason("runc") ?? "no real runtime";
    return { name: "ports", lines: [`skipped: ${reason}`], figures: [], skipped: reason };
  }
  const sim = await startSimulator({ scenario: "seed", podStartDelayMs: 0, runtime: real as RuntimeName });
  const dir = mkdtempSync(join(tmpdir(), "pns-bench-ports-"));
  try {
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(kubeconfig, sim.kubeconfig);
    const kubectl = (...args: string[]) =>
      run$("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], {
        maxBuffer: 64 * 1024 * 1024,
      });
    const access = { kind: "kubeconfig", path: kubeconfig, context: null } as const;
    const clients = await buildClusterClients(access);
    const d = createKubeDebugger(
      { name: "sim", access, debug: { ...DEFAULT_DEBUG, image: "busybox:1.36" } },
      { clients },
    );
    const end = Date.now() + 60_000;
    while (!sim.state.containerStatus("default", "nginx", "shell")?.state?.running) {
      if (Date.now() > end)
        throw new Error(
          `the nginx pod did not start: ${JSON.stringify(sim.state.containerStatus("default", "nginx", "shell"))}`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
    const location = locationOf(
      "default",
      await d.attach(await d.resolveTarget("default", { kind: "pod", name: "nginx" }), { requestedBy: "bench" }),
    );
    const pnsPorts = async () => {
      const [taken, ports] = await Promise.all([
        d.listProcesses(location, { cpuSampleSeconds: 0 }),
        d.listPorts(location, "nginx"),
      ]);
      if (!ports.output.complete || taken.listing.processes.length === 0) throw new Error("incomplete ports read");
    };
    const kubectlCat = () =>
      kubectl(
        "exec",
        "nginx",
        "-c",
        location.container,
        "--",
        "cat",
        ...["tcp", "tcp6", "udp", "udp6"].map((t) => `/proc/net/${t}`),
      );
    // Warm both: kubectl's discovery cache, pns's TLS connection and modules.
    await kubectl("get", "pods");
    await pnsPorts();
    await kubectlCat();
    const pns: number[] = [];
    const baseline: number[] = [];
    const requests = { pns: 0, kubectl: 0 };
    for (let i = 0; i < ROUNDS; i++) {
      let from = sim.requests.entries.length;
      let t = performance.now();
      await pnsPorts();
      pns.push(performance.now() - t);
      requests.pns = sim.requests.entries.length - from;
      from = sim.requests.entries.length;
      t = performance.now();
      await kubectlCat();
      baseline.push(performance.now() - t);
      requests.kubectl = sim.requests.entries.length - from;
    }
    // Bytes of output: what each way brings back from the container.
    const limits = { timeoutMs: 10_000, maxBytes: 8 * 1024 * 1024 };
    const portsBytes = (await execInContainer(clients.kc, location, scriptArgv(PORTS_SCRIPT), limits)).stdout.length;
    const listBytes = (await execInContainer(clients.kc, location, scriptArgv(COLLECT_SCRIPT, collectArgs(0)), limits))
      .stdout.length;
    const catBytes = Buffer.byteLength((await kubectlCat()).stdout);
    const pt = median(pns);
    const kt = median(baseline);
    const kubectlWay = "kubectl exec cat /proc/net/{tcp,tcp6,udp,udp6}";
    return {
      name: "ports",
      figures: [
        {
          measure: `\`/pns ports\` on ${real}: wall time`,
          value: pt,
          unit: "ms",
          baseline: kubectlWay,
          baselineValue: kt,
        },
        {
          measure: `\`/pns ports\` on ${real}: API requests`,
          value: requests.pns,
          unit: "requests",
          baseline: kubectlWay,
          baselineValue: requests.kubectl,
        },
        {
          measure: `\`/pns ports\` on ${real}: bytes from the container (ports and the listing that attributes them)`,
          value: portsBytes + listBytes,
          unit: "bytes",
          baseline: kubectlWay,
          baselineValue: catBytes,
        },
      ],
      lines: [
        `runtime ${real}, median of ${ROUNDS}, a running pns debug container in the task page's nginx pod`,
        `time: pns ports (ports script + listing + pod + Services) ${pt.toFixed(1)} ms | kubectl exec cat /proc/net/{tcp,tcp6,udp,udp6} ${kt.toFixed(1)} ms | ×${(pt / kt).toFixed(2)}`,
        `API requests: pns ${requests.pns} | kubectl ${requests.kubectl}`,
        `bytes of output: pns ${portsBytes + listBytes} (ports ${portsBytes} + listing ${listBytes}) | kubectl ${catBytes} (the tables only: no holders, containers or Services)`,
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
