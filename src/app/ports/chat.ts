/**
 * The chat port: the few things a use case asks of Slack, in pns's own nouns (views from `src/core/views`). The Slack
 * adapter (`src/slack/chat.ts`) implements it on WebClient; failures arrive as PnsError, never as SDK errors.
 */
import type { MessageView, ModalView } from "../../core/views/block-kit.js";

/** Who is answered privately, and where: a command's or a click's `response_url`, else an ephemeral message. */
export interface PrivateReplyTarget {
  /** Slack user ID. */
  user: string;
  /** Slack channel ID. */
  channel: string;
  /** The command's or interaction's `response_url`; null for an ephemeral message in the channel. */
  responseUrl: string | null;
}

/** How a private reply lands. */
export interface PrivateReplyOptions {
  /**
   * Replace the message the `response_url` belongs to (a command's progress message); false adds a new ephemeral
   * message beside it (the answer to a click on a table or an approval, which must stay). @default true
   */
  replaceOriginal?: boolean;
}

/** A text file posted in a channel (or a thread). */
export interface ChatFile {
  channel: string;
  threadTs?: string | null;
  filename: string;
  title: string;
  content: string;
}

/** What may be posted to a `response_url` besides a message: replacing or deleting the message it belongs to. */
export interface ResponseUrlMessage extends Partial<MessageView> {
  response_type?: "ephemeral" | "in_channel";
  replace_original?: boolean;
  delete_original?: boolean;
}

/** Posting, updating and answering in Slack. */
export interface Chat {
  /**
   * Posts a message in a channel (in a thread with `threadTs`); returns its ts. Throws PnsError `not_allowed` when
   * pns is not in the channel, `unavailable` when Slack refuses.
   */
  post(channel: string, view: MessageView, threadTs?: string | null): Promise<string | undefined>;
  /** Replaces a message pns posted. */
  update(channel: string, ts: string, view: MessageView): Promise<void>;
  /** Answers one user only. */
  replyPrivately(to: PrivateReplyTarget, view: MessageView, options?: PrivateReplyOptions): Promise<void>;
  /** Posts to a `response_url` (progress, or deleting the progress message). */
  respond(responseUrl: string, message: ResponseUrlMessage): Promise<void>;
  /** Uploads a text file (files.getUploadURLExternal → upload → completeUploadExternal). */
  upload(file: ChatFile): Promise<void>;
  /** Opens a modal for the user whose click or command carried `triggerId` (valid about 3 s). */
  openModal(triggerId: string, view: ModalView): Promise<void>;
}

/** Which of the configured user groups a user belongs to. */
export interface UserGroups {
  groupsOf(user: string): Promise<string[]>;
}
