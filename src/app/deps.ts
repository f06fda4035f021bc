import { NOT_CONFIGURED } from "../core/config/defaults.js";
import type { PnsConfig } from "../core/config/types.js";
import { PnsError } from "../core/errors.js";
import type { Job } from "../core/jobs.js";
import type { Logger } from "../core/log.js";
import type { Metrics } from "../core/metrics.js";
import type { Redactor } from "../core/redact/redactor.js";
import type { Chat, UserGroups } from "./ports/chat.js";
import type { PodDebugger } from "./ports/cluster.js";
import type { Stores } from "./ports/stores.js";

/**
 * The ports every use case may use, built once per Lambda container: what the Slack handler has on its 3-second
 * path (no cluster there: client-node stays off the acknowledgement path).
 */
export interface AppDeps {
  config: PnsConfig;
  stores: Stores;
  chat: Chat;
  /** Hands a job to the worker: a Lambda async invoke, or in-process locally. */
  dispatch: (job: Job) => Promise<void>;
  userGroups: UserGroups;
  logger: Logger;
  /** Epoch milliseconds. @default Date.now */
  now: () => number;
  /** A new random id (listing, request, job and audit ids): URL-safe, ≤ 64 chars. */
  newId: () => string;
  /**
   * The server key that seals what pns hands to Slack and gets back (the reason modal's `private_metadata`);
   * derived from the signing secret, never logged.
   */
  metadataKey: Uint8Array;
  /** Masks secrets in everything pns shows, stores or logs: command lines, files, reasons, command text, audit. */
  redactor: Redactor;
  /** Set when the configuration could not be loaded: every command then answers with it instead of acting. */
  configProblem?: string | undefined;
  /** Counters (CloudWatch EMF on Lambda); none locally. */
  metrics?: Metrics | undefined;
}

/** What the worker's use cases use on top of {@link AppDeps}: the clusters and the redactor. */
export interface WorkerDeps extends AppDeps {
  /** The debugger of a configured cluster (one per cluster, reused across invocations). */
  debuggerFor(cluster: string): PodDebugger;
  /** Waits between reads of a signal's evidence (the container's log). @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** How long pns watches what happens after a signal before it says so in the thread; 0: not at all. @default 10 s */
  watchAfterSignalMs?: number;
}

/** How long a process table can be acted on ("Request signal…"). @default 1 hour */
export const LISTING_TTL_MS = 60 * 60_000;

/** Throws a PnsError that says there is no configuration, or that it is broken, when so. */
export function assertConfigured(deps: Pick<AppDeps, "configProblem">): void {
  if (!deps.configProblem) return;
  const lines = deps.configProblem.split("\n");
  if (deps.configProblem.startsWith(NOT_CONFIGURED)) {
    // No configuration at all: the first line says so, the rest is what whoever runs pns does about it.
    throw new PnsError("invalid_config", lines[0]!, {
      hint: `Whoever runs pns must configure it: ${lines.slice(1).join(" ")}`,
    });
  }
  throw new PnsError("invalid_config", "pns cannot act: its configuration is invalid.", {
    hint: `Whoever runs pns must fix it: ${lines.slice(0, 6).join(" ")}${lines.length > 6 ? " …" : ""}`,
  });
}
