import type { WebClient } from "@slack/web-api";
import type { PnsConfig } from "../core/config/types.js";
import { PnsError } from "../core/errors.js";
import type { Job } from "../core/jobs.js";
import type { Logger } from "../core/log.js";
import type { Stores } from "../store/types.js";
import type { UserGroups } from "./user-groups.js";

/** What the Slack listeners and the worker's jobs share, built once per Lambda container. */
export interface SlackDeps {
  config: PnsConfig;
  stores: Stores;
  /** Hands a job to the worker: a Lambda async invoke, or in-process locally. */
  dispatch: (job: Job) => Promise<void>;
  userGroups: UserGroups;
  logger: Logger;
  /** Epoch milliseconds. @default Date.now */
  now: () => number;
  /** A new random id (listing, request, job and audit ids): URL-safe, ≤ 64 chars. */
  newId: () => string;
  /** Set when the configuration could not be loaded: every command then answers with it instead of acting. */
  configProblem?: string | undefined;
}

/** The Slack Web API methods pns calls, so tests and the worker can pass any WebClient. */
export type SlackClient = Pick<WebClient, "chat" | "views" | "files" | "filesUploadV2">;

/** Throws a PnsError that says the configuration is broken, when it is. */
export function assertConfigured(deps: Pick<SlackDeps, "configProblem">): void {
  if (!deps.configProblem) return;
  const lines = deps.configProblem.split("\n");
  throw new PnsError("invalid_config", "pns cannot act: its configuration is invalid.", {
    hint: `Whoever runs pns must fix it: ${lines.slice(0, 6).join(" ")}${lines.length > 6 ? " …" : ""}`,
  });
}
