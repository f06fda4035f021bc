import { createServer, type Server } from "node:http";
import { pathToFileURL } from "node:url";
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import type { WorkerDeps } from "../app/deps.js";
import { runJanitor } from "../app/janitor.js";
import type { PodDebugger } from "../app/ports/cluster.js";
import type { Stores } from "../app/ports/stores.js";
import { runJob } from "../app/run-job.js";
import { withLogKeys } from "../aws/logger.js";
import { asPnsError } from "../core/errors.js";
import type { Job } from "../core/jobs.js";
import type { Logger } from "../core/log.js";
import { CORRELATION_KEY } from "../handlers/correlation.js";
import { type PnsEnv, readEnv } from "../handlers/env.js";
import { healthOf } from "../handlers/health.js";
import { createInProcessDispatcher, createRuntimeSource } from "../handlers/runtime.js";
import { createRotatingSlackHandler } from "../handlers/slack.js";
import { rotatingWorkerDeps } from "../handlers/worker.js";
import { tableDefinition } from "../store/dynamo/table.js";
import { toHttpApiEvent, writeHttpApiResult } from "./lambda-http.js";

/** A running `npm run dev`: the Slack handler over HTTP with the worker in-process. */
export interface DevServer {
  url: string;
  /** The worker's dependencies as of the last request (the configuration and credentials then in force). */
  readonly worker: WorkerDeps;
  /** Resolves when every job started so far has finished. */
  idle(): Promise<void>;
  /** Runs the janitor once, as its schedule would. */
  janitor(): ReturnType<typeof runJanitor>;
  close(): Promise<void>;
}

/** Options for tests and the demo; everything else comes from the environment. */
export interface DevServerOptions {
  env?: PnsEnv;
  stores?: Stores;
  logger?: Logger;
  debuggerFor?: (cluster: string) => PodDebugger;
  host?: string;
  /** Epoch milliseconds, for tests that move time (expiry). @default Date.now */
  now?: () => number;
  /**
   * Sees every job before it runs in this process; true takes it away (a test that runs it elsewhere, e.g. in a
   * worker process it kills, or delivers it twice).
   */
  intercept?: (job: Job) => boolean;
  /**
   * Runs the janitor this often, as its schedule does in AWS (every 5 minutes) but short, so expiry shows locally.
   * @default 0: only when asked ({@link DevServer.janitor})
   */
  janitorIntervalMs?: number;
}

/**
 * Serves the same handlers Lambda runs: `POST /slack/events` (slash commands and interactions, as API Gateway
 * HTTP API events) and `GET /healthz`, with the worker running jobs in this process.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const env = options.env ?? readEnv();
  if (env.table && process.env.AWS_ENDPOINT_URL_DYNAMODB) await ensureLocalTable(env.table);
  const source = createRuntimeSource(env, {
    ...(options.stores ? { stores: options.stores } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  // As in Lambda, the credentials and the configuration are read now: a dev server that cannot start says why.
  await source.current();
  let worker: WorkerDeps | undefined;
  /** The worker's dependencies in force now, remembered for `DevServer.worker`. */
  const currentWorker = async () => {
    worker = await workerDeps();
    return worker;
  };
  // In-process jobs run in the request's async context: its correlation id is on their lines too, as in Lambda.
  const dispatcher = createInProcessDispatcher(
    (job) => withLogKeys({ job_id: job.id }, async () => runJob(await currentWorker(), job)),
    source.logger,
  );
  const intercept = options.intercept;
  const dispatch = intercept
    ? (job: Job) => (intercept(job) ? Promise.resolve() : dispatcher.dispatch(job))
    : dispatcher.dispatch;
  const workerDeps = rotatingWorkerDeps(source, dispatch, options.debuggerFor);
  await currentWorker();
  const slackHandler = createRotatingSlackHandler(source, dispatch);

  const server: Server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (req.method === "GET" && path === "/healthz") {
        // As a smoke invoke of the functions: 503 and the problem when pns cannot act (an invalid configuration).
        const report = await healthOf(source);
        const body = report.ok ? { ok: true } : { ok: false, problem: report.problem };
        res.writeHead(report.statusCode, { "content-type": "application/json" }).end(JSON.stringify(body));
        return;
      }
      if (req.method === "POST" && path === "/slack/events") {
        const event = await toHttpApiEvent(req);
        const requestId = event.requestContext.requestId;
        const result = await withLogKeys({ [CORRELATION_KEY]: requestId }, () =>
          slackHandler(event, localContext(requestId)),
        );
        writeHttpApiResult(res, result);
        return;
      }
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
    } catch (error) {
      source.logger.error("dev server request failed", { error });
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(env.port, options.host ?? "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.port;
  const janitor = async () => runJanitor(await currentWorker());
  const ticks = scheduleJanitor(janitor, options.janitorIntervalMs ?? 0, source.logger);
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    get worker() {
      return worker!;
    },
    idle: dispatcher.idle,
    janitor,
    close: async () => {
      await ticks.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/** Runs the janitor every `intervalMs` (none when 0), one run at a time; a failed run is logged, the next one runs. */
function scheduleJanitor(run: () => Promise<unknown>, intervalMs: number, logger: Logger): { stop(): Promise<void> } {
  if (intervalMs <= 0) return { stop: async () => {} };
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = run()
      .then(() => {})
      .catch((error: unknown) => logger.error("the scheduled janitor run failed", { error }))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    // A run in flight finishes first: closing must not cut it off from the cluster mid-way.
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/** The Lambda context of a local request: its request id, and names that say it is not Lambda. */
function localContext(requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "pns-dev-slack",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:local:000000000000:function:pns-dev-slack",
    memoryLimitInMB: "0",
    awsRequestId: requestId,
    logGroupName: "local",
    logStreamName: "local",
    getRemainingTimeInMillis: () => 3000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** Creates the table on a local DynamoDB endpoint (dynalite) when it does not exist yet. */
async function ensureLocalTable(table: string): Promise<void> {
  const client = new DynamoDBClient({});
  try {
    await client.send(new CreateTableCommand(tableDefinition(table)));
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  } finally {
    client.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const server = await startDevServer({ janitorIntervalMs: readEnv().janitorIntervalMs }).catch((err: unknown) => {
    const error = asPnsError(err);
    process.stderr.write(`pns dev server did not start: ${error.userMessage}\n${error.hint ? `${error.hint}\n` : ""}`);
    if (error.code === "internal") process.stderr.write(`${String(error.cause)}\n`);
    process.stderr.write("To run the whole product locally with a fake Slack and a simulated cluster: npm run demo\n");
    process.exit(1);
  });
  process.stdout.write(`pns dev server: ${server.url}/slack/events (health: ${server.url}/healthz)\n`);
  const every = readEnv().janitorIntervalMs;
  process.stdout.write(
    every > 0 ? `The janitor runs every ${every / 1000} s (PNS_JANITOR_INTERVAL).\n` : "The janitor does not run.\n",
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => void server.close().then(() => process.exit(0)));
  }
}
