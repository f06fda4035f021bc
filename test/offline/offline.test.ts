/**
 * The packaged bundles under a Lambda emulator: `npm run package`'s zips, unzipped, run by serverless-offline 13 behind
 * its HTTP API route and its Lambda endpoint, with dynalite for the table, the Kubernetes simulator, the fake Slack,
 * a local Secrets Manager holding the Slack secret and a local SSM holding the configuration (`--param
 * configParameter`: the packaged pns.config.yaml binds no channel pns is used in here, so only the parameter works). Differences from AWS (serverless-offline's README): an
 * unhandled error answers 200, and there are no retries, destinations or IAM (test/deploy checks those).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionId, CallbackId } from "../../src/core/views/ids.js";
import { slackClient, slackUsers } from "../../src/local/fake-slack/client.js";
import { type FakeSlack, startFakeSlack } from "../../src/local/fake-slack/server.js";
import type { FakeMessage } from "../../src/local/fake-slack/workspace.js";
import { type Simulator, startSimulator } from "../../src/local/sim/index.js";
import { type LocalSecretsManager, startSecretsManager } from "../aws/secrets-manager.js";
import { type LocalSsm, startSsm } from "../aws/ssm.js";
import { type Packaged, packageProject } from "../deploy/package.js";
import { type LocalDynamo, startLocalDynamo } from "../store/local-dynamo.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CONFIG_PARAMETER = "/pns/prod/config";

const OPS = "C0OPS";
const { alice, bob } = slackUsers;

let pkg: Packaged;
let dynamo: LocalDynamo;
let sim: Simulator;
let slack: FakeSlack;
let secrets: LocalSecretsManager;
let ssm: LocalSsm;
let configDir: string;
let offline: ChildProcess;
let output = "";
let lambdaUrl: string;

/** A free loopback port (serverless-offline takes ports, not 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Waits until `probe` gives a value, or fails with what the emulator printed. */
async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}; serverless-offline printed:\n${output.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  // Packaged: a configuration that binds only another channel. In the parameter: the demo's, #ops on the simulator's
  // cluster, Bob (S0SRE) approves.
  configDir = await mkdtemp(join(tmpdir(), "pns-offline-"));
  const packaged = join(configDir, "pns.config.yaml");
  await writeFile(
    packaged,
    "clusters:\n  sim:\n    kubeconfig: {}\nchannels:\n  C0ELSEWHERE:\n    namespaces: [default]\n",
  );
  pkg = await packageProject({ config: packaged, args: ["--param", `configParameter=${CONFIG_PARAMETER}`] });
  const bundles = join(pkg.dir, ".bundles");
  await mkdir(bundles);
  for (const zip of Object.values(pkg.zips)) await run("unzip", ["-qo", zip, "-d", bundles]);

  dynamo = await startLocalDynamo();
  await dynamo.createTable("pns-prod"); // serverless.yml's table name for stage prod
  sim = await startSimulator({ podStartDelayMs: 100, kubeconfigPath: join(pkg.dir, "sim.kubeconfig") });
  slack = await startFakeSlack();
  secrets = await startSecretsManager(
    new Map([["pns/slack", JSON.stringify({ signingSecret: slack.signingSecret, botToken: slack.botToken })]]),
  );
  ssm = await startSsm(new Map([[CONFIG_PARAMETER, await readFile(join(ROOT, "src/local/demo.config.yaml"), "utf8")]]));
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  lambdaUrl = `http://127.0.0.1:${lambdaPort}`;
  offline = spawn(
    process.execPath,
    [
      join(ROOT, "node_modules/osls/bin/serverless.js"),
      "offline",
      "start",
      "--host",
      "127.0.0.1",
      "--httpPort",
      String(httpPort),
      "--lambdaPort",
      String(lambdaPort),
      "--noPrependStageInUrl",
      // serverless.yml is resolved again here: the same parameter as the packaging, for the functions' environment.
      "--param",
      `configParameter=${CONFIG_PARAMETER}`,
      // Passes KUBECONFIG, SLACK_API_URL and PNS_CONFIG below to the functions; serverless.yml's own variables win.
      "--localEnvironment",
    ],
    {
      cwd: pkg.dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PNS_OFFLINE_LOCATION: ".bundles",
        PNS_CONFIG: join(bundles, "pns.config.yaml"),
        PNS_LOG_LEVEL: "warn",
        // The watch after a signal is tested in test/app/after-signal.test.ts; here one execute job is its 3 execs.
        PNS_WATCH_AFTER_SIGNAL: "0",
        KUBECONFIG: sim.kubeconfigPath ?? "",
        SLACK_API_URL: slack.apiUrl,
        AWS_REGION: "eu-west-1",
        AWS_ACCESS_KEY_ID: "AKIDOFFLINE",
        AWS_SECRET_ACCESS_KEY: "offline",
        // Every AWS call goes to a local endpoint; any other would be refused here, never sent out.
        AWS_ENDPOINT_URL: "http://127.0.0.1:9",
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_ENDPOINT_URL_LAMBDA: lambdaUrl,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
        AWS_ENDPOINT_URL_SSM: ssm.endpoint,
      },
    },
  );
  offline.stdout?.on("data", (d) => {
    output += d;
  });
  offline.stderr?.on("data", (d) => {
    output += d;
  });
  await waitFor("serverless-offline to start", () => output.includes("Server ready"), 120_000);
  slack.setAppUrl(`http://127.0.0.1:${httpPort}/slack/events`);
}, 300_000);

