import { createHmac } from "node:crypto";
import { WebClient } from "@slack/web-api";
import type { AppDeps } from "../app/deps.js";
import type { Stores } from "../app/ports/stores.js";
import { createJsonLogger } from "../aws/logger.js";
import { loadSlackCredentials, type SlackCredentials } from "../aws/slack-credentials.js";
import { defaultConfig } from "../core/config/defaults.js";
import type { Job } from "../core/jobs.js";
import type { Logger } from "../core/log.js";
import { createRedactor } from "../core/redact/redactor.js";
import { createSlackChat } from "../slack/chat.js";
import { createResponder } from "../slack/response-url.js";
import { createUserGroups } from "../slack/user-groups.js";
import { createStores } from "../store/create-stores.js";
import { loadConfig } from "./config-file.js";
import type { PnsEnv } from "./env.js";
import { newId } from "./ids.js";

/** What every handler builds once per Lambda container (and the dev server once per process). */
export interface Runtime {
  env: PnsEnv;
  logger: Logger;
  credentials: SlackCredentials;
  /** A Web API client on the bot token (and `SLACK_API_URL` when set). */
  slack: WebClient;
  deps: Omit<AppDeps, "dispatch">;
}

/** Builds the runtime from the environment: logger, credentials, configuration, stores, user groups. */
export async function createRuntime(
  env: PnsEnv,
  overrides: { stores?: Stores; logger?: Logger; now?: () => number } = {},
): Promise<Runtime> {
  const logger = overrides.logger ?? createJsonLogger({ level: env.logLevel });
  const credentials = await loadSlackCredentials({
    secretArn: env.slackSecretArn,
    signingSecret: env.signingSecret,
    botToken: env.botToken,
  });
  const loaded = await loadConfig(env);
  if (!loaded.ok) logger.error("configuration invalid; pns will refuse every command", { problem: loaded.problem });
  else logger.info("configuration loaded", { source: loaded.source });
  // With a broken configuration nothing is allowed: every command answers with the problem instead.
  const config = loaded.ok ? loaded.config : { ...defaultConfig({}), channels: {} };
  const slack = new WebClient(credentials.botToken, env.slackApiUrl ? { slackApiUrl: env.slackApiUrl } : {});
  const stores = overrides.stores ?? createStores(env.table ? { PNS_TABLE: env.table } : {});
  const groups = new Set<string>();
  for (const audience of Object.values(config.people)) for (const g of audience.groups) groups.add(g);
  for (const policy of config.signals) for (const g of policy.approvers.groups) groups.add(g);
  return {
    env,
    logger,
    credentials,
    slack,
    deps: {
      config,
      stores,
      // Local runs (SLACK_API_URL set) answer through the fake Slack's own response_urls, on the same origin.
      redactor: createRedactor(config.redaction.patterns),
      chat: createSlackChat(slack, createResponder(env.slackApiUrl ? [`${new URL(env.slackApiUrl).origin}/`] : [])),
      userGroups: createUserGroups(slack, [...groups], { logger }),
      logger,
      now: overrides.now ?? Date.now,
      newId,
      metadataKey: createHmac("sha256", credentials.signingSecret).update("pns metadata key v1").digest(),
      configProblem: loaded.ok ? undefined : loaded.problem,
    },
  };
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
