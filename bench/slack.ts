/**
 * Slack handler bench, against a bare Bolt `AwsLambdaReceiver` app (bench/fixtures/bare-bolt.ts) measured in the
 * same run:
 * - bundle size: both entry points bundled with the esbuild options and plugins serverless-esbuild uses for
 *   `npm run package` (read from serverless.yml's `custom.esbuild`), and which packages pns adds (esbuild metafile).
 *   The plugins stub the parts of Bolt a Lambda app never runs, so pns is also compared with a bare Bolt bundle built
 *   with the same stubs: that ratio says what pns itself adds;
 * - cold load: whole-process `node <bundle>.mjs` (import, then exit), interleaved, median, also net of an empty
 *   `node -e 0`; and cold first acknowledgement: the same, answering one signed `/pns ps nginx` before exiting;
 * - bundle smoke: the bundled handler in a fresh node answers `/pns ps nginx` and an Approve click;
 * - warm acknowledgement latency: signed API Gateway v2 events straight into each handler function in-process
 *   (the fake Slack serves the Web API calls pns makes; pns's job dispatcher does nothing), p50/p99 of
 *   `/pns ps nginx` and of an Approve click on a pending approval request.
 * Run alone with `npx tsx bench/slack.ts`.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { WebClient } from "@slack/web-api";
import { type BuildOptions, build, type Metafile, type Plugin } from "esbuild";
import { parseDocument } from "yaml";
import { approvalView } from "../src/app/approval-message.js";
import { attachMessage } from "../src/core/approval/state-machine.js";
import { ActionId, CallbackId } from "../src/core/views/ids.js";
import { readEnv } from "../src/handlers/env.js";
import { createRuntime } from "../src/handlers/runtime.js";
import { buildSlackHandler } from "../src/handlers/slack.js";
import { type SlackRequest, signSlackRequest, slackClient } from "../src/local/fake-slack/client.js";
import { startFakeSlack } from "../src/local/fake-slack/server.js";
import type { FakeUser } from "../src/local/fake-slack/workspace.js";
import { type HttpApiEvent, httpApiEvent } from "../src/local/lambda-http.js";
import { createDynamoStores } from "../src/store/dynamo/stores.js";
import { startLocalDynamo } from "../test/store/local-dynamo.js";
import { aSignalRequest } from "../test/store/request-builder.js";
import { buildBareBoltHandler } from "./fixtures/bare-bolt.js";
import { type BenchFigure, type BenchReport, median, quantile } from "./report.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const PNS_ENTRY = "src/handlers/slack.ts";
/** The other Lambda functions, bundled and cold-loaded the same way (serverless.yml `functions`). */
const OTHER_ENTRIES = { worker: "src/handlers/worker.ts", janitor: "src/handlers/janitor.ts" } as const;
const BOLT_ENTRY = "bench/fixtures/bare-bolt.ts";
/** Interleaved cold-load rounds (each spawns empty node, bare Bolt and pns once). */
const COLD_ROUNDS = 11;
const WARMUP = 30;
const SAMPLES = 300;
const SIZE_TARGET = 1.1;
const CHANNEL = "C0OPS";

const run$ = promisify(execFile);
type Handler = (event: HttpApiEvent, context: never) => Promise<{ statusCode: number; body?: string } | undefined>;

/** serverless-esbuild's own keys, which it strips before calling esbuild (its dist/bundle.js). */
const PLUGIN_ONLY_KEYS = [
  "concurrency",
  "zipConcurrency",
  "exclude",
  "nativeZip",
  "packager",
  "packagePath",
  "watch",
  "keepOutputDirectory",
  "packagerOptions",
  "installExtraArgs",
  "outputFileExtension",
  "outputBuildFolder",
  "outputWorkFolder",
  "nodeExternals",
  "skipBuild",
  "skipRebuild",
  "skipBuildExcludeFns",
  "stripEntryResolveExtensions",
  "disposeContext",
  "config",
];

