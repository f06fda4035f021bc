import { createServer, type Server } from "node:http";
import { pathToFileURL } from "node:url";
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import type { WorkerDeps } from "../app/deps.js";
import { runJanitor } from "../app/janitor.js";
import type { PodDebugger } from "../app/ports/cluster.js";
import type { Stores } from "../app/ports/stores.js";
import { runJob } from "../app/run-job.js";
import { asPnsError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { type PnsEnv, readEnv } from "../handlers/env.js";
import { createInProcessDispatcher, createRuntime } from "../handlers/runtime.js";
import { buildSlackHandler } from "../handlers/slack.js";
import { buildWorkerDeps } from "../handlers/worker.js";
import { tableDefinition } from "../store/dynamo/table.js";
import { toHttpApiEvent, writeHttpApiResult } from "./lambda-http.js";

/** A running `npm run dev`: the Slack handler over HTTP with the worker in-process. */
export interface DevServer {
  url: string;
  worker: WorkerDeps;
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
}

/**
 * Serves the same handlers Lambda runs: `POST /slack/events` (slash commands and interactions, as API Gateway
 * HTTP API events) and `GET /healthz`, with the worker running jobs in this process.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const env = options.env ?? readEnv();
  if (env.table && process.env.AWS_ENDPOINT_URL_DYNAMODB) await ensureLocalTable(env.table);
  const runtime = await createRuntime(env, {
    ...(options.stores ? { stores: options.stores } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  let worker: WorkerDeps | undefined;
  const dispatcher = createInProcessDispatcher((job) => runJob(worker!, job), runtime.logger);
  worker = buildWorkerDeps(runtime, dispatcher.dispatch, options.debuggerFor);
  const slackHandler = await buildSlackHandler(runtime, dispatcher.dispatch);

  const server: Server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (req.method === "GET" && path === "/healthz") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
        return;
      }
      if (req.method === "POST" && path === "/slack/events") {
        const event = await toHttpApiEvent(req);
        writeHttpApiResult(res, await slackHandler(event as never, {}));
        return;
      }
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
    } catch (error) {
      runtime.logger.error("dev server request failed", { error });
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(env.port, options.host ?? "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.port;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    worker,
    idle: dispatcher.idle,
    janitor: () => runJanitor(worker!),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
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
  const server = await startDevServer().catch((err: unknown) => {
    const error = asPnsError(err);
    process.stderr.write(`pns dev server did not start: ${error.userMessage}\n${error.hint ? `${error.hint}\n` : ""}`);
    if (error.code === "internal") process.stderr.write(`${String(error.cause)}\n`);
    process.stderr.write("To run the whole product locally with a fake Slack and a simulated cluster: npm run demo\n");
    process.exit(1);
  });
  process.stdout.write(`pns dev server: ${server.url}/slack/events (health: ${server.url}/healthz)\n`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => void server.close().then(() => process.exit(0)));
  }
}
