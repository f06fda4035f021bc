import type { WorkerDeps } from "../app/deps.js";
import type { PodDebugger } from "../app/ports/cluster.js";
import { runJob } from "../app/run-job.js";
import { awsClusterCredentials } from "../aws/cluster-credentials.js";
import { createLambdaDispatcher } from "../aws/lambda-dispatcher.js";
import { PnsError } from "../core/errors.js";
import type { Job } from "../core/jobs.js";
import { createKubeDebugger } from "../kube/pod-debugger.js";
import { readEnv } from "./env.js";
import { createRuntime, type Runtime } from "./runtime.js";

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
      dbg = createKubeDebugger({ name: cluster, access, debug: config.debug }, { credentials: awsClusterCredentials });
      debuggers.set(cluster, dbg);
    }
    return dbg;
  };
  return {
    ...runtime.deps,
    dispatch,
    debuggerFor: debuggerFor ?? byName,
  };
}

let ready: Promise<WorkerDeps> | undefined;

/** Builds (once per container) the worker's dependencies from the environment. */
export function workerDeps(): Promise<WorkerDeps> {
  ready ??= (async () => {
    const env = readEnv();
    const runtime = await createRuntime(env);
    if (!env.workerFunction) throw new Error("PNS_WORKER_FUNCTION is not set.");
    return buildWorkerDeps(runtime, createLambdaDispatcher(env.workerFunction));
  })().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

/** Lambda entry point: one job handed over by the Slack handler (an async invoke). */
export async function handler(job: Job): Promise<void> {
  await runJob(await workerDeps(), job);
}
