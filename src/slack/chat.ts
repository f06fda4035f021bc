import type { WebClient } from "@slack/web-api";
import type { Chat, ResponseUrlMessage } from "../app/ports/chat.js";
import { PnsError } from "../core/errors.js";
import type { MessageView } from "../core/views/block-kit.js";

/** The Web API methods the chat port calls, so tests and the worker can pass any WebClient. */
export type SlackClient = Pick<WebClient, "chat" | "views" | "filesUploadV2">;

/** Slack errors that mean pns is not in the channel. */
const NOT_IN_CHANNEL = new Set(["not_in_channel", "channel_not_found"]);

/** The Web API error code of a failed call, if it is one. */
function slackErrorCode(cause: unknown): string | undefined {
  return (cause as { data?: { error?: string } } | null)?.data?.error;
}

/**
 * The chat port on Slack's WebClient (bot token) and `response_url`s. pns's views are sent as they are: they are
 * typed against `@slack/types` in core, so no conversion is needed here.
 */
export function createSlackChat(
  client: SlackClient,
  respond: (url: string, message: ResponseUrlMessage) => Promise<void>,
): Chat {
  const chat: Chat = {
    async post(channel, view, threadTs) {
      try {
        const out = await client.chat.postMessage({
          channel,
          text: view.text,
          blocks: view.blocks,
          ...(threadTs ? { thread_ts: threadTs } : {}),
        });
        return out.ts;
      } catch (cause) {
        const code = slackErrorCode(cause);
        if (code && NOT_IN_CHANNEL.has(code)) {
          throw new PnsError("not_allowed", "pns is not a member of this channel, so it cannot post the answer here.", {
            cause,
            hint: "Invite it with `/invite @pns`, then run the command again.",
          });
        }
        throw new PnsError("unavailable", "Slack did not accept pns's message.", { cause });
      }
    },

    async update(channel, ts, view) {
      await client.chat.update({ channel, ts, text: view.text, blocks: view.blocks });
    },

    async replyPrivately(to, view: MessageView, options = {}) {
      if (to.responseUrl) {
        await respond(to.responseUrl, {
          response_type: "ephemeral",
          replace_original: options.replaceOriginal ?? true,
          ...view,
        });
        return;
      }
      await client.chat.postEphemeral({ channel: to.channel, user: to.user, text: view.text, blocks: view.blocks });
    },

    respond,

    async upload(file) {
      const { channel, threadTs, filename, title, content } = file;
      await client.filesUploadV2(
        threadTs
          ? { channel_id: channel, thread_ts: threadTs, filename, title, content }
          : { channel_id: channel, filename, title, content },
      );
    },

    async openModal(triggerId, view) {
      try {
        await client.views.open({ trigger_id: triggerId, view });
      } catch (cause) {
        // views.open takes a trigger once, within 3 s of the click (Slack's views.open errors).
        const code = slackErrorCode(cause);
        // A redelivered click whose window is already open: nothing more to do.
        if (code === "exchanged_trigger_id") return;
        if (code === "expired_trigger_id") {
          throw new PnsError(
            "expired",
            "Your click reached pns too late for Slack to open its window (Slack allows 3 seconds).",
            { hint: "Press the button again.", cause },
          );
        }
        throw cause;
      }
    },
  };
  return chat;
}
