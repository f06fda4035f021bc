import type { ResponseUrlMessage } from "../app/ports/chat.js";
import { PnsError } from "../core/errors.js";

/**
 * Posts to an interaction's or slash command's `response_url` (up to 5 times within 30 minutes). Throws PnsError
 * when Slack refuses, so the worker can log it; the URL itself is never logged (it is a bearer capability).
 */
export async function postToResponseUrl(url: string, message: ResponseUrlMessage): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(message),
    });
  } catch (cause) {
    throw new PnsError("unavailable", "pns could not reach Slack to answer.", { cause });
  }
  if (!res.ok) {
    throw new PnsError("unavailable", `Slack refused the answer (HTTP ${res.status}).`, {
      cause: new Error(await res.text().catch(() => "")),
    });
  }
}