afterAll(async () => {
  if (offline && offline.exitCode === null) {
    const exited = new Promise((r) => offline.once("exit", r));
    offline.kill("SIGTERM");
    await exited;
  }
  await secrets?.close();
  await ssm?.close();
  await slack?.close();
  await sim?.close();
  await dynamo?.close();
  await pkg?.remove();
  if (configDir) await rm(configDir, { recursive: true, force: true });
});

const client = () => slackClient(slack);
const text = (m: FakeMessage | undefined) => JSON.stringify(m?.blocks ?? []) + (m?.text ?? "");
const messages = () => slack.workspace.channelMessages(OPS);
const nginxWorkers = () =>
  sim.state
    .processes("default", "nginx")
    .filter((p) => p.args.join(" ") === "nginx: worker process")
    .map((p) => p.pid);
const execs = () => sim.requests.entries.filter((e) => e.route === "GET pods/exec").length;
/** How many times the emulator ran a function (it logs one line per invocation). */
const invocations = (fn: string) => output.split("\n").filter((l) => l.startsWith(`(λ: ${fn}) RequestId:`)).length;
/** The CloudWatch EMF lines the functions printed that carry `metric`. */
const metricLines = (metric: string) =>
  output
    .split("\n")
    .map((l) => l.slice(l.indexOf("{")))
    .filter((l) => l.startsWith('{"_aws"') && l.includes(`"Name":"${metric}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("the packaged bundles under serverless-offline", () => {
  let table: FakeMessage;

  it("answers a signed /pns ps nginx through the HTTP route; the worker, invoked through the Lambda endpoint, shows Alice the table", async () => {
    const res = await client().send(client().slashCommand({ user: alice.id, channel: OPS, text: "ps nginx" }));
    expect(res.status).toBe(200);
    // Quiet by default: the table replaces Alice's progress message, only she sees it.
    table = await waitFor("the process table", () =>
      slack.workspace.ephemeralsFor(OPS, alice.id).find((m) => text(m).includes("Processes in")),
    );
    expect(messages().some((m) => text(m).includes("Processes in"))).toBe(false);
    expect(text(table)).toContain("nginx: master process");
    // No HTTP route leads to the worker: the slack function's InvokeCommand reached it through the Lambda endpoint.
    await waitFor("the worker to finish", () => invocations("worker") >= 1);
    expect(invocations("worker")).toBe(1);
    // The Slack secret came from Secrets Manager, once per function container at most.
    expect(secrets.calls.every((c) => c === "secretsmanager.GetSecretValue pns/slack")).toBe(true);
    expect(secrets.calls.length).toBeGreaterThan(0);
    // The configuration came from the parameter (the packaged file binds no #ops), read by the real parser.
    expect(ssm.calls.length).toBeGreaterThan(0);
    expect(ssm.calls.every((c) => c === `AmazonSSM.GetParameter ${CONFIG_PARAMETER}`)).toBe(true);
    // The slack function counted the command in CloudWatch EMF.
    await waitFor("the commands metric", () => metricLines("commands").length >= 1);
  });

  it("sends an approved signal once", async () => {
    const workers = nginxWorkers();
    for (const [actionId, value] of [
      [ActionId.psProcess, "8"],
      [ActionId.psSignal, "HUP"],
    ] as const) {
      await client().send(client().blockAction({ user: alice.id, channel: OPS, message: table, actionId, value }));
    }
    await client().send(
      client().blockAction({ user: alice.id, channel: OPS, message: table, actionId: ActionId.psRequest }),
    );
    const modal = await waitFor("the reason modal", () => slack.workspace.openViewOf(alice.id));
    await client().send(
      client().viewSubmission({ user: alice.id, view: modal, values: { [ActionId.reasonInput]: "reload" } }),
    );
    const approval = structuredClone(
      await waitFor("the approval request", () => messages().find((m) => text(m).includes("Signal request"))),
    );
    const execsBefore = execs();
    await client().send(
      client().blockAction({ user: bob.id, channel: OPS, message: approval, actionId: ActionId.signalApprove }),
    );
    // Approve opens pns's own confirmation; its submission approves and hands the signal to the worker.
    const confirm = await waitFor("Bob's Approve confirmation", () => {
      const v = slack.workspace.openViewOf(bob.id);
      return v?.callback_id === CallbackId.decisionModal ? v : undefined;
    });
    await client().send(client().viewSubmission({ user: bob.id, view: confirm, values: {} }));
    await waitFor("the signal's outcome", () => /sent/.test(text(slack.workspace.message(OPS, approval.ts))));
    await waitFor("the listing after the signal", () => execs() - execsBefore >= 3);
    // A second click changes nothing: the request is no longer pending.
    await client().send(
      client().blockAction({ user: bob.id, channel: OPS, message: approval, actionId: ActionId.signalApprove }),
    );
    await waitFor("the refusal", () =>
      slack.workspace.ephemeralsFor(OPS, bob.id).some((m) => text(m).includes("already")),
    );
    const after = nginxWorkers();
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(workers);
    // One execute job: list before, the guarded signal, list after.
    expect(execs() - execsBefore).toBe(3);
    await waitFor("the execute job to finish", () => invocations("worker") >= 2);
    expect(invocations("worker")).toBe(2);
    await waitFor("the signalsSent metric", () => metricLines("signalsSent").length >= 1);
    expect(metricLines("signalsSent")).toEqual([expect.objectContaining({ signalsSent: 1, service: "pns-prod" })]);
    expect(metricLines("signalsFailed")).toEqual([]);
  });

  it("answers a smoke invoke of each function with its health and the configuration's source", async () => {
    const lambda = new LambdaClient({
      endpoint: lambdaUrl,
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDOFFLINE", secretAccessKey: "offline" },
    });
    try {
      for (const fn of ["pns-prod-slack", "pns-prod-worker"]) {
        const out = await lambda.send(
          new InvokeCommand({ FunctionName: fn, Payload: new TextEncoder().encode('{"healthcheck": true}') }),
        );
        expect(out.FunctionError, fn).toBeUndefined();
        expect(JSON.parse(new TextDecoder().decode(out.Payload)), fn).toEqual({
          statusCode: 200,
          ok: true,
          config: `SSM parameter ${CONFIG_PARAMETER}`,
        });
      }
    } finally {
      lambda.destroy();
    }
  });

  it("runs the janitor", async () => {
    const lambda = new LambdaClient({
      endpoint: lambdaUrl,
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDOFFLINE", secretAccessKey: "offline" },
    });
    try {
      // The smoke invoke above ran it once already (and the schedule may run it beside this test).
      const before = invocations("janitor");
      const out = await lambda.send(new InvokeCommand({ FunctionName: "pns-prod-janitor" }));
      expect(out.FunctionError).toBeUndefined();
      await waitFor("the janitor's invocation line", () => invocations("janitor") >= before + 1);
      const report = JSON.parse(new TextDecoder().decode(out.Payload)) as Record<string, number>;
      expect(report).toEqual({
        expired: 0,
        lost: 0,
        deletedCopies: 0,
        contsSent: 0,
        contsNotSent: 0,
        contsLost: 0,
        runningEphemeral: 1,
        failures: 0,
      });
    } finally {
      lambda.destroy();
    }
  });
});