/** build/esbuild/precompiled-config.cjs, for a configuration file of the bench's own. */
const precompiledConfig = createRequire(import.meta.url)("../build/esbuild/precompiled-config.cjs") as (options: {
  configFile?: string;
}) => Plugin;

/** The plugins named by `custom.esbuild.plugins`, loaded the way serverless-esbuild does (its dist/index.js). */
function loadPlugins(setting: unknown): Plugin[] {
  if (setting === undefined) return [];
  if (Array.isArray(setting)) return setting as Plugin[];
  let loaded = createRequire(join(ROOT, "package.json"))(join(ROOT, String(setting))) as unknown;
  if (loaded && typeof loaded === "object" && "default" in loaded) loaded = loaded.default;
  return (typeof loaded === "function" ? loaded(undefined) : loaded) as Plugin[];
}

/** The esbuild options `npm run package` bundles each function with: serverless-esbuild's defaults + serverless.yml. */
async function packageBuildOptions(
  configFile: string,
): Promise<BuildOptions & { outExtension: Record<string, string> }> {
  // CloudFormation tags (!Ref, !Sub…) are irrelevant here; yaml keeps their values as plain data.
  const doc = parseDocument(await readFile(join(ROOT, "serverless.yml"), "utf8"), { logLevel: "silent" });
  const sls = doc.toJS() as { provider?: { runtime?: string }; custom?: { esbuild?: Record<string, unknown> } };
  const runtime = /^nodejs(\d+)\.x$/.exec(sls.provider?.runtime ?? "");
  const merged: Record<string, unknown> = {
    bundle: true,
    target: runtime ? `node${runtime[1]}` : "node18",
    external: [],
    exclude: ["aws-sdk"],
    outputFileExtension: ".js",
    ...sls.custom?.esbuild,
  };
  const exclude = (merged.exclude as string[] | undefined) ?? [];
  const external = [...((merged.external as string[] | undefined) ?? []), ...(exclude.includes("*") ? [] : exclude)];
  const extension = String(merged.outputFileExtension);
  const options: Record<string, unknown> = { ...merged };
  for (const key of PLUGIN_ONLY_KEYS) delete options[key];
  return {
    ...(options as BuildOptions),
    external,
    // The precompiled-config plugin checks `configFile` in place of the repository's pns.config.yaml.
    plugins: loadPlugins(merged.plugins).map((p) =>
      p.name === "precompiled-config" ? precompiledConfig({ configFile }) : p,
    ),
    outExtension: { ".js": extension },
  };
}

type Bundle = { file: string; bytes: number; byPackage: Map<string, number> };

/** Bundles one entry point into `outdir` and sizes its output by package (node_modules package or source folder). */
async function bundle(entry: string, outdir: string, options: BuildOptions): Promise<Bundle> {
  const result = await build({
    ...options,
    entryPoints: [join(ROOT, entry)],
    outdir,
    absWorkingDir: ROOT,
    metafile: true,
    logLevel: "silent",
  });
  const meta: Metafile = result.metafile;
  const [file, output] =
    Object.entries(meta.outputs).find(([path]) => /\.m?js$/.test(path) && !path.endsWith(".map")) ?? [];
  if (!file || !output) throw new Error(`esbuild wrote no JavaScript for ${entry}`);
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split("/").slice(0, 2).join("/");
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
  }
  return { file: join(ROOT, file), bytes: output.bytes, byPackage };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

