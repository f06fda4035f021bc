import { AsyncLocalStorage } from "node:async_hooks";
import { LogFormatter, LogItem, Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";
import type { LogAttributes, UnformattedAttributes } from "@aws-lambda-powertools/logger/types";
import type { Context } from "aws-lambda";
import { type Logger, redactLogFields } from "../core/log.js";

/** pns's levels, as Powertools names them. */
const LEVELS = { debug: "DEBUG", info: "INFO", warn: "WARN", error: "ERROR" } as const;

/** Keys Powertools keeps for itself and drops from a line's fields (its constants.js `ReservedKeys`). */
const RESERVED = new Set(["level", "message", "sampling_rate", "service", "timestamp"]);

/** The keys of the invocation in progress (correlation id, job id), per async context: the dev server runs many. */
const invocationKeys = new AsyncLocalStorage<Record<string, string>>();

/** Runs `run` with `keys` on every log line it writes, on top of the keys already in force. */
export function withLogKeys<T>(keys: Record<string, string>, run: () => T): T {
  return invocationKeys.run({ ...invocationKeys.getStore(), ...keys }, run);
}

/** The log keys in force here: `correlation_id` and `job_id` once a handler set them. */
export function currentLogKeys(): Readonly<Record<string, string>> {
  return invocationKeys.getStore() ?? {};
}

/**
 * Powertools' standard keys (level, message, timestamp, service, cold start, function and request id, X-Ray trace
 * id), then the line's own fields, every value through pns's redaction. Errors become Powertools' shape (name,
 * location, message, stack, cause) first, so their stacks stay in the log, redacted too.
 */
class RedactingFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    const base: LogAttributes = {
      level: attributes.logLevel,
      message: redactLogFields(attributes.message) as string,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: context?.coldStart,
      function_name: context?.functionName,
      function_arn: context?.invokedFunctionArn,
      function_request_id: context?.awsRequestId,
      xray_trace_id: attributes.xRayTraceId,
    };
    return new LogItem({ attributes: base }).addAttributes(redactLogFields(this.plain(additional)) as LogAttributes);
  }

  /** Errors anywhere in `value` as plain objects (with their stacks), and bigints as text, ready for JSON. */
  private plain(value: unknown, depth = 0): unknown {
    if (value instanceof Error) return this.plain(this.formatError(value), depth + 1);
    if (typeof value === "bigint") return value.toString();
    if (depth > 6 || value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((v) => this.plain(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.plain(v, depth + 1)]));
  }
}

/** Powertools' Logger, writing each finished line to `write` instead of stdout when given (tests). */
class PnsPowertoolsLogger extends PowertoolsLogger {
  write: ((line: string) => void) | undefined;

  protected override printLog(logLevel: number, log: LogItem): void {
    if (!this.write) {
      super.printLog(logLevel, log);
      return;
    }
    log.prepareForPrint();
    this.write(JSON.stringify(log.getAttributes()));
  }
}

const instances = new WeakMap<Logger, PowertoolsLogger>();

/**
 * A JSON-lines logger for CloudWatch (and local runs) on Powertools Logger: one object per line with Powertools'
 * keys (the request id and cold start once {@link addLambdaContext} ran), the invocation's keys
 * ({@link withLogKeys}) and the redacted fields. Errors keep their stack in the log (never in a Slack message).
 */
export function createJsonLogger(
  opts: { level?: keyof typeof LEVELS; service?: string; write?: (line: string) => void } = {},
): Logger {
  const pt = new PnsPowertoolsLogger({
    serviceName: opts.service ?? "pns",
    logLevel: LEVELS[opts.level ?? "info"],
    logFormatter: new RedactingFormatter(),
  });
  pt.write = opts.write;
  const log = (level: keyof typeof LEVELS) => (message: string, fields?: Record<string, unknown>) => {
    const extra: Record<string, unknown> = { ...invocationKeys.getStore() };
    for (const [k, v] of Object.entries(fields ?? {})) extra[RESERVED.has(k) ? `${k}_field` : k] = v;
    pt[level](message, extra);
  };
  const logger: Logger = { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
  instances.set(logger, pt);
  return logger;
}

/** Adds the Lambda invocation's request id, function and cold start to the lines of a logger made here. */
export function addLambdaContext(logger: Logger, context: Context): void {
  instances.get(logger)?.addContext(context);
}
