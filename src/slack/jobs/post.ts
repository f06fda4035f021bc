import { PnsError } from "../../core/errors.js";
import type { MessageView } from "../../core/views/block-kit.js";
import type { WorkerDeps } from "./deps.js";

/** Slack errors that mean pns is not in the channel. */
const NOT_IN_CHANNEL = new Set(["not_in_channel", "channel_not_found"]);

/** Posts a message in a channel (or a thread); a missing invitation becomes a clear PnsError. */
export async function postMessage(
  deps: Pick<WorkerDeps, "slack">,
  channel: string,
  view: MessageView,
  threadTs?: string | null,
): Promise<string | undefined> {
  try {
    const out = await deps.slack.chat.postMessage({
      channel,
      text: view.text,
      blocks: view.blocks as never,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    return out.ts;
  } catch (cause) {
    const code = (cause as { data?: { error?: string } }).data?.error;
    if (code && NOT_IN_CHANNEL.has(code)) {
      throw new PnsError("not_allowed", "pns is not a member of this channel, so it cannot post the answer here.", {
        cause,
        hint: "Invite it with `/invite @pns`, then run the command again.",
      });
    }
    throw new PnsError("unavailable", "Slack did not accept pns's message.", { cause });
  }
}

/** Answers only the user who asked: through the command's `response_url`, else as an ephemeral message. */
export async function replyPrivately(
  deps: Pick<WorkerDeps, "slack" | "respond">,
  origin: { user: string; channel: string; responseUrl: string | null },
  view: MessageView,
): Promise<void> {
  if (origin.responseUrl) {
    await deps.respond(origin.responseUrl, { response_type: "ephemeral", replace_original: true, ...view });
    return;
  }
  await deps.slack.chat.postEphemeral({
    channel: origin.channel,
    user: origin.user,
    text: view.text,
    blocks: view.blocks as never,
  });
}