/** The packages (over 4 KB) bundle `a` holds more of than bundle `b`, largest first. */
function difference(a: Bundle, b: Bundle): string {
  return [...a.byPackage]
    .map(([pkg, bytes]) => [pkg, bytes - (b.byPackage.get(pkg) ?? 0)] as const)
    .filter(([, bytes]) => bytes > 4096)
    .sort((x, y) => y[1] - x[1])
    .map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`)
    .join(", ");
}

/** Spawns `node` on each file in turn, rotating the order every round, and returns each file's wall times. */
async function coldLoads(
  files: Record<string, string[]>,
  extraEnv: Record<string, string> = {},
  check: (name: string, stdout: string) => void = () => {},
): Promise<Record<string, number[]>> {
  const names = Object.keys(files);
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  // tsx puts its loader in NODE_OPTIONS: the children must start as plain node.
  const env = { ...process.env, NODE_OPTIONS: "", ...extraEnv };
  for (let round = 0; round < COLD_ROUNDS + 1; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      const t0 = performance.now();
      const { stdout } = await run$(process.execPath, files[name]!, { env, cwd: tmpdir() });
      check(name, stdout);
      // Round 0 warms the OS file cache only.
      if (round > 0) times[name]!.push(performance.now() - t0);
    }
  }
  return times;
}

/** A signed API Gateway HTTP API (v2) event for a built Slack request, as the Lambda behind POST /slack/events gets. */
function toEvent(request: SlackRequest, signingSecret: string): HttpApiEvent {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    "content-type": "application/x-www-form-urlencoded",
    "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    "x-slack-request-timestamp": String(timestamp),
    "x-slack-signature": signSlackRequest(signingSecret, timestamp, request.body),
  };
  return httpApiEvent({ method: "POST", path: "/slack/events", headers, body: request.body, requestId: "bench" });
}

/** Times one handler call per request; every call must answer 200, and `check` sees each response body. */
async function latencies(
  handler: Handler,
  /** An event, or one made when it is sent (a click's trigger_id is good for 3 s after Slack issues it). */
  events: readonly (HttpApiEvent | (() => HttpApiEvent))[],
  check: (body: string) => string | undefined,
): Promise<number[]> {
  const times: number[] = [];
  for (const item of events) {
    const event = typeof item === "function" ? item() : item;
    const t0 = performance.now();
    const res = await handler(event, {} as never);
    times.push(performance.now() - t0);
    const problem = res?.statusCode === 200 ? check(res.body ?? "") : `status ${res?.statusCode}`;
    if (problem) throw new Error(`handler answered badly: ${problem} (${(res?.body ?? "").slice(0, 200)})`);
  }
  return times.slice(WARMUP);
}

const ms = (n: number) => `${n.toFixed(2)} ms`;

/** "none", or each Web API method with its count, e.g. "chat.update ×330". */
function callsOf(calls: readonly { method: string }[]): string {
  const counts = new Map<string, number>();
  for (const c of calls) counts.set(c.method, (counts.get(c.method) ?? 0) + 1);
  return counts.size === 0 ? "none" : [...counts].map(([m, n]) => `${m} ×${n}`).join(", ");
}

/** Warm acknowledgement latency of pns and of bare Bolt for `/pns ps nginx` and for an Approve click. */
async function warmLatency(): Promise<{ lines: string[]; figures: BenchFigure[] }> {
  const count = WARMUP + SAMPLES;
  // One user per command: pns drops a repeat of the same command by the same user within 5 s as a double submit.
  const users: FakeUser[] = Array.from({ length: count + 1 }, (_, i) => ({
    id: `U0BENCH${String(i).padStart(4, "0")}`,
    name: `bench${i}`,
    realName: `Bench ${i}`,
  }));
  const requester = users[0]!.id;
  const approver = users[1]!.id;
  const slack = await startFakeSlack({ users });
  try {
    const client = slackClient(slack);
    const env = {
      ...readEnv({
        SLACK_SIGNING_SECRET: slack.signingSecret,
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_API_URL: slack.apiUrl,
        PNS_LOG_LEVEL: "error",
      }),
      // Any channel, everyone may do everything, approval by a second person: what pns once did without a file.
      configPath: await openConfig(),
      configPathGiven: true,
    };
    const runtime = await createRuntime(env);
    if (runtime.deps.configProblem) throw new Error(runtime.deps.configProblem);
    let dispatched = 0;
    const pns = (await buildSlackHandler(runtime, async () => {
      dispatched++;
    })) as unknown as Handler;
    const bolt = buildBareBoltHandler({
      signingSecret: slack.signingSecret,
      botToken: slack.botToken,
      slackApiUrl: slack.apiUrl,
    }) as unknown as Handler;

    const commands = (): HttpApiEvent[] =>
      users
        .slice(1)
        .map((u) =>
          toEvent(client.slashCommand({ user: u.id, channel: CHANNEL, text: "ps nginx" }), slack.signingSecret),
        );
    const ackOfPs = (body: string) => (body.includes("Already working") ? "double submit" : undefined);
    const boltBefore = slack.calls.length;
    const psBolt = await latencies(bolt, commands(), () => undefined);
    const boltCalls = callsOf(slack.calls.slice(boltBefore));
    const callsBefore = slack.calls.length;
    const psPns = await latencies(pns, commands(), ackOfPs);
    const psDispatched = dispatched;
    const psCalls = callsOf(slack.calls.slice(callsBefore));

    // Pending approval requests, each with its approval message posted in the fake Slack, one click each.
    const clicks: (() => HttpApiEvent)[] = [];
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const request = aSignalRequest({ id: `bench-${i}`, now: Date.now(), requester, channel: CHANNEL });
      await runtime.deps.stores.requests.create(request);
      const view = approvalView(request, Date.now());
      const posted = await runtime.slack.chat.postMessage({ channel: CHANNEL, text: view.text, blocks: view.blocks });
      await runtime.deps.stores.requests.transition(request.id, request, attachMessage(request, posted.ts ?? ""));
      const message = slack.workspace.message(CHANNEL, posted.ts ?? "");
      if (!message) throw new Error("the fake Slack lost an approval message");
      clicks.push(() =>
        toEvent(
          client.blockAction({ user: approver, channel: CHANNEL, message, actionId: ActionId.signalApprove }),
          slack.signingSecret,
        ),
      );
      ids.push(request.id);
    }
    const approveBolt = await latencies(bolt, clicks, () => undefined);
    dispatched = 0;
    const clicksBefore = slack.calls.length;
    // An Approve click opens pns's confirmation (views.open); its submission approves and hands the signal off.
    const approvePns = await latencies(pns, clicks, () => undefined);
    const approveCalls = callsOf(slack.calls.slice(clicksBefore));
    const modals = [...slack.workspace.views.values()].filter(
      (v) => v.callback_id === CallbackId.decisionModal && v.user === approver,
    );
    const submissions = modals.map((view) =>
      toEvent(client.viewSubmission({ user: approver, view, values: {} }), slack.signingSecret),
    );
    const confirmBolt = await latencies(bolt, submissions, () => undefined);
    const submitsBefore = slack.calls.length;
    const confirmPns = await latencies(pns, submissions, () => undefined);
    const confirmCalls = callsOf(slack.calls.slice(submitsBefore));
    const approved = (await Promise.all(ids.map((id) => runtime.deps.stores.requests.get(id)))).filter(
      (r) => r?.state === "approved",
    ).length;
    if (approved !== count || dispatched !== count) {
      throw new Error(`${approved}/${count} requests approved, ${dispatched} signal jobs handed off`);
    }

    const row = (label: string, p: number[], b: number[]) => {
      const [p50, p99, b50, b99] = [quantile(p, 0.5), quantile(p, 0.99), quantile(b, 0.5), quantile(b, 0.99)];
      return (
        `${label}: pns p50 ${ms(p50)}, p99 ${ms(p99)} | bare Bolt p50 ${ms(b50)}, p99 ${ms(b99)} | ` +
        `p50 ×${(p50 / b50).toFixed(1)}, p99 ×${(p99 / b99).toFixed(1)} (Slack's limit: 3000 ms)`
      );
    };
    const warmFigure = (label: string, p: number[], b: number[]): BenchFigure => ({
      measure: `slack function: warm acknowledgement of ${label}, p99`,
      value: quantile(p, 0.99),
      unit: "ms",
      baseline: "the bare Bolt app, p99",
      baselineValue: quantile(b, 0.99),
    });
    const figures = [
      warmFigure("`/pns ps nginx`", psPns, psBolt),
      warmFigure("an Approve click", approvePns, approveBolt),
      warmFigure("an Approve confirmation", confirmPns, confirmBolt),
    ];
    const lines = [
      `warm acknowledgement: signed HTTP API v2 events into each handler function in-process, ${SAMPLES} samples after ${WARMUP} warm-up; the dispatcher does nothing, the fake Slack (local HTTP) answers pns's Web API calls`,
      `  bare Bolt's Slack Web API calls for ${count} commands: ${boltCalls} (Bolt 5 with tokenVerificationEnabled: false repeats auth.test on every event)`,
      row("/pns ps nginx", psPns, psBolt),
      `  pns: parse, policy, double-submit claim, audit, job handed off (${psDispatched}/${count}); Slack Web API calls: ${psCalls}`,
      row("Approve click", approvePns, approveBolt),
      `  pns: checks, then opens its confirmation (${modals.length}/${count} opened); Slack Web API calls (local HTTP): ${approveCalls}`,
      row("Approve confirmation", confirmPns, confirmBolt),
      `  pns: conditional transition, audit, approval message updated, signal job handed off (${approved}/${count} approved); Slack Web API calls (local HTTP): ${confirmCalls}`,
    ];
    return { lines, figures };
  } finally {
    await slack.close();
  }
}

