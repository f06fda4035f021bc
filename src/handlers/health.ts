import { asPnsError } from "../core/errors.js";
import type { RuntimeSource } from "./runtime.js";

/** The event of a smoke invoke (`aws lambda invoke --payload '{"healthcheck": true}'`): the function reports its health. */
export interface HealthCheckEvent {
  healthcheck: true;
}

/** What `/healthz` of the dev server and a smoke invoke answer: 503 with the problem, or 200 with the config's source. */
export type HealthReport =
  | { statusCode: 200; ok: true; config: string }
  | { statusCode: 503; ok: false; problem: string };

/** True for a smoke invoke's event. */
export function isHealthCheck(event: unknown): event is HealthCheckEvent {
  return typeof event === "object" && event !== null && (event as { healthcheck?: unknown }).healthcheck === true;
}

/**
 * Whether pns can act: its Slack credentials read and its configuration valid. A newest configuration refused while
 * an older one stays in force is unhealthy too (pns still acts on the older one), so a bad change shows at once.
 */
export async function healthOf(source: RuntimeSource): Promise<HealthReport> {
  try {
    const runtime = await source.current();
    if (!runtime.config.ok) return { statusCode: 503, ok: false, problem: runtime.config.problem };
    const refused = source.refusedConfig();
    if (refused) {
      return {
        statusCode: 503,
        ok: false,
        problem: `${refused}\npns goes on with the last good configuration (${runtime.config.source}) until it is fixed.`,
      };
    }
    return { statusCode: 200, ok: true, config: runtime.config.source };
  } catch (err) {
    const error = asPnsError(err);
    return { statusCode: 503, ok: false, problem: `${error.userMessage}${error.hint ? ` ${error.hint}` : ""}` };
  }
}
