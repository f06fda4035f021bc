import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, Context } from "aws-lambda";
import { createLambdaDispatcher } from "../aws/lambda-dispatcher.js";
import { addLambdaContext, createJsonLogger, withLogKeys } from "../aws/logger.js";
import { createEmfMetrics, type LambdaMetrics } from "../aws/metrics.js";
import type { Job } from "../core/jobs.js";
import { createSlackHandler, type SlackLambdaHandler } from "../slack/app.js";
import { CORRELATION_KEY, carryingCorrelation } from "./correlation.js";
import { readEnv } from "./env.js";
import { type HealthCheckEvent, type HealthReport, healthOf, isHealthCheck } from "./health.js";
import { createRuntimeSource, type Runtime, type RuntimeSource } from "./runtime.js";

/** What API Gateway hands the slack function: an HTTP API (v2) or a REST API (v1) proxy event. */
export type SlackEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent;

/** Builds the Slack handler on a runtime, handing jobs to `dispatch` (the worker Lambda, or in-process locally). */
export function buildSlackHandler(
  runtime: Runtime,
  dispatch: (job: Job) => Promise<void>,
): Promise<SlackLambdaHandler> {
  return createSlackHandler(
    runtime.credentials,
    { ...runtime.deps, dispatch },
    { slackApiUrl: runtime.env.slackApiUrl },
  );
}

/**
 * The Slack handler on a runtime source, built again whenever the source's runtime changes: a rotated signing
 * secret is then checked (by the request guard and by Bolt) and a rotated bot token used from the first request
 * after the secret's cache age, and a new configuration from the first after its own, with no redeploy.
 */
export function createRotatingSlackHandler(
  source: RuntimeSource,
  dispatch: (job: Job) => Promise<void>,
): (event: SlackEvent, context: Context) => Promise<APIGatewayProxyResult> {
  let built: { runtime: Runtime; handler: Promise<SlackLambdaHandler> } | undefined;
  return async (event, context) => {
    const runtime = await source.current();
    if (built?.runtime !== runtime) {
      const handler = buildSlackHandler(runtime, dispatch);
      built = { runtime, handler };
      handler.catch(() => {
        if (built?.handler === handler) built = undefined;
      });
    }
    // Bolt's AwsEvent is these two API Gateway shapes, typed loosely.
    return (await built.handler)(event as Parameters<SlackLambdaHandler>[0], context);
  };
}

/** True for a slash command Slack sends for the first time (not one of its retries), answered 200. */
function countsAsCommand(event: SlackEvent, result: APIGatewayProxyResult): boolean {
  if (result.statusCode !== 200) return false;
  const headers = Object.keys(event.headers ?? {}).map((h) => h.toLowerCase());
  if (headers.includes("x-slack-retry-num")) return false;
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : (event.body ?? "");
  return new URLSearchParams(raw).has("command");
}

interface Entry {
  source: RuntimeSource;
  metrics: LambdaMetrics;
  handle: (event: SlackEvent, context: Context) => Promise<APIGatewayProxyResult>;
}

let ready: Entry | undefined;

/** The container's parts, made on its first event: nothing is read from AWS before a request needs it. */
function entry(): Entry {
  if (ready) return ready;
  const env = readEnv();
  if (!env.workerFunction) throw new Error("PNS_WORKER_FUNCTION is not set: the Slack handler cannot hand work off.");
  const logger = createJsonLogger({ level: env.logLevel, service: env.service });
  const metrics = createEmfMetrics({ service: env.service, logger });
  const source = createRuntimeSource(env, { logger, metrics, profile: "ack" });
  const dispatch = carryingCorrelation(createLambdaDispatcher(env.workerFunction));
  ready = { source, metrics, handle: createRotatingSlackHandler(source, dispatch) };
  return ready;
}

/**
 * Lambda entry point: Slack's slash commands and interactions (API Gateway HTTP API or REST events), and the smoke
 * invoke `{"healthcheck": true}`. Every line logged for a request carries its API Gateway request id as
 * `correlation_id`, and so does every job it hands the worker.
 */
export async function handler(
  event: SlackEvent | HealthCheckEvent,
  context: Context,
): Promise<APIGatewayProxyResult | HealthReport> {
  const { source, metrics, handle } = entry();
  addLambdaContext(source.logger, context);
  metrics.coldStart(context.functionName);
  try {
    if (isHealthCheck(event)) return await healthOf(source);
    const correlationId = event.requestContext?.requestId ?? context.awsRequestId;
    return await withLogKeys({ [CORRELATION_KEY]: correlationId }, async () => {
      const result = await handle(event, context);
      if (countsAsCommand(event, result)) metrics.count("commands");
      return result;
    });
  } finally {
    metrics.flush();
  }
}
