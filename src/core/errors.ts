import type { PodSecurityRefusal } from "./pod-security/refusal.js";

/**
 * The one error type of pns: a code, a message for the user (what happened and what to do next) and a cause.
 * Expected outcomes are values; PnsError is thrown by adapters and translated at their boundary.
 */
export type ErrorCode =
  | "invalid_command"
  | "invalid_config"
  | "not_allowed"
  | "not_found"
  | "forbidden"
  | "pod_security"
  | "admission_refused"
  | "ephemeral_unsupported"
  | "timeout"
  | "image_pull"
  | "exec_failed"
  | "process_changed"
  | "process_gone"
  | "already_decided"
  | "expired"
  | "unavailable"
  | "internal";

export class PnsError extends Error {
  override readonly name = "PnsError";
  constructor(
    readonly code: ErrorCode,
    /** Shown to the user: says what happened and how to fix it. Never contains secrets or stack traces. */
    readonly userMessage: string,
    options?: { cause?: unknown; hint?: string; podSecurity?: PodSecurityRefusal },
  ) {
    super(userMessage, options?.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options?.hint;
    this.podSecurity = options?.podSecurity;
  }
  /** A next step, shown under the message. */
  readonly hint: string | undefined;
  /** The parsed refusal of a `pod_security` error, so the worker can say what failed and offer a retry. */
  readonly podSecurity: PodSecurityRefusal | undefined;
}

/** Wraps anything thrown into a PnsError, keeping PnsErrors as they are. */
export function asPnsError(err: unknown): PnsError {
  if (err instanceof PnsError) return err;
  return new PnsError("internal", "Something went wrong inside pns.", { cause: err });
}