/**
 * Runs a bundled handler once in a fresh `node`, as Lambda would: imports it, calls `handler(event)`, prints the result
 * as the last line (the handler's own log and metric lines come first, as on Lambda).
 */
const INVOKE_ONCE = `const { handler } = await import(process.argv[1]);
const result = await handler(JSON.parse(process.argv[2]), {});
process.stdout.write("\\n" + JSON.stringify(result), () => process.exit(0));`;

/** The result INVOKE_ONCE printed. */
const resultOf = (stdout: string) => JSON.parse(stdout.slice(stdout.lastIndexOf("\n") + 1)) as { statusCode?: number };

const SMOKE_TABLE = "pns-bench";

/**
 * Checks the bundle itself works, not just the sources: in a fresh process each, `/pns ps nginx` and then an Approve
 * click on a pending approval request go into the bundled handler (its stubbed Bolt app, the fake Slack's credentials,
 * the bundled AWS SDK on a local DynamoDB (dynalite) and handing jobs to a local stand-in for Lambda's Invoke API).
 * Returns what to report; throws when the bundle does not answer, approve or hand the job off.
 */
async function smokeBundle(file: string, configPath: string): Promise<string[]> {
  const invokes: string[] = [];
  const lambda = createServer((req, res) => {
    invokes.push(`${req.method} ${req.url} ${req.headers["x-amz-invocation-type"] ?? ""}`);
    req.resume();
    req.on("end", () => res.writeHead(202).end());
  });
  await new Promise<void>((resolve) => lambda.listen(0, "127.0.0.1", resolve));
  const slack = await startFakeSlack();
  const dynamo = await startLocalDynamo();
  try {
    await dynamo.createTable(SMOKE_TABLE);
    const stores = createDynamoStores({ tableName: SMOKE_TABLE, client: dynamo.client });
    const env = {
      PATH: process.env.PATH,
      SLACK_SIGNING_SECRET: slack.signingSecret,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      PNS_WORKER_FUNCTION: "pns-bench-worker",
      PNS_CONFIG: configPath,
      PNS_TABLE: SMOKE_TABLE,
      PNS_LOG_LEVEL: "error",
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "bench",
      AWS_SECRET_ACCESS_KEY: "bench",
      AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    };
    const invokeOnce = async (request: SlackRequest, handOffs = 1) => {
      const before = invokes.length;
      const { stdout } = await run$(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          INVOKE_ONCE,
          pathToFileURL(file).href,
          JSON.stringify(toEvent(request, slack.signingSecret)),
        ],
        { env, cwd: tmpdir() },
      );
      const result = resultOf(stdout);
      const handedOff = invokes
        .slice(before)
        .filter((i) => i.includes("/functions/pns-bench-worker/invocations") && i.endsWith("Event"));
      if (result.statusCode !== 200 || handedOff.length !== handOffs) {
        throw new Error(`the bundled handler answered ${stdout.slice(0, 200)}; worker invokes: ${invokes.join("; ")}`);
      }
    };
    const client = slackClient(slack);
    await invokeOnce(client.slashCommand({ user: "U0ALICE", channel: CHANNEL, text: "ps nginx" }));

    const request = aSignalRequest({ id: "bench-smoke", now: Date.now(), requester: "U0ALICE", channel: CHANNEL });
    await stores.requests.create(request);
    const view = approvalView(request, Date.now());
    const web = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl });
    const posted = await web.chat.postMessage({ channel: CHANNEL, text: view.text, blocks: view.blocks });
    await stores.requests.transition(request.id, request, attachMessage(request, posted.ts ?? ""));
    const message = slack.workspace.message(CHANNEL, posted.ts ?? "");
    if (!message) throw new Error("the fake Slack lost the approval message");
    const updatesBefore = slack.calls.filter((c) => c.method === "chat.update").length;
    // Approve opens pns's own confirmation (no job yet); its submission approves and hands the signal off.
    await invokeOnce(
      client.blockAction({ user: "U0BOB", channel: CHANNEL, message, actionId: ActionId.signalApprove }),
      0,
    );
    const modal = slack.workspace.openViewOf("U0BOB");
    if (!modal) throw new Error("the bundled handler's Approve opened no confirmation");
    await invokeOnce(client.viewSubmission({ user: "U0BOB", view: modal, values: {} }));
    const state = (await stores.requests.get(request.id))?.state;
    const updates = slack.calls.filter((c) => c.method === "chat.update").length - updatesBefore;
    if (state !== "approved" || updates !== 1) {
      throw new Error(
        `after the bundled handler's Approve the request is ${state}, ${updates} approval messages updated`,
      );
    }
    return [
      "bundle smoke (each in a fresh node, on dynalite, worker Lambda and Slack local stand-ins):",
      "  `/pns ps nginx` answered 200 and handed one job to the worker; an Approve click by a second person answered 200 and opened pns's confirmation, whose submission approved the request, updated its message once and handed the signal job off",
    ];
  } finally {
    await dynamo.close();
    await slack.close();
    await new Promise((resolve) => lambda.close(resolve));
  }
}

