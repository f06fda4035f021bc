import { type Logger, redactLogFields } from "../core/log.js";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;

/**
 * A JSON-lines logger for CloudWatch (and local runs): one object per line with level, message, time and redacted
 * fields. Errors keep their stack in the log (never in a Slack message).
 */
export function createJsonLogger(
  opts: { level?: keyof typeof LEVELS; service?: string; write?: (line: string) => void } = {},
): Logger {
  const min = LEVELS[opts.level ?? "info"];
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = (level: keyof typeof LEVELS) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const err = fields?.error instanceof Error ? fields.error : undefined;
    const entry: Record<string, unknown> = {
      level,
      message: redactLogFields(message),
      service: opts.service ?? "pns",
      time: new Date().toISOString(),
      ...(redactLogFields(fields ?? {}) as Record<string, unknown>),
    };
    if (err) entry.stack = redactLogFields(err.stack ?? "");
    write(JSON.stringify(entry));
  };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}
