import type { DebugProfile } from "../core/config/debug-profiles.js";
import { PnsError } from "../core/errors.js";
import { handleSlashCommand } from "./command.js";
import type { AppDeps } from "./deps.js";
import { type ClickOrigin, replyToClick } from "./request-signal.js";

/**
 * Runs `text` again as if its clicker typed it (a pod picked from pns's picker, a Pod Security retry): parsed, and
 * the clicker's identity, channel, rights and namespace checked again by {@link handleSlashCommand}. Its answer
 * replaces the message the button was on (the job's answer then replaces that progress).
 */
export async function rerunAsTyped(
  deps: AppDeps,
  click: ClickOrigin & { triggerId: string },
  text: string,
  options: { profile?: DebugProfile; pick?: string },
): Promise<void> {
  if (!click.channel)
    throw new PnsError("invalid_command", "This click came without its channel: run the command again.");
  const reply = await handleSlashCommand(
    deps,
    {
      user_id: click.user,
      ...(click.team ? { team_id: click.team } : {}),
      ...(click.enterprise ? { enterprise_id: click.enterprise } : {}),
      is_ext_shared_channel: click.externalChannel,
      channel_id: click.channel,
      text,
      trigger_id: click.triggerId,
      response_url: click.responseUrl ?? "",
    },
    options,
  );
  if (!reply) return;
  const { response_type: _, ...view } = reply;
  if (click.responseUrl) {
    await deps.chat.respond(click.responseUrl, { response_type: "ephemeral", replace_original: true, ...view });
  } else await replyToClick(deps, click, view);
}
