/**
 * Janitor bench: the Kubernetes API requests and reply bytes of one janitor run (from the simulator's request log) on
 * a cluster of 50 pods and on one of 5,000, each with the same 3 pns copies and 1 ephemeral debug container, beside
 * the baseline of listing every pod once on the large cluster. The run must cost what pns's own objects cost, whatever
 * the cluster holds. Run alone with `npx tsx bench/janitor.ts`.
 */
import { fileURLToPath, pathToFileURL } from "node:url";
import { opsChannel, slackClient, slackUsers } from "../src/local/fake-slack/client.js";
import { startLocalStack } from "../src/local/stack.js";
import type { BenchReport } from "./report.js";

/** The namespaces of the demo's #ops binding, where the foreign pods go (plus one namespace pns is not bound to). */
const NAMESPACES = ["default", "shop", "ops", "locked", "elsewhere"];

/** What one janitor run asked of the API server. */
export interface JanitorCost {
  pods: number;
  requests: number;
  bytes: number;
  /** `<route> <path>` of each request, in order. */
  routes: string[];
  /** Bytes of one unselected list of every pod in the cluster, in the same cluster: the cost pns avoids. */
  listAllBytes: number;
}

/**
 * Starts the demo's stack, fills the cluster with `foreignPods` pods that are not pns's, makes 3 debug copies and one
 * ephemeral debug container through `/pns ps`, and measures one janitor run.
 */
export async function measureJanitor(foreignPods: number): Promise<JanitorCost> {
  const stack = await startLocalStack({
    configPath: fileURLToPath(new URL("../src/local/demo.config.yaml", import.meta.url)),
    sim: { podStartDelayMs: 0 },
  });
  try {
    const { state } = stack.sim;
    state.addNamespace("elsewhere");
    for (let i = 0; i < foreignPods; i++) {
      state.createPod(NAMESPACES[i % NAMESPACES.length]!, {
        metadata: { name: `app-${String(i).padStart(5, "0")}`, labels: { app: "foreign" } },
        spec: { containers: [{ name: "app", image: "busybox:1.36" }] },
      });
    }
    const client = slackClient(stack.slack);
    for (const text of [
      "ps deploy/web -n shop --copy",
      "ps deploy/billing -n shop --copy",
      "ps nginx --copy",
      "ps nginx",
    ]) {
      const res = await client.send(client.slashCommand({ user: slackUsers.alice.id, channel: opsChannel.id, text }));
      await stack.app.idle();
      if (res.status !== 200) throw new Error(`/pns ${text} answered ${res.status}`);
    }
    const copies = state.pods().filter((p) => p.metadata?.labels?.["app.kubernetes.io/managed-by"] === "pns").length;
    if (copies !== 3) throw new Error(`expected 3 pns copies, found ${copies}`);
    const from = stack.sim.requests.entries.length;
    const report = await stack.app.janitor();
    const entries = stack.sim.requests.entries.slice(from);
    if (report.failures > 0) throw new Error(`the janitor failed ${report.failures} times`);
    const listAll = await fetchAllPods(stack.sim.url, stack.sim.token);
    return {
      pods: state.pods().length,
      requests: entries.length,
      bytes: entries.reduce((n, e) => n + e.bytes, 0),
      routes: entries.map((e) => `${e.route} ${e.path}`),
      listAllBytes: listAll,
    };
  } finally {
    await stack.close();
  }
}

/** Bytes of `GET /api/v1/pods` without a selector (the simulator's certificate is self-signed). */
async function fetchAllPods(url: string, token: string): Promise<number> {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/v1/pods`,
      { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false },
      (res) => {
        let n = 0;
        res.on("data", (c: Buffer) => {
          n += c.length;
        });
        res.on("end", () => resolve(n));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

export async function run(): Promise<BenchReport> {
  const small = await measureJanitor(50);
  const large = await measureJanitor(5_000);
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  const line = (c: JanitorCost) => `${c.pods.toLocaleString("en-US")} pods: ${c.requests} requests, ${kib(c.bytes)}`;
  const foreign = `the same on ${small.pods} pods`;
  return {
    name: "janitor",
    figures: [
      {
        measure: `one janitor run on ${large.pods} pods with 3 pns copies: API requests`,
        value: large.requests,
        unit: "requests",
        baseline: foreign,
        baselineValue: small.requests,
        goal: { ratio: 1 },
      },
      {
        measure: `one janitor run on ${large.pods} pods with 3 pns copies: reply bytes`,
        value: large.bytes,
        unit: "bytes",
        baseline: foreign,
        baselineValue: small.bytes,
        goal: { ratio: 1.05 },
      },
      {
        measure: `one janitor run on ${large.pods} pods: reply bytes`,
        value: large.bytes,
        unit: "bytes",
        baseline: "one list of every pod",
        baselineValue: large.listAllBytes,
      },
    ],
    lines: [
      "one janitor run (3 pns copies, 1 ephemeral debug container recorded) on the demo's bindings; requests and reply bytes from the simulator's log",
      `${line(small)} | ${line(large)} | requests ×${(large.requests / small.requests).toFixed(2)}, bytes ×${(large.bytes / small.bytes).toFixed(2)} (goal 1.00: pns's objects only)`,
      `baseline, same run: one list of every pod on the ${large.pods.toLocaleString("en-US")}-pod cluster is ${kib(large.listAllBytes)}; the janitor reads ×${(large.bytes / large.listAllBytes).toFixed(4)} of it`,
      `  requests: ${large.routes.join(", ")}`,
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const report = await run();
  console.log(`# ${report.name}\n${report.lines.join("\n")}`);
  process.exit(0);
}