/**
 * Cold start to the first acknowledgement: spawn node, import the bundle, answer one signed `/pns ps nginx` (pns
 * builds its app, reads its configuration, claims, audits in its embedded store and hands the job to a local stand-in
 * for the worker Lambda; bare Bolt calls auth.test on the fake Slack), exit. Each answer must be a 200.
 */
async function coldFirstAnswer(files: Record<string, string>, configPath: string): Promise<Record<string, number[]>> {
  const lambda = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(202).end());
  });
  await new Promise<void>((resolve) => lambda.listen(0, "127.0.0.1", resolve));
  const slack = await startFakeSlack();
  try {
    const event = toEvent(
      slackClient(slack).slashCommand({ user: "U0ALICE", channel: CHANNEL, text: "ps nginx" }),
      slack.signingSecret,
    );
    const args = (file: string) => [
      "--input-type=module",
      "-e",
      INVOKE_ONCE,
      pathToFileURL(file).href,
      JSON.stringify(event),
    ];
    return await coldLoads(
      Object.fromEntries(Object.entries(files).map(([name, file]) => [name, args(file)])),
      {
        SLACK_SIGNING_SECRET: slack.signingSecret,
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_API_URL: slack.apiUrl,
        PNS_WORKER_FUNCTION: "pns-bench-worker",
        PNS_TABLE: "",
        PNS_CONFIG: configPath,
        PNS_LOG_LEVEL: "error",
        AWS_REGION: "eu-west-1",
        AWS_ACCESS_KEY_ID: "bench",
        AWS_SECRET_ACCESS_KEY: "bench",
        AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${(lambda.address() as AddressInfo).port}`,
      },
      (name, stdout) => {
        if (resultOf(stdout).statusCode !== 200) {
          throw new Error(`${name} answered its first event with ${stdout.slice(0, 200)}`);
        }
      },
    );
  } finally {
    await slack.close();
    await new Promise((resolve) => lambda.close(resolve));
  }
}

/** Runs the Slack handler bench. */
export async function run(): Promise<BenchReport> {
  const dir = await mkdtemp(join(tmpdir(), "pns-bench-slack-"));
  try {
    // Packaged with a pns.config.yaml, as a deployment is: without one pns answers every command "not configured".
    const configPath = await openConfig();
    const options = await packageBuildOptions(configPath);
    const plain = { ...options, plugins: [] };
    const stubs = options.plugins?.map((p) => p.name).join(", ") || "none";
    const pns = await bundle(PNS_ENTRY, join(dir, "pns"), options);
    const pnsPlain = await bundle(PNS_ENTRY, join(dir, "pns-plain"), plain);
    const bolt = await bundle(BOLT_ENTRY, join(dir, "bolt"), plain);
    const boltStubbed = await bundle(BOLT_ENTRY, join(dir, "bolt-stubbed"), options);
    const ratio = pns.bytes / bolt.bytes;
    const kube = [...pns.byPackage.keys()].filter((p) => p.startsWith("@kubernetes/"));
    const lines = [
      `bundles built like \`npm run package\` (serverless.yml custom.esbuild: format ${options.format}, minify ${options.minify}, target ${options.target}, mainFields ${options.mainFields?.join(",") ?? "esbuild default"}, sourcemap ${options.sourcemap ?? false}, plugins: ${stubs})`,
      `bundle: pns ${PNS_ENTRY} ${kb(pns.bytes)} | bare Bolt ${kb(bolt.bytes)} | ×${ratio.toFixed(2)} (the issue's target ≤ ${SIZE_TARGET}: ${ratio <= SIZE_TARGET ? "meets" : "MISSES"})`,
      `  the same stubs on both: pns ${kb(pns.bytes)} | bare Bolt ${kb(boltStubbed.bytes)} | ×${(pns.bytes / boltStubbed.bytes).toFixed(2)} (the stubs, not pns, make the first ratio small: pns adds ${kb(pns.bytes - boltStubbed.bytes)} to Bolt)`,
      `  without the plugins: pns ${kb(pnsPlain.bytes)} | bare Bolt ${kb(bolt.bytes)} | ×${(pnsPlain.bytes / bolt.bytes).toFixed(2)}`,
      `  what the stubs leave out of Bolt: ${difference(bolt, boltStubbed)}`,
      `  what pns adds to Bolt (both stubbed): ${difference(pns, boltStubbed)}`,
      `  @kubernetes/client-node in the Slack bundle: ${kube.length === 0 ? "no" : `YES (${kube.join(", ")})`}`,
    ];

    lines.push(...(await smokeBundle(pns.file, configPath)));

    const others = {
      worker: await bundle(OTHER_ENTRIES.worker, join(dir, "worker"), options),
      janitor: await bundle(OTHER_ENTRIES.janitor, join(dir, "janitor"), options),
    };
    for (const [name, b] of Object.entries(others)) {
      lines.push(
        `bundle: ${name} ${OTHER_ENTRIES[name as keyof typeof OTHER_ENTRIES]} ${kb(b.bytes)} | bare Bolt ${kb(bolt.bytes)} | ×${(b.bytes / bolt.bytes).toFixed(2)}`,
      );
    }
    const cold = await coldLoads({
      empty: ["-e", "0"],
      bolt: [bolt.file],
      boltStubbed: [boltStubbed.file],
      pns: [pns.file],
      worker: [others.worker.file],
      janitor: [others.janitor.file],
    });
    const [empty, coldPns] = [median(cold.empty!), median(cold.pns!)];
    const against = (label: string, base: number) =>
      `${label} ${ms(base)} → ×${(coldPns / base).toFixed(2)} whole process, ×${((coldPns - empty) / (base - empty)).toFixed(2)} net of node's own start`;
    lines.push(
      `cold load (spawn node, import the bundle, exit; median of ${COLD_ROUNDS} interleaved rounds): pns ${ms(coldPns)} | empty node ${ms(empty)}`,
      `  against ${against("bare Bolt", median(cold.bolt!))}`,
      `  against ${against("bare Bolt with the same stubs", median(cold.boltStubbed!))}`,
      `  (pns builds its Bolt app on the first event, bare Bolt at import)`,
      `cold load of the other functions: worker ${ms(median(cold.worker!))}, janitor ${ms(median(cold.janitor!))} | bare Bolt ${ms(median(cold.bolt!))}`,
    );
    const first = await coldFirstAnswer({ bolt: bolt.file, boltStubbed: boltStubbed.file, pns: pns.file }, configPath);
    const firstPns = median(first.pns!);
    const firstAgainst = (label: string, base: number) =>
      `${label} ${ms(base)} → ×${(firstPns / base).toFixed(2)} whole process, ×${((firstPns - empty) / (base - empty)).toFixed(2)} net of node's own start`;
    lines.push(
      `cold first acknowledgement (spawn node, import, answer one signed \`/pns ps nginx\`, exit; median of ${COLD_ROUNDS} interleaved rounds): pns ${ms(firstPns)}`,
      `  against ${firstAgainst("bare Bolt", median(first.bolt!))}`,
      `  against ${firstAgainst("bare Bolt with the same stubs", median(first.boltStubbed!))}`,
      `  (pns: app, configuration, embedded store, claim, audit, Lambda Invoke to a local stand-in; bare Bolt: auth.test to the fake Slack)`,
    );
    const warm = await warmLatency();
    lines.push(...warm.lines);
    const bare = "a bare Bolt AwsLambdaReceiver app, bundled the same way";
    const figures: BenchFigure[] = [
      {
        measure: "slack function: bundle size",
        value: pns.bytes / 1024,
        unit: "KB",
        baseline: bare,
        baselineValue: bolt.bytes / 1024,
        goal: { ratio: SIZE_TARGET },
      },
      {
        measure: "slack function: bundle size, both with pns's stubs",
        value: pns.bytes / 1024,
        unit: "KB",
        baseline: "the bare Bolt app with the same stubs",
        baselineValue: boltStubbed.bytes / 1024,
      },
      ...Object.entries(others).map(([name, b]) => ({
        measure: `${name} function: bundle size`,
        value: b.bytes / 1024,
        unit: "KB",
        baseline: bare,
        baselineValue: bolt.bytes / 1024,
      })),
      {
        measure: "slack function: cold first acknowledgement of `/pns ps nginx` (new node process)",
        value: firstPns,
        unit: "ms",
        baseline: "the bare Bolt app's first answer",
        baselineValue: median(first.bolt!),
        goal: { ratio: 1.1 },
      },
      ...Object.keys(others).map((name) => ({
        measure: `${name} function: cold load (new node process, import, exit)`,
        value: median(cold[name]!),
        unit: "ms",
        baseline: "the bare Bolt app's cold load",
        baselineValue: median(cold.bolt!),
      })),
      ...warm.figures,
    ];
    return { name: "slack", lines, figures };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const report = await run();
  console.log(`# ${report.name}\n${report.lines.join("\n")}`);
}

/** A configuration file that binds every channel and lets everyone do everything (signals still need approval). */
async function openConfig(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "pns-bench-config-"));
  const path = join(dir, "pns.config.yaml");
  await writeFile(
    path,
    'channels:\n  "*": {namespaces: ["*"]}\npeople: {ps: "*", cat: "*", signal: "*", approve: "*", admin: "*"}\n',
  );
  return path;
}
