import type { Context } from "aws-lambda";
import type { WorkerDeps } from "../app/deps.js";
import type { PodDebugger } from "../app/ports/cluster.js";
import { runJob } from "../app/run-job.js";
import { awsClusterCredentials } from "../aws/cluster-credentials.js";
import { createLambdaDispatcher } from "../aws/lambda-dispatcher.js";
import { addLambdaContext, createJsonLogger, withLogKeys } from "../aws/logger.js";
import { createEmfMetrics, type LambdaMetrics } from "../aws/metrics.js";
import { PnsError } from "../core/errors.js";
import type { Job } from "../core/jobs.js";
import { createKubeDebugger } from "../kube/pod-debugger.js";
import { CORRELATION_KEY, carryingCorrelation, type JobEnvelope } from "./correlation.js";
import { readEnv } from "./env.js";
import { type HealthCheckEvent, type HealthReport, healthOf, isHealthCheck } from "./health.js";
import { createRuntimeSource, type Runtime, type RuntimeSource } from "./runtime.js";

/** The worker's dependencies on a runtime: one PodDebugger per configured cluster, built when first used. */
export function buildWorkerDeps(
  runtime: Runtime,
  dispatch: (job: Job) => Promise<void>,
  debuggerFor?: (cluster: string) => PodDebugger,
): WorkerDeps {
  const { config } = runtime.deps;
  const debuggers = new Map<string, PodDebugger>();
  const byName = (cluster: string): PodDebugger => {
    const access = config.clusters[cluster];
    if (!access) throw new PnsError("invalid_config", `Cluster ${cluster} is not in the pns configuration.`);
    let dbg = debuggers.get(cluster);
    if (!dbg) {
      // pns's clock, so expiry (of copies too) follows the clock the rest of pns runs on.
      dbg = createKubeDebugger(
        { name: cluster, access, debug: config.debug },
        { credentials: awsClusterCredentials, now: runtime.deps.now },
      );
      debuggers.set(cluster, dbg);
    }
    return dbg;
  };
  return {
    ...runtime.deps,
    dispatch,
    debuggerFor: debuggerFor ?? byName,
    watchAfterSignalMs: runtime.env.watchAfterSignalMs,
  };
}

/** The worker's dependencies for the runtime in force, built again only when the runtime changes. */
export function rotatingWorkerDeps(
  source: RuntimeSource,
  dispatch: (job: Job) => Promise<void>,
  debuggerFor?: (cluster: string) => PodDebugger,
): () => Promise<WorkerDeps> {
  let built: { runtime: Runtime; deps: WorkerDeps } | undefined;
  return async () => {
    const runtime = await source.current();
    if (built?.runtime !== runtime) built = { runtime, deps: buildWorkerDeps(runtime, dispatch, debuggerFor) };
    return built.deps;
  };
}

/** The parts of a worker or janitor container, made on its first event. */
export interface WorkerEntry {
  source: RuntimeSource;
  metrics: LambdaMetrics;
  deps: () => Promise<WorkerDeps>;
}

let ready: WorkerEntry | undefined;

/** The container's parts (shared by the worker and the janitor, which run the same code). */
export function workerEntry(): WorkerEntry {
  if (ready) return ready;
  const env = readEnv();
  if (!env.workerFunction) throw new Error("PNS_WORKER_FUNCTION is not set.");
  const logger = createJsonLogger({ level: env.logLevel, service: env.service });
  const metrics = createEmfMetrics({ service: env.service, logger });
  const source = createRuntimeSource(env, { logger, metrics, profile: "worker" });
  const dispatch = carryingCorrelation(createLambdaDispatcher(env.workerFunction));
  ready = { source, metrics, deps: rotatingWorkerDeps(source, dispatch) };
  return ready;
}

/** The worker's dependencies for the credentials and configuration in force. */
export function workerDeps(): Promise<WorkerDeps> {
  return workerEntry().deps();
}

/**
 * Lambda entry point: one job handed over by the Slack handler (an async invoke), or the smoke invoke
 * `{"healthcheck": true}`. Its log lines carry the job's id and the correlation id of the Slack request that started it.
 */
export async function handler(
  event: JobEnvelope | HealthCheckEvent,
  context: Context,
): Promise<HealthReport | undefined> {
  const { source, metrics, deps } = workerEntry();
  addLambdaContext(source.logger, context);
  metrics.coldStart(context.functionName);
  try {
    if (isHealthCheck(event)) return await healthOf(source);
    const { correlationId, ...job } = event;
    const keys = { [CORRELATION_KEY]: correlationId ?? context.awsRequestId, job_id: job.id };
    await withLogKeys(keys, async () => runJob(await deps(), job as Job));
    return undefined;
  } finally {
    metrics.flush();
  }
}
