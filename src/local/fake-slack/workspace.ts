/**
 * The fake Slack's model of one workspace: users, usergroups, channels with their messages and threads, ephemeral
 * messages, open modals and uploaded files. Plain data with small helpers; the HTTP side lives in server.ts.
 */

/** A person in the fake workspace. */
export interface FakeUser {
  id: string;
  name: string;
  realName: string;
  title?: string;
}

/** A channel of the fake workspace. */
export interface FakeChannel {
  id: string;
  name: string;
  /** false: the bot was not invited, so posting answers not_in_channel. @default true */
  botIsMember?: boolean;
}

/** A file uploaded through files.getUploadURLExternal and files.completeUploadExternal. */
export interface FakeFile {
  id: string;
  name: string;
  title: string;
  length: number;
  content: Buffer | undefined;
  created: number;
  shared: boolean;
}

/** A message as Slack returns it (type "message"), plus the channel it lives in. */
export interface FakeMessage {
  type: "message";
  channel: string;
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  app_id?: string;
  blocks?: unknown[];
  thread_ts?: string;
  subtype?: string;
  edited?: { user: string; ts: string };
  files?: { id: string; name: string; title: string; size: number; url_private: string }[];
}

/** An ephemeral message: visible only to `user` in `channel`. */
export interface FakeEphemeral extends FakeMessage {
  visibleTo: string;
}

/** A modal opened with views.open, as Slack returns it. */
export interface FakeView {
  id: string;
  team_id: string;
  type: "modal";
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  blocks: unknown[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, Record<string, unknown>> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
  /** Who sees it (not part of Slack's view object, kept for the console). */
  user: string;
}

/** Identity of the fake workspace and of the app's bot user in it. */
export const fakeTeam = {
  id: "T0PNS",
  domain: "pns-demo",
  name: "pns demo",
  appId: "A0PNS",
  botUserId: "U0PNSBOT",
  botId: "B0PNSBOT",
  botName: "pns",
} as const;

/** The workspace state of one fake Slack; every mutation goes through these helpers so ts stay unique. */
export class Workspace {
  readonly users = new Map<string, FakeUser>();
  readonly usergroups = new Map<string, string[]>();
  readonly channels = new Map<string, FakeChannel>();
  /** All channel messages, replies included (a reply has thread_ts !== ts), in posting order. */
  readonly messages: FakeMessage[] = [];
  readonly ephemerals: FakeEphemeral[] = [];
  /** Open modals by view id. */
  readonly views = new Map<string, FakeView>();
  readonly files = new Map<string, FakeFile>();
  /**
   * What each user has picked in a message's selects, as the Slack client keeps it until the message changes:
   * key `${user} ${channel} ${ts}` → block_id → action_id → selected option.
   */
  readonly selections = new Map<string, Record<string, Record<string, unknown>>>();
  private lastTs = 0;
  private seq = 0;

  constructor(private readonly now: () => number) {}

  /** A fresh message ts: seconds.micro, strictly increasing even within one millisecond. */
  nextTs(): string {
    const micros = Math.max(this.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`;
  }

  /** A fresh id with a Slack-like prefix (V for views, F for files, …). */
  nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}0${this.seq.toString(36).toUpperCase().padStart(8, "0")}`;
  }

  /** The channel message with this ts, if any. */
  message(channel: string, ts: string): FakeMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Top-level messages of a channel (no thread replies), oldest first. */
  channelMessages(channel: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel === channel && (m.thread_ts === undefined || m.thread_ts === m.ts));
  }

  /** Replies in the thread of `ts`, oldest first. */
  replies(channel: string, ts: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.thread_ts === ts && m.ts !== ts);
  }

  /** Ephemeral messages `user` sees in `channel`, oldest first. */
  ephemeralsFor(channel: string, user: string): FakeEphemeral[] {
    return this.ephemerals.filter((m) => m.channel === channel && m.visibleTo === user);
  }

  /** The modal currently open for `user`, if any (the most recently opened). */
  openViewOf(user: string): FakeView | undefined {
    return [...this.views.values()].filter((v) => v.user === user).at(-1);
  }

  /** A user's picks in one message's selects (block_id → action_id → option). */
  selectionsOf(user: string, channel: string, ts: string): Record<string, Record<string, unknown>> {
    return this.selections.get(`${user} ${channel} ${ts}`) ?? {};
  }

  /** Records a user's pick in a select, as the Slack client does before the app hears of it. */
  select(user: string, channel: string, ts: string, blockId: string, actionId: string, option: unknown): void {
    const current = this.selectionsOf(user, channel, ts);
    this.selections.set(`${user} ${channel} ${ts}`, {
      ...current,
      [blockId]: { ...current[blockId], [actionId]: option },
    });
  }

  /** Forgets every user's picks in a message: Slack redraws a changed message from its blocks. */
  resetSelections(channel: string, ts: string): void {
    for (const key of this.selections.keys()) if (key.endsWith(` ${channel} ${ts}`)) this.selections.delete(key);
  }

  /** Removes a channel or ephemeral message; true when something was removed. */
  remove(channel: string, ts: string): boolean {
    const i = this.messages.findIndex((m) => m.channel === channel && m.ts === ts);
    if (i >= 0) {
      this.messages.splice(i, 1);
      this.resetSelections(channel, ts);
      return true;
    }
    const j = this.ephemerals.findIndex((m) => m.channel === channel && m.ts === ts);
    if (j >= 0) {
      this.ephemerals.splice(j, 1);
      this.resetSelections(channel, ts);
      return true;
    }
    return false;
  }
}
