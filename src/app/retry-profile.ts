/**
 * "Retry with the `restricted` profile": re-runs the command a Pod Security refusal answered, for this one command,
 * with a stricter debug profile. Nothing in the click is trusted: the profile must be a retry profile stricter than
 * `debug.profile`, and the command goes through every check a typed one does (identity, binding, rights, claim).
 */
import { parseCommand } from "../core/command/parse-command.js";
import { PnsError } from "../core/errors.js";
import { isRetryProfile } from "../core/pod-security/refusal.js";
import { decodeRetryValue } from "../core/pod-security/retry.js";
import { type AppDeps, assertConfigured } from "./deps.js";
import { errorMessage } from "./errors.js";
import { assertServed, type ClickOrigin, replyToClick } from "./request-signal.js";
import { rerunAsTyped } from "./rerun.js";

/** A click on the retry button, as the Slack adapter decodes it. */
export interface RetryClick extends ClickOrigin {
  /** The button's value, unread. */
  value: string | undefined;
  triggerId: string;
}

/** Commands that get a debug container, and so may be retried with another profile. */
const RETRIABLE = new Set(["ps", "signal", "cat", "inspect", "ports"]);

/** Handles the retry button on Slack's 3-second path: checks it, then hands the command to the worker. Never throws. */
export async function retryWithProfile(deps: AppDeps, click: RetryClick): Promise<void> {
  try {
    assertConfigured(deps);
    assertServed(deps, click);
    const retry = decodeRetryValue(click.value);
    if (!retry || !click.channel) throw new PnsError("invalid_command", "This button is not one pns made.");
    const configured = deps.config.debug.profile;
    if (!isRetryProfile(retry.profile, configured)) {
      throw new PnsError("not_allowed", `pns does not retry with the \`${retry.profile}\` debug profile here.`, {
        hint: `A retry may only use a profile stricter than \`debug.profile: ${configured}\`: run the command again.`,
      });
    }
    const parsed = parseCommand(retry.command);
    if (!parsed.ok || !RETRIABLE.has(parsed.command.kind)) {
      throw new PnsError("invalid_command", "This button is not one pns made.");
    }
    await rerunAsTyped(deps, click, retry.command, { profile: retry.profile });
  } catch (err) {
    await replyToClick(deps, click, errorMessage(err, deps.logger, deps.newId, { action: "retry profile" }));
  }
}
