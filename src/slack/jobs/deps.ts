import type { Redactor } from "../../core/redact/redactor.js";
import type { PodDebugger } from "../../kube/pod-debugger.js";
import type { SlackClient, SlackDeps } from "../deps.js";
import type { ResponseUrlMessage } from "../response-url.js";

/** What the worker's jobs use on top of the Slack handler's dependencies. */
export interface WorkerDeps extends SlackDeps {
  slack: SlackClient;
  /** The debugger of a configured cluster (one per cluster, reused across invocations). */
  debuggerFor(cluster: string): PodDebugger;
  redactor: Redactor;
  /** Posts to a `response_url`. */
  respond(url: string, message: ResponseUrlMessage): Promise<void>;
}

/** How long a process table can be acted on ("Request signal…"). @default 1 hour */
export const LISTING_TTL_MS = 60 * 60_000;
