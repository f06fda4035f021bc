/**
 * The one place pns reads its environment. Every variable, what it does and its default:
 *
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | `PNS_CONFIG` | path of the YAML configuration | `./pns.config.yaml`; when absent, pns is not configured and refuses every command |
 * | `PNS_CONFIG_PARAMETER` | SSM parameter (name or ARN) holding the configuration instead, re-read every 60 s | unset |
 * | `KUBECONFIG` | kubeconfig of the default cluster when the configuration names no clusters | client-node's default |
 * | `PNS_TABLE` | DynamoDB table; unset → the embedded in-process store | unset |
 * | `PNS_SLACK_SECRET_ARN` | Secrets Manager secret with `signingSecret` and `botToken` | unset |
 * | `SLACK_SIGNING_SECRET`, `SLACK_BOT_TOKEN` | credentials for local runs, instead of the secret | unset |
 * | `SLACK_API_URL` | base URL of the Slack Web API (a local fake) | Slack's own |
 * | `PNS_WORKER_FUNCTION` | the worker Lambda that jobs are handed to; unset → in-process | unset |
 * | `PORT` | port of `npm run dev` | 3000 |
 * | `PNS_JANITOR_INTERVAL` | seconds between janitor runs in `npm run dev` and `npm run demo` (`0`: none) | 15 |
 * | `PNS_WATCH_AFTER_SIGNAL` | seconds pns watches the processes and the pod after a signal before it reports (`0`: no watch) | 10 |
 * | `PNS_LOG_LEVEL` | debug, info, warn or error | info |
 * | `POWERTOOLS_SERVICE_NAME` | the `service` of every log line and the dimension of the metrics | pns |
 *
 * The AWS SDK reads its own (`AWS_REGION`, `AWS_ENDPOINT_URL_<SERVICE>` for local endpoints, credentials), and
 * Powertools its own (`AWS_LAMBDA_LOG_LEVEL` of Lambda's log controls overrides `PNS_LOG_LEVEL`).
 */
export interface PnsEnv {
  configPath: string;
  configPathGiven: boolean;
  configParameter: string | undefined;
  kubeconfig: string | undefined;
  table: string | undefined;
  slackSecretArn: string | undefined;
  signingSecret: string | undefined;
  botToken: string | undefined;
  slackApiUrl: string | undefined;
  workerFunction: string | undefined;
  port: number;
  /** Milliseconds between janitor runs of the dev server and the demo; 0: none. */
  janitorIntervalMs: number;
  /** Milliseconds pns watches after a signal; 0: none. */
  watchAfterSignalMs: number;
  logLevel: "debug" | "info" | "warn" | "error";
  service: string;
}

/** Reads {@link PnsEnv} from `process.env` (or the given record, for tests). */
export function readEnv(env: Record<string, string | undefined> = process.env): PnsEnv {
  const blank = (v: string | undefined) => (v && v.trim() !== "" ? v.trim() : undefined);
  const level = blank(env.PNS_LOG_LEVEL)?.toLowerCase();
  const port = Number(blank(env.PORT) ?? 3000);
  const janitor = Number(blank(env.PNS_JANITOR_INTERVAL) ?? 15);
  const watch = Number(blank(env.PNS_WATCH_AFTER_SIGNAL) ?? 10);
  return {
    configPath: blank(env.PNS_CONFIG) ?? "./pns.config.yaml",
    configPathGiven: blank(env.PNS_CONFIG) !== undefined,
    configParameter: blank(env.PNS_CONFIG_PARAMETER),
    kubeconfig: blank(env.KUBECONFIG),
    table: blank(env.PNS_TABLE),
    slackSecretArn: blank(env.PNS_SLACK_SECRET_ARN),
    signingSecret: blank(env.SLACK_SIGNING_SECRET),
    botToken: blank(env.SLACK_BOT_TOKEN),
    slackApiUrl: blank(env.SLACK_API_URL),
    workerFunction: blank(env.PNS_WORKER_FUNCTION),
    port: Number.isInteger(port) && port >= 0 && port < 65536 ? port : 3000,
    janitorIntervalMs: Number.isFinite(janitor) && janitor >= 0 ? Math.round(janitor * 1000) : 15_000,
    watchAfterSignalMs: Number.isFinite(watch) && watch >= 0 ? Math.round(Math.min(watch, 60) * 1000) : 10_000,
    logLevel: level === "debug" || level === "warn" || level === "error" ? level : "info",
    service: blank(env.POWERTOOLS_SERVICE_NAME) ?? "pns",
  };
}
