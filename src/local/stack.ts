import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Stores } from "../app/ports/stores.js";
import type { Logger } from "../core/log.js";
import { readEnv } from "../handlers/env.js";
import { type DevServer, type DevServerOptions, startDevServer } from "./dev-server.js";
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from "./fake-slack/server.js";
import { type Simulator, type SimulatorOptions, startSimulator } from "./sim/index.js";

/** The demo's configuration: the fake Slack's #ops on the simulator's cluster. */
export const DEMO_CONFIG_PATH = fileURLToPath(new URL("./demo.config.yaml", import.meta.url));

/** pns running locally against the simulator and the fake Slack: what the demo shows and the flow tests drive. */
export interface LocalStack {
  sim: Simulator;
  slack: FakeSlack;
  app: DevServer;
  close(): Promise<void>;
}

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  sim?: SimulatorOptions;
  slack?: FakeSlackOptions;
  /** The pns configuration file. @default the demo's, src/local/demo.config.yaml (#ops on the simulator) */
  configPath?: string;
  /** A DynamoDB table (with AWS_ENDPOINT_URL_DYNAMODB pointing at a local endpoint); none means the embedded store. */
  table?: string;
  stores?: Stores;
  logger?: Logger;
  /** Port of the app's dev server. @default 0 (any free port) */
  appPort?: number;
  /** pns's clock (not the simulator's or the fake Slack's), for tests that move time. @default Date.now */
  now?: () => number;
  /** See {@link DevServerOptions.intercept}. */
  intercept?: DevServerOptions["intercept"];
  /** Runs the janitor this often (the demo: every 15 s). @default 0: only when asked */
  janitorIntervalMs?: number;
  /** How long pns watches after a signal. @default `PNS_WATCH_AFTER_SIGNAL` of this process, else 10 s */
  watchAfterSignalMs?: number;
}

/**
 * Starts the simulator (seed scenario), the fake Slack and pns's dev server, wired together: the fake Slack signs
 * and sends user actions to pns, pns calls the fake's Web API and the simulator's Kubernetes API.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dir = await mkdtemp(join(tmpdir(), "pns-stack-"));
  const sim = await startSimulator({
    podStartDelayMs: 100,
    ...options.sim,
    kubeconfigPath: join(dir, "sim.kubeconfig"),
  });
  const slack = await startFakeSlack(options.slack);
  const env = readEnv({
    KUBECONFIG: sim.kubeconfigPath ?? undefined,
    SLACK_SIGNING_SECRET: slack.signingSecret,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_API_URL: slack.apiUrl,
    // An explicit local configuration: without one pns refuses every command, locally as on Lambda.
    PNS_CONFIG: options.configPath ?? DEMO_CONFIG_PATH,
    PNS_TABLE: options.table,
    PORT: String(options.appPort ?? 0),
    PNS_LOG_LEVEL: process.env.PNS_LOG_LEVEL ?? "warn",
    PNS_WATCH_AFTER_SIGNAL:
      options.watchAfterSignalMs === undefined
        ? process.env.PNS_WATCH_AFTER_SIGNAL
        : String(options.watchAfterSignalMs / 1000),
  });
  const app = await startDevServer({
    env,
    ...(options.stores ? { stores: options.stores } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.intercept ? { intercept: options.intercept } : {}),
    ...(options.janitorIntervalMs ? { janitorIntervalMs: options.janitorIntervalMs } : {}),
  });
  slack.setAppUrl(`${app.url}/slack/events`);
  return {
    sim,
    slack,
    app,
    async close() {
      await app.idle();
      await app.close();
      await slack.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
