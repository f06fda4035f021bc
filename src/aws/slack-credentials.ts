import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { PnsError } from "../core/errors.js";

/** What pns needs to talk to Slack. */
export interface SlackCredentials {
  signingSecret: string;
  botToken: string;
}

/** How long a secret read from Secrets Manager is reused before it is read again. @default 300 s */
export const SLACK_SECRET_MAX_AGE_S = 300;

/**
 * Reads the signing secret and bot token: from one Secrets Manager secret (JSON `{"signingSecret", "botToken"}`)
 * when `secretArn` is given, cached across invocations for {@link SLACK_SECRET_MAX_AGE_S}; else from the values
 * given directly (local runs). Never logs either value.
 */
export async function loadSlackCredentials(source: {
  secretArn?: string | undefined;
  signingSecret?: string | undefined;
  botToken?: string | undefined;
}): Promise<SlackCredentials> {
  if (source.secretArn) {
    let value: unknown;
    try {
      value = await getSecret(source.secretArn, { maxAge: SLACK_SECRET_MAX_AGE_S, transform: "json" });
    } catch (cause) {
      throw new PnsError("unavailable", "pns could not read its Slack credentials from Secrets Manager.", {
        cause,
        hint: "Check that PNS_SLACK_SECRET_ARN names the secret and that the function's role may read it.",
      });
    }
    const secret = value as Partial<SlackCredentials> | undefined;
    if (!secret?.signingSecret || !secret.botToken) {
      throw new PnsError("invalid_config", 'The Slack secret must be JSON with "signingSecret" and "botToken" fields.');
    }
    return { signingSecret: secret.signingSecret, botToken: secret.botToken };
  }
  if (source.signingSecret && source.botToken) {
    return { signingSecret: source.signingSecret, botToken: source.botToken };
  }
  throw new PnsError(
    "invalid_config",
    "pns has no Slack credentials: set PNS_SLACK_SECRET_ARN, or SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN.",
  );
}
