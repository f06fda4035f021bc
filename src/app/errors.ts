import { asPnsError, type PnsError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import type { MessageView } from "../core/views/block-kit.js";
import { renderErrorView } from "../core/views/error-view.js";

/**
 * The one place an error becomes a Slack message. A PnsError shows its own message and hint; anything else shows a
 * reference id, and is logged with its cause under that id, so nobody sees a stack trace.
 */
export function errorMessage(
  err: unknown,
  logger: Logger,
  newId: () => string,
  context: Record<string, unknown> = {},
): MessageView {
  const error: PnsError = asPnsError(err);
  if (error.code === "internal") {
    const reference = newId();
    logger.error("unexpected error", { reference, ...context, error: error.cause ?? error });
    return renderErrorView({
      message: "pns hit an unexpected problem and did not finish.",
      hint: "Try again; if it keeps happening, give this reference to whoever runs pns.",
      reference,
    });
  }
  logger.warn("refused", { code: error.code, ...context, message: error.userMessage });
  return renderErrorView({ message: error.userMessage, ...(error.hint ? { hint: error.hint } : {}) });
}
