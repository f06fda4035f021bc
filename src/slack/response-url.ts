import type { ResponseUrlMessage } from "../app/ports/chat.js";
import { PnsError } from "../core/errors.js";

/** Where Slack's `response_url`s live: https://docs.slack.dev/interactivity/handling-user-interaction */
export const SLACK_RESPONSE_URL_PREFIX = "https://hooks.slack.com/";

/**
 * A poster for `response_url`s (up to 5 posts within 30 minutes) that only ever posts to Slack's own hooks host, or
 * to the given extra prefixes (a local fake Slack): a job or payload naming any other URL cannot make pns send
 * messages, or its bot's answers, elsewhere. Throws PnsError when the URL is not Slack's or Slack refuses; the URL
 * itself is never logged (it is a bearer capability).
 */
export function createResponder(extraPrefixes: readonly string[] = []) {
  const prefixes = [SLACK_RESPONSE_URL_PREFIX, ...extraPrefixes];
  return async function postToResponseUrl(url: string, message: ResponseUrlMessage): Promise<void> {
    if (!prefixes.some((p) => url.startsWith(p)) || url.includes("@")) {
      throw new PnsError("internal", "pns did not answer: the request's response_url is not Slack's.", {
        cause: new Error(`response_url outside ${prefixes.length} allowed prefixes`),
      });
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify(message),
        redirect: "error",
        signal: AbortSignal.timeout(10_000),
      });
    } catch (cause) {
      throw new PnsError("unavailable", "pns could not reach Slack to answer.", { cause });
    }
    if (!res.ok) {
      throw new PnsError("unavailable", `Slack refused the answer (HTTP ${res.status}).`, {
        cause: new Error(await res.text().catch(() => "")),
      });
    }
  };
}
