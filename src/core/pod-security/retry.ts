/** The "Retry with the `restricted` profile" button's value: the profile and the command it re-runs. */
import { RETRY_PROFILES } from "./refusal.js";

/** Slack's limit on a button's `value` (Block Kit reference, button element). */
export const MAX_RETRY_VALUE = 2000;

/** What a retry button carries. */
export interface RetryValue {
  /** One of {@link RETRY_PROFILES}: checked again against the configuration when clicked. */
  profile: (typeof RETRY_PROFILES)[number];
  /** The command's text without `/pns`, as `formatCommand` gives it. */
  command: string;
}

/** `<profile> <command>`; null when it does not fit a button's value (no button then). */
export function encodeRetryValue(value: RetryValue): string | null {
  const encoded = `${value.profile} ${value.command}`;
  return encoded.length <= MAX_RETRY_VALUE ? encoded : null;
}

/** Reads a retry button's value; null for anything but a known retry profile and a command. */
export function decodeRetryValue(value: string | undefined): RetryValue | null {
  if (typeof value !== "string" || value.length > MAX_RETRY_VALUE) return null;
  const space = value.indexOf(" ");
  if (space <= 0) return null;
  const profile = value.slice(0, space);
  const command = value.slice(space + 1).trim();
  if (!(RETRY_PROFILES as readonly string[]).includes(profile) || command === "") return null;
  return { profile: profile as RetryValue["profile"], command };
}
