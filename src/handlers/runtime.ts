import { createHmac } from "node:crypto";
import { LogLevel, WebClient, type WebClientOptions } from "@slack/web-api";
import type { AppDeps } from "../app/deps.js";
import type { Stores } from "../app/ports/stores.js";
import { type AwsClientProfile, awsClientConfig } from "../aws/client-config.js";
import { createJsonLogger } from "../aws/logger.js";
import { loadSlackCredentials, type SlackCredentials } from "../aws/slack-credentials.js";
import { defaultConfig, NOT_CONFIGURED } from "../core/config/defaults.js";
import type { Job } from "../core/jobs.js";
import type { Logger } from "../core/log.js";
import type { Metrics } from "../core/metrics.js";
import { createRedactor } from "../core/redact/redactor.js";
import { createSlackChat } from "../slack/chat.js";
import { createResponder } from "../slack/response-url.js";
import { createUserGroups } from "../slack/user-groups.js";
import { createStores } from "../store/create-stores.js";
import type { LoadedConfig } from "./config-file.js";
import { createConfigSource } from "./config-source.js";
import type { PnsEnv } from "./env.js";
import { newId } from "./ids.js";

/** What the handlers act on: built from the Slack credentials and the configuration in force. */
export interface Runtime {
  env: PnsEnv;
  logger: Logger;
  credentials: SlackCredentials;
  /** A Web API client on the bot token (and `SLACK_API_URL` when set). */
  slack: WebClient;
  /** The configuration's source, or why there is none to act on. */
  config: LoadedConfig;
  deps: Omit<AppDeps, "dispatch">;
}

/** Gives the runtime for the credentials and configuration in force now: a new one whenever either changed. */
export interface RuntimeSource {
  readonly logger: Logger;
  /** The same object for as long as the Slack secret's values and the configuration stay the same. */
  current(): Promise<Runtime>;
  /** Why the newest configuration was refused while an older one stays in force (health checks report it). */
  refusedConfig(): string | undefined;
}

/** What tests, the dev server and the handlers give instead of the environment's defaults. */
export interface RuntimeOptions {
  stores?: Stores;
  logger?: Logger;
  metrics?: Metrics;
  /** Epoch milliseconds. @default Date.now */
  now?: () => number;
  /** `ack` for the slack function (short timeouts, few retries), `worker` for the rest. @default "worker" */
  profile?: AwsClientProfile;
}

/** After a failed read of the Slack secret, how long the credentials in use are kept before reading again. @default 10 s */
export const CREDENTIALS_RETRY_MS = 10_000;

/**
 * Web API settings per profile. `ack`: Slack must have its answer within 3 s, so each call gets 1 s, one quick retry,
 * and a rate-limited call fails at once instead of waiting out `Retry-After`; `worker`: longer, and waits out limits.
 */
const WEB_API: Record<AwsClientProfile, WebClientOptions> = {
  ack: {
    timeout: 1000,
    retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 100 },
    rejectRateLimitedCalls: true,
  },
  worker: { timeout: 10_000, retryConfig: { retries: 3 }, rejectRateLimitedCalls: false },
};

/** The Web API client options of a profile, on `SLACK_API_URL` when set, logging through `logger` when given. */
export function webClientOptions(env: PnsEnv, profile: AwsClientProfile, logger?: Logger): WebClientOptions {
  return {
    ...WEB_API[profile],
    ...(env.slackApiUrl ? { slackApiUrl: env.slackApiUrl } : {}),
    ...(logger ? { logger: webApiLogger(logger) } : {}),
  };
}

