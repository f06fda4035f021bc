/** A structured logger. Fields are redacted by the implementation before anything is written. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Field names whose values are never logged: credentials, and what Slack sends (whole bodies and payloads, and
 * `response_url`s, which are bearer capabilities to post as pns).
 */
const SECRET_KEYS =
  /token|secret|password|passwd|authorization|signature|cookie|credential|private.?key|^body$|^raw.?body$|^payload$|response.?url/i;
/** Values that look like Slack tokens, bearer credentials, Slack signatures or response URLs. */
const SECRET_VALUES =
  /\b(xox[abeprs]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|k8s-aws-v1\.[A-Za-z0-9_-]+|Bearer\s+\S+|v0=[0-9a-f]{64})|https:\/\/hooks\.slack\.com\/\S*/g;

/** Copies log fields with secrets masked: by key name, and Slack/bearer tokens inside any string. */
export function redactLogFields(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return value.replace(SECRET_VALUES, "••••");
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return { name: value.name, message: redactLogFields(value.message, depth + 1) };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactLogFields(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? "••••" : redactLogFields(v, depth + 1);
  return out;
}
