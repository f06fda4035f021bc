import { isValidSlackRequest } from "@slack/bolt";
import * as z from "zod";

/** How far a request's timestamp may be from now, either way. Slack's own rule, applied to the future too. @default 300 s */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

/** The parts of an API Gateway (REST v1 or HTTP API v2) event the guard reads. */
export interface GuardedEvent {
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** Let the request through (with the key that makes a replay of it recognisable), or answer it now. */
export type GuardResult =
  | {
      ok: true;
      /** Null for Slack's ssl_check pings, which do nothing. */
      replayKey: string | null;
      /** True for a slash command (else an interaction). */
      command: boolean;
      /** Slack's `X-Slack-Retry-Num`, when it says this is a retry. */
      retry: string | null;
      /** The media type without parameters, lowercase: Bolt compares it verbatim. */
      mediaType: string;
    }
  | { ok: false; statusCode: 400 | 401 | 415; body: string };

const MEDIA_TYPES = new Set(["application/x-www-form-urlencoded", "application/json"]);

const refuse = (statusCode: 400 | 401 | 415, body: string): GuardResult => ({ ok: false, statusCode, body });

/**
 * Checks a request before Bolt sees it, on the raw body: Bolt parses the body before it verifies the signature, so
 * unsigned garbage would reach its parser and answer 500. Here a request is answered 415 for a media type Slack
 * never sends (parameters such as `charset` ignored), 401 for a missing, malformed or wrong signature or a timestamp
 * more than 5 minutes from now (in either direction: Bolt bounds only the past), and 400 for a signed body that does
 * not parse. Slack's `ssl_check` pings pass (Bolt answers them before any signature check, as Slack expects).
 * Slack's signing scheme: https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
export function guardSlackRequest(event: GuardedEvent, signingSecret: string, nowMs: number): GuardResult {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (typeof value === "string") headers[name.toLowerCase()] = value;
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : (event.body ?? "");
  const mediaType = (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (!MEDIA_TYPES.has(mediaType)) return refuse(415, "pns accepts only Slack's form-encoded or JSON requests.");
  const form = mediaType === "application/x-www-form-urlencoded" ? new URLSearchParams(raw) : null;
  if (form?.get("ssl_check") === "1" && !form.has("payload") && !form.has("command")) {
    return { ok: true, replayKey: null, command: false, retry: null, mediaType };
  }

  const timestamp = headers["x-slack-request-timestamp"] ?? "";
  const signature = headers["x-slack-signature"] ?? "";
  if (!/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) {
    return refuse(401, "The request is not signed by Slack.");
  }
  if (Math.abs(nowMs - Number(timestamp) * 1000) > SIGNATURE_WINDOW_MS) {
    return refuse(401, "The request's timestamp is more than 5 minutes from now.");
  }
  const valid = isValidSlackRequest({
    signingSecret,
    body: raw,
    headers: { "x-slack-signature": signature, "x-slack-request-timestamp": Number(timestamp) },
    nowMilliseconds: nowMs,
  });
  if (!valid) return refuse(401, "The request's signature does not match.");

  if (form) {
    const payload = form.get("payload");
    if (payload !== null && !isJsonObject(payload)) return refuse(400, "The interaction's payload is not JSON.");
    if (payload !== null && !INTERACTION.safeParse(JSON.parse(payload)).success) {
      return refuse(400, "The payload is not an interaction pns handles (a button, a select or the reason form).");
    }
    if (payload === null && !form.has("command") && !form.has("ssl_check")) {
      return refuse(400, "The request is neither a slash command nor an interaction.");
    }
  } else if (!isJsonObject(raw)) {
    return refuse(400, "The request's body is not JSON.");
  }
  // A signature covers the timestamp and the body: seen twice, it is the same request sent again.
  return {
    ok: true,
    replayKey: `sig:${signature.slice(3)}`,
    command: form?.has("command") ?? false,
    retry: headers["x-slack-retry-num"] ?? null,
    mediaType,
  };
}

/**
 * The interactions pns listens to, down to the fields Bolt itself reads before any listener runs (it answers 500
 * when they are missing or of the wrong type): block_actions and view_submission, as Slack documents their payloads
 * (https://docs.slack.dev/reference/interaction-payloads). Everything else about them is checked by the use cases.
 */
const INTERACTION_SHAPES = z.discriminatedUnion("type", [
  z.looseObject({
    type: z.literal("block_actions"),
    user: z.looseObject({ id: z.string() }),
    team: z.looseObject({ id: z.string() }).nullish(),
    channel: z.looseObject({ id: z.string() }).nullish(),
    container: z.looseObject({}).nullish(),
    trigger_id: z.string().optional(),
    response_url: z.string().optional(),
    actions: z.array(z.looseObject({ action_id: z.string(), block_id: z.string() })).min(1),
    state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), z.looseObject({}))) }).optional(),
  }),
  z.looseObject({
    type: z.literal("view_submission"),
    user: z.looseObject({ id: z.string() }),
    team: z.looseObject({ id: z.string() }).nullish(),
    view: z.looseObject({
      id: z.string().optional(),
      callback_id: z.string(),
      private_metadata: z.string().optional(),
      state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), z.looseObject({}))) }),
    }),
  }),
]);

/**
 * Bolt decides a payload's kind by which fields it has before it looks at `type` (`event`, `command`, `name`,
 * `actions` first: App.ts `getTypeAndConversation`): a payload must not carry another kind's fields.
 */
const INTERACTION = INTERACTION_SHAPES.refine(
  (p) => ["event", "command", "name"].every((k) => !(k in p)) && (p.type === "block_actions" || !("actions" in p)),
  "fields of another kind of payload",
);

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