/** The Web API client's own lines (a failed request, a retry) through pns's logger: JSON and redacted too. */
function webApiLogger(logger: Logger): NonNullable<WebClientOptions["logger"]> {
  let level = LogLevel.INFO;
  const line =
    (write: (message: string) => void) =>
    (...msg: unknown[]) =>
      write(`web-api: ${msg.map(String).join(" ")}`);
  return {
    debug: line((m) => logger.debug(m)),
    info: line((m) => logger.info(m)),
    warn: line((m) => logger.warn(m)),
    error: line((m) => logger.error(m)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/**
 * The runtime source of a Lambda container (or the dev server): logger and stores made once; the Slack credentials
 * (re-read from Secrets Manager after their cache age) and the configuration (src/handlers/config-source.ts) looked
 * up on every call, and the Web API client, chat, user groups and metadata key made anew when they changed, so a
 * rotated secret or a new configuration takes effect without a redeploy. A failed read of the secret keeps the
 * credentials in use (logged at ERROR) for {@link CREDENTIALS_RETRY_MS}; with none yet, it throws.
 */
export function createRuntimeSource(env: PnsEnv, options: RuntimeOptions = {}): RuntimeSource {
  const logger = options.logger ?? createJsonLogger({ level: env.logLevel, service: env.service });
  const profile = options.profile ?? "worker";
  const stores =
    options.stores ??
    createStores(env.table ? { PNS_TABLE: env.table } : {}, { clientConfig: awsClientConfig(profile) });
  const configs = createConfigSource(env, logger);
  let last: Runtime | undefined;
  let retryAt = 0;

  const credentials = async (): Promise<SlackCredentials> => {
    if (last && Date.now() < retryAt) return last.credentials;
    try {
      const read = await loadSlackCredentials({
        secretArn: env.slackSecretArn,
        signingSecret: env.signingSecret,
        botToken: env.botToken,
      });
      retryAt = 0;
      return read;
    } catch (error) {
      if (!last) throw error;
      retryAt = Date.now() + CREDENTIALS_RETRY_MS;
      logger.error("could not read the Slack credentials; keeping the ones in use", { error });
      return last.credentials;
    }
  };

  return {
    logger,
    refusedConfig: () => configs.refused(),
    async current() {
      const [creds, loaded] = await Promise.all([credentials(), configs.current()]);
      const previous = last;
      const sameCredentials =
        previous?.credentials.signingSecret === creds.signingSecret && previous.credentials.botToken === creds.botToken;
      if (previous && sameCredentials && previous.config === loaded) return previous;
      if (previous) {
        // Never the values: only which of them changed.
        const changed = [
          previous.credentials.signingSecret !== creds.signingSecret ? "signing secret" : "",
          previous.credentials.botToken !== creds.botToken ? "bot token" : "",
          previous.config !== loaded ? "configuration" : "",
        ].filter(Boolean);
        logger.info("building pns anew", { changed });
      }
      const slack =
        previous && previous.credentials.botToken === creds.botToken
          ? previous.slack
          : new WebClient(creds.botToken, webClientOptions(env, profile, logger));
      last = build(env, { logger, stores, slack, credentials: creds, loaded, options });
      return last;
    },
  };
}

/** One runtime, from its parts. */
function build(
  env: PnsEnv,
  parts: {
    logger: Logger;
    stores: Stores;
    slack: WebClient;
    credentials: SlackCredentials;
    loaded: LoadedConfig;
    options: RuntimeOptions;
  },
): Runtime {
  const { logger, stores, slack, credentials, loaded, options } = parts;
  if (!loaded.ok) {
    const missing = loaded.problem.startsWith(NOT_CONFIGURED);
    logger.error(
      missing
        ? "pns is not configured; it will refuse every command"
        : "configuration invalid; pns will refuse every command",
      { problem: loaded.problem },
    );
  } else logger.info("configuration in force", { source: loaded.source });
  // Without a usable configuration nothing is allowed (the default binds no channel and grants nobody anything):
  // every command answers with the problem instead.
  const config = loaded.ok ? loaded.config : defaultConfig({});
  const groups = new Set<string>();
  for (const audience of Object.values(config.people)) for (const g of audience.groups) groups.add(g);
  for (const policy of config.signals) for (const g of policy.approvers.groups) groups.add(g);
  return {
    env,
    logger,
    credentials,
    slack,
    config: loaded,
    deps: {
      config,
      stores,
      // Local runs (SLACK_API_URL set) answer through the fake Slack's own response_urls, on the same origin.
      redactor: createRedactor(config.redaction.patterns),
      chat: createSlackChat(slack, createResponder(env.slackApiUrl ? [`${new URL(env.slackApiUrl).origin}/`] : [])),
      userGroups: createUserGroups(slack, [...groups], { logger }),
      logger,
      now: options.now ?? Date.now,
      newId,
      metadataKey: createHmac("sha256", credentials.signingSecret).update("pns metadata key v1").digest(),
      configProblem: loaded.ok ? undefined : loaded.problem,
      metrics: options.metrics,
    },
  };
}

/** The runtime in force now, from a source made for the occasion (tests and benches that need just one). */
export function createRuntime(env: PnsEnv, options: RuntimeOptions = {}): Promise<Runtime> {
  return createRuntimeSource(env, options).current();
}

/** A dispatcher that runs jobs in this process, for local runs; `idle()` waits for every job started so far. */
export function createInProcessDispatcher(run: (job: Job) => Promise<void>, logger: Logger) {
  const running = new Set<Promise<void>>();
  return {
    async dispatch(job: Job): Promise<void> {
      const p: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => run(job))
        .catch((error: unknown) => logger.error("in-process job failed", { error, job: job.kind }))
        .finally(() => running.delete(p));
      running.add(p);
    },
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
