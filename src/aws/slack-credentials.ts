import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { PnsError } from "../core/errors.js";
import { awsClientConfig } from "./client-config.js";

/** What pns needs to talk to Slack. */
export interface SlackCredentials {
  signingSecret: string;
  botToken: string;
}

/** How long a secret read from Secrets Manager is reused before it is read again. @default 300 s */
export const SLACK_SECRET_MAX_AGE_S = 300;

/** Made on first use, so the endpoint (`AWS_ENDPOINT_URL_SECRETS_MANAGER`) is read when the secret is. */
let provider: SecretsProvider | undefined;
/** Secrets whose last value was refused: read afresh next time, not from the cache that holds that value. */
const refused = new Set<string>();

/**
 * Reads the signing secret and bot token: from one Secrets Manager secret (JSON `{"signingSecret", "botToken"}`)
 * when `secretArn` is given, cached across invocations for {@link SLACK_SECRET_MAX_AGE_S} and so re-read after a
 * rotation; else from the values given directly (local runs). A value refused as malformed is read again on the
 * next call instead of being served from the cache until it ages out. Never logs either value.
 */
export async function loadSlackCredentials(source: {
  secretArn?: string | undefined;
  signingSecret?: string | undefined;
  botToken?: string | undefined;
}): Promise<SlackCredentials> {
  if (source.secretArn) {
    const id = source.secretArn;
    let value: unknown;
    try {
      provider ??= new SecretsProvider({ clientConfig: awsClientConfig("ack") });
      value = await provider.get(id, { maxAge: SLACK_SECRET_MAX_AGE_S, forceFetch: refused.has(id) });
    } catch (cause) {
      throw new PnsError("unavailable", "pns could not read its Slack credentials from Secrets Manager.", {
        cause,
        hint: "Check that PNS_SLACK_SECRET_ARN names the secret and that the function's role may read it.",
      });
    }
    const secret = parse(value);
    if (!secret) {
      refused.add(id);
      throw new PnsError("invalid_config", 'The Slack secret must be JSON with "signingSecret" and "botToken" fields.');
    }
    refused.delete(id);
    return secret;
  }
  if (source.signingSecret && source.botToken) {
    return { signingSecret: source.signingSecret, botToken: source.botToken };
  }
  throw new PnsError(
    "invalid_config",
    "pns has no Slack credentials: set PNS_SLACK_SECRET_ARN, or SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN.",
  );
}

/** The two fields of the secret's JSON text, both non-empty strings; null for anything else. */
function parse(value: unknown): SlackCredentials | null {
  const text = typeof value === "string" ? value : value instanceof Uint8Array ? Buffer.from(value).toString() : "";
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const { signingSecret, botToken } = (json ?? {}) as Record<string, unknown>;
  if (typeof signingSecret !== "string" || typeof botToken !== "string") return null;
  if (signingSecret.trim() === "" || botToken.trim() === "") return null;
  return { signingSecret: signingSecret.trim(), botToken: botToken.trim() };
}
