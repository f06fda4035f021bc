/**
 * `/pns ports` bench: on the real runtime (runc, else crun), what pns's ports read costs — the ports script and a
 * listing without CPU samples in one running debug container, plus the pod read and the Services list — against
 * `kubectl exec … cat /proc/net/tcp tcp6 udp udp6` in the same container, which gives the tables only (no holders, no
 * containers, no spec). API requests, bytes of output and time, median of ROUNDS, in the same run. Skipped with the
 * reason where no real runtime can run. Also the log capture after a signal (readContainerLogs: the pod read, then
 * `pods/log` with sinceTime, timestamps and limitBytes) against `kubectl logs --since-time --timestamps --limit-bytes`
 * of the same container and window, after a HUP to nginx's master: API requests, reply bytes and time.
 * Run alone: `npx tsx bench/ports.ts`.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { EVIDENCE_LOG_BYTES } from "../src/app/signal-evidence.js";
import { DEFAULT_DEBUG } from "../src/core/config/defaults.js";
import { PORTS_SCRIPT } from "../src/core/process/debug-scripts.js";
import { COLLECT_SCRIPT, collectArgs, scriptArgv } from "../src/core/process/scripts.js";
import { buildClusterClients, type ClusterClients } from "../src/kube/clusters.js";
import { createKubeDebugger, locationOf } from "../src/kube/pod-debugger.js";
import { execInContainer } from "../src/kube/pod-exec.js";
import { readContainerLogs, sinceTimeParam } from "../src/kube/pod-logs.js";
import { type RuntimeName, type Simulator, startSimulator, unavailableReason } from "../src/local/sim/index.js";
import { type BenchFigure, type BenchReport, median } from "./report.js";

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
    const logs = await measureLogCapture(sim, clients, kubectl);
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
        ...logFigures(real, logs),
      ],
      lines: [
        `runtime ${real}, median of ${ROUNDS}, a running pns debug container in the task page's nginx pod`,
        `time: pns ports (ports script + listing + pod + Services) ${pt.toFixed(1)} ms | kubectl exec cat /proc/net/{tcp,tcp6,udp,udp6} ${kt.toFixed(1)} ms | ×${(pt / kt).toFixed(2)}`,
        `API requests: pns ${requests.pns} | kubectl ${requests.kubectl}`,
        `bytes of output: pns ${portsBytes + listBytes} (ports ${portsBytes} + listing ${listBytes}) | kubectl ${catBytes} (the tables only: no holders, containers or Services)`,
        `log capture after a HUP (${logs.lines} lines since ${logs.since}): pns readContainerLogs ${logs.pns.requests} requests, ${logs.pns.bytes} bytes, ${logs.pns.ms.toFixed(1)} ms | kubectl logs --since-time ${logs.kubectl.requests} requests, ${logs.kubectl.bytes} bytes, ${logs.kubectl.ms.toFixed(1)} ms`,
        `  pns: ${logs.pns.routes.join(", ")} | kubectl: ${logs.kubectl.routes.join(", ")}`,
      ],
    };
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

type LogCost = { ms: number; requests: number; bytes: number; routes: string[] };
type LogBench = { since: string; lines: number; pns: LogCost; kubectl: LogCost };

/**
 * After a HUP to nginx's master (reload notices in its log), the log window since just before it, read ROUNDS times
 * each way: pns's readContainerLogs (as the worker reads it after a signal) and `kubectl logs --since-time`.
 */
async function measureLogCapture(
  sim: Simulator,
  clients: ClusterClients,
  kubectl: (...args: string[]) => Promise<{ stdout: string }>,
): Promise<LogBench> {
  const since = new Date(Date.now() - 1000).toISOString();
  const master = sim.state.processes("default", "nginx", "nginx").find((p) => p.args[0]?.startsWith("nginx: master"));
  if (!master) throw new Error("no nginx master");
  sim.state.kill("default", "nginx", master.pid, "HUP");
  const request = { namespace: "default", pod: "nginx", container: "nginx", since, limitBytes: EVIDENCE_LOG_BYTES };
  const kubectlLogs = () =>
    kubectl(
      "logs",
      "nginx",
      "-c",
      "nginx",
      `--since-time=${sinceTimeParam(since)}`,
      "--timestamps",
      `--limit-bytes=${EVIDENCE_LOG_BYTES}`,
    );
  // The reload notices reach the log a moment after the signal.
  const end = Date.now() + 10_000;
  while (!/reconfiguring|signal 1 \(SIGHUP\)/.test((await readContainerLogs(clients, request)).current)) {
    if (Date.now() > end) throw new Error("nginx logged no reload after HUP");
    await new Promise((r) => setTimeout(r, 50));
  }
  // The request log counts whole replies only (a log is streamed, recorded as 0): each way adds the log it received.
  const measure = async (work: () => Promise<number>): Promise<LogCost> => {
    const from = sim.requests.entries.length;
    const t = performance.now();
    const logBytes = await work();
    const ms = performance.now() - t;
    const entries = sim.requests.entries.slice(from);
    return {
      ms,
      requests: entries.length,
      bytes: logBytes + entries.reduce((n, e) => n + e.bytes, 0),
      routes: entries.map((e) => e.route),
    };
  };
  await kubectlLogs();
  const pns: LogCost[] = [];
  const baseline: LogCost[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    pns.push(await measure(async () => (await readContainerLogs(clients, request)).bytes));
    baseline.push(await measure(async () => Buffer.byteLength((await kubectlLogs()).stdout)));
  }
  const pick = (xs: LogCost[]): LogCost => ({
    ms: median(xs.map((x) => x.ms)),
    requests: median(xs.map((x) => x.requests)),
    bytes: median(xs.map((x) => x.bytes)),
    routes: xs.at(-1)?.routes ?? [],
  });
  const lines = (await readContainerLogs(clients, request)).current.split("\n").filter((l) => l.length > 0).length;
  return { since, lines, pns: pick(pns), kubectl: pick(baseline) };
}

function logFigures(real: string, logs: LogBench): BenchFigure[] {
  const baseline = "kubectl logs --since-time --timestamps --limit-bytes";
  const measure = `log capture after a signal (readContainerLogs) on ${real}`;
  return [
    { measure: `${measure}: wall time`, value: logs.pns.ms, unit: "ms", baseline, baselineValue: logs.kubectl.ms },
    {
      measure: `${measure}: API requests`,
      value: logs.pns.requests,
      unit: "requests",
      baseline,
      baselineValue: logs.kubectl.requests,
    },
    {
      measure: `${measure}: bytes received (the pod read, which tells a restart, and the log)`,
      value: logs.pns.bytes,
      unit: "bytes",
      baseline,
      baselineValue: logs.kubectl.bytes,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const report = await run();
  console.log(`# ${report.name}\n${report.lines.join("\n")}`);
}
