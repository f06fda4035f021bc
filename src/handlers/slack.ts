import { createLambdaDispatcher } from "../aws/lambda-dispatcher.js";
import type { Job } from "../core/jobs.js";
import { createSlackHandler, type SlackLambdaHandler } from "../slack/app.js";
import { readEnv } from "./env.js";
import { createRuntime, type Runtime } from "./runtime.js";

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

let ready: Promise<SlackLambdaHandler> | undefined;

/** Lambda entry point: Slack's slash commands and interactions (API Gateway REST or HTTP API events). */
export const handler: SlackLambdaHandler = async (event, context) => {
  ready ??= (async () => {
    const env = readEnv();
    if (!env.workerFunction) throw new Error("PNS_WORKER_FUNCTION is not set: the Slack handler cannot hand work off.");
    const runtime = await createRuntime(env);
    return buildSlackHandler(runtime, createLambdaDispatcher(env.workerFunction));
  })().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return (await ready)(event, context);
};
