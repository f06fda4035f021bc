/**
 * The Web API methods the fake Slack answers, with Slack's response shapes and error codes. Each method takes the
 * parsed arguments and returns the JSON body; Slack answers HTTP 200 for ok:false too.
 */
import { checkBlocks } from "./block-limits.js";
import type { Interactions } from "./interactions.js";
import { type FakeMessage, type FakeView, fakeTeam, type Workspace } from "./workspace.js";

/** Arguments of a Web API call after parsing JSON or form bodies (JSON-valued form fields decoded). */
export type ApiArgs = Record<string, unknown>;
/** A Web API response body. */
export type ApiResult = { ok: boolean; error?: string } & Record<string, unknown>;

/** What the methods need from the server. */
export interface WebApiContext {
  workspace: Workspace;
  interactions: Interactions;
  now: () => number;
  baseUrl: () => string;
  usergroupsPlan: "paid" | "free";
}

type Method = (args: ApiArgs, ctx: WebApiContext) => ApiResult;

/** Slack truncates message text above this many characters. @default 40000 */
export const maxTextLength = 40_000;

const fail = (error: string, extra: Record<string, unknown> = {}): ApiResult => ({ ok: false, error, ...extra });
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function invalidBlocks(error: string, problem: { message: string; pointer: string }): ApiResult {
  return fail(error, {
    errors: [`${problem.message} [json-pointer:${problem.pointer}]`],
    response_metadata: { messages: [`[ERROR] ${problem.message} [json-pointer:${problem.pointer}]`] },
  });
}

/** A channel the bot can post in, or Slack's error for it. */
function postableChannel(ctx: WebApiContext, channel: unknown): { id: string } | ApiResult {
  const id = resolveChannel(ctx, channel);
  if (!id) return fail("channel_not_found");
  if (ctx.workspace.channels.get(id)?.botIsMember === false) return fail("not_in_channel");
  return { id };
}

/** Resolves a channel given as id or as name ("ops" or "#ops"). */
function resolveChannel(ctx: WebApiContext, channel: unknown): string | undefined {
  const c = str(channel);
  if (!c) return undefined;
  if (ctx.workspace.channels.has(c)) return c;
  const name = c.replace(/^#/, "");
  return [...ctx.workspace.channels.values()].find((ch) => ch.name === name)?.id;
}

/** Validates text/blocks the way chat.* does; returns the content or an error body. */
function messageContent(args: ApiArgs): { text: string; blocks?: unknown[] } | ApiResult {
  const text = typeof args.text === "string" ? args.text : undefined;
  const blocks = args.blocks;
  const hasBlocks = Array.isArray(blocks) ? blocks.length > 0 : blocks !== undefined;
  if ((text === undefined || text === "") && !hasBlocks && args.attachments === undefined) return fail("no_text");
  if (blocks !== undefined) {
    const problem = checkBlocks(blocks, 50);
    if (problem) return invalidBlocks("invalid_blocks", problem);
  }
  return {
    text: (text ?? "").slice(0, maxTextLength),
    ...(Array.isArray(blocks) && blocks.length > 0 ? { blocks: withIds(blocks) } : {}),
  };
}

let idSeq = 0;
/** Slack fills in a random block_id (and action_id) where the app left them out; so does the fake. */
export function withIds(blocks: unknown[]): unknown[] {
  const fill = (el: unknown): unknown => {
    if (typeof el !== "object" || el === null || Array.isArray(el)) return el;
    const e = el as Record<string, unknown>;
    if (
      e.action_id !== undefined ||
      !["button", "static_select", "overflow", "plain_text_input"].includes(String(e.type))
    ) {
      return e;
    }
    idSeq += 1;
    return { ...e, action_id: `a${idSeq.toString(36)}` };
  };
  return blocks.map((b) => {
    if (typeof b !== "object" || b === null || Array.isArray(b)) return b;
    const block = { ...(b as Record<string, unknown>) };
    if (block.block_id === undefined) {
      idSeq += 1;
      block.block_id = `b${idSeq.toString(36)}`;
    }
    if (Array.isArray(block.elements) && block.type === "actions") block.elements = block.elements.map(fill);
    if (block.accessory !== undefined) block.accessory = fill(block.accessory);
    if (block.element !== undefined) block.element = fill(block.element);
    return block;
  });
}

const isError = (v: object): v is ApiResult => "ok" in v && (v as ApiResult).ok === false;

/** The parent ts of a thread, normalising a reply's ts to its parent like Slack does. */
function threadParent(ctx: WebApiContext, channel: string, threadTs: unknown): string | undefined {
  const ts = str(threadTs);
  if (!ts) return undefined;
  return ctx.workspace.message(channel, ts)?.thread_ts ?? ts;
}

/** Posts a bot message into a channel (also used by response_url and file shares). */
export function postBotMessage(
  ctx: WebApiContext,
  channel: string,
  content: { text: string; blocks?: unknown[]; thread_ts?: string; files?: FakeMessage["files"] },
): FakeMessage {
  const message: FakeMessage = {
    type: "message",
    channel,
    ts: ctx.workspace.nextTs(),
    text: content.text,
    user: fakeTeam.botUserId,
    bot_id: fakeTeam.botId,
    app_id: fakeTeam.appId,
    ...(content.blocks ? { blocks: content.blocks } : {}),
    ...(content.thread_ts ? { thread_ts: content.thread_ts } : {}),
    ...(content.files ? { files: content.files } : {}),
  };
  ctx.workspace.messages.push(message);
  return message;
}

/** Adds an ephemeral bot message that only `user` sees (chat.postEphemeral, response_url, slash command acks). */
export function postEphemeralMessage(
  ctx: WebApiContext,
  channel: string,
  user: string,
  content: { text: string; blocks?: unknown[]; thread_ts?: string },
): string {
  const ts = ctx.workspace.nextTs();
  ctx.workspace.ephemerals.push({
    type: "message",
    channel,
    ts,
    user: fakeTeam.botUserId,
    bot_id: fakeTeam.botId,
    app_id: fakeTeam.appId,
    visibleTo: user,
    text: content.text,
    ...(content.blocks ? { blocks: content.blocks } : {}),
    ...(content.thread_ts ? { thread_ts: content.thread_ts } : {}),
  });
  return ts;
}

/** The message as Slack returns it in API responses (without our channel bookkeeping). */
export function messageBody(m: FakeMessage): Record<string, unknown> {
  const { channel: _channel, ...rest } = m;
  return { ...rest, team: fakeTeam.id };
}

function userBody(ctx: WebApiContext, id: string): Record<string, unknown> | undefined {
  const u = ctx.workspace.users.get(id);
  if (!u) return undefined;
  return {
    id: u.id,
    team_id: fakeTeam.id,
    name: u.name,
    deleted: false,
    real_name: u.realName,
    tz: "Europe/Berlin",
    tz_label: "Central European Time",
    tz_offset: 3600,
    profile: {
      title: u.title ?? "",
      real_name: u.realName,
      real_name_normalized: u.realName,
      display_name: u.name,
      display_name_normalized: u.name,
      team: fakeTeam.id,
    },
    is_admin: false,
    is_owner: false,
    is_bot: false,
    is_app_user: false,
    updated: Math.floor(ctx.now() / 1000),
  };
}

function viewFrom(args: ApiArgs): Record<string, unknown> | ApiResult {
  const view = args.view;
  if (typeof view !== "object" || view === null || Array.isArray(view)) {
    return fail("invalid_arguments", { response_metadata: { messages: ["[ERROR] missing required field: view"] } });
  }
  const v = view as Record<string, unknown>;
  if (v.type !== "modal") {
    return fail("invalid_arguments", {
      response_metadata: { messages: ["[ERROR] must be one of: modal [json-pointer:/view/type]"] },
    });
  }
  const title = v.title as { text?: unknown } | undefined;
  if (typeof title?.text !== "string" || title.text.length > 24) {
    return fail("invalid_arguments", {
      response_metadata: { messages: ["[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"] },
    });
  }
  const problem = checkBlocks(v.blocks, 100, "/view/blocks");
  if (problem) return invalidBlocks("invalid_arguments", problem);
  return v;
}

function storeView(ctx: WebApiContext, v: Record<string, unknown>, user: string, previous?: FakeView): FakeView {
  const id = previous?.id ?? ctx.workspace.nextId("V");
  const view: FakeView = {
    id,
    team_id: fakeTeam.id,
    type: "modal",
    title: v.title,
    submit: v.submit,
    close: v.close,
    blocks: withIds((v.blocks as unknown[]) ?? []),
    private_metadata: typeof v.private_metadata === "string" ? v.private_metadata : "",
    callback_id: typeof v.callback_id === "string" ? v.callback_id : "",
    external_id: typeof v.external_id === "string" ? v.external_id : "",
    state: { values: {} },
    hash: `${Math.floor(ctx.now() / 1000)}.${ctx.workspace.nextId("H")}`,
    clear_on_close: v.clear_on_close === true,
    notify_on_close: v.notify_on_close === true,
    root_view_id: previous?.root_view_id ?? id,
    previous_view_id: null,
    app_id: fakeTeam.appId,
    app_installed_team_id: fakeTeam.id,
    bot_id: fakeTeam.botId,
    user,
  };
  ctx.workspace.views.set(id, view);
  return view;
}

/** The view as Slack returns it (without the fake's `user` field). */
export function viewBody(view: FakeView): Record<string, unknown> {
  const { user: _user, ...rest } = view;
  return rest;
}

const methods: Record<string, Method> = {
  "auth.test": () => ({
    ok: true,
    url: `https://${fakeTeam.domain}.slack.com/`,
    team: fakeTeam.name,
    user: fakeTeam.botName,
    team_id: fakeTeam.id,
    user_id: fakeTeam.botUserId,
    bot_id: fakeTeam.botId,
    is_enterprise_install: false,
  }),

  "chat.postMessage": (args, ctx) => {
    const target = postableChannel(ctx, args.channel);
    if (isError(target)) return target;
    const channel = target.id;
    const content = messageContent(args);
    if (isError(content)) return content;
    const threadTs = threadParent(ctx, channel, args.thread_ts);
    const m = postBotMessage(ctx, channel, { ...content, ...(threadTs ? { thread_ts: threadTs } : {}) });
    return { ok: true, channel, ts: m.ts, message: messageBody(m) };
  },

  "chat.postEphemeral": (args, ctx) => {
    const target = postableChannel(ctx, args.channel);
    if (isError(target)) return target;
    const channel = target.id;
    const user = str(args.user);
    if (!user || !ctx.workspace.users.has(user)) return fail("user_not_found");
    const content = messageContent(args);
    if (isError(content)) return content;
    const threadTs = threadParent(ctx, channel, args.thread_ts);
    const ts = postEphemeralMessage(ctx, channel, user, { ...content, ...(threadTs ? { thread_ts: threadTs } : {}) });
    return { ok: true, message_ts: ts };
  },

  "chat.update": (args, ctx) => {
    const channel = resolveChannel(ctx, args.channel);
    if (!channel) return fail("channel_not_found");
    const m = ctx.workspace.message(channel, str(args.ts) ?? "");
    if (!m) return fail("message_not_found");
    if (m.user !== fakeTeam.botUserId) return fail("cant_update_message");
    const blocks = args.blocks ?? m.blocks;
    const content = messageContent({ ...args, blocks, text: args.text ?? (blocks ? "" : m.text) });
    if (isError(content)) return content;
    m.text = content.text;
    if (Array.isArray(args.blocks)) {
      if (args.blocks.length > 0) m.blocks = args.blocks;
      else delete m.blocks;
    }
    m.edited = { user: fakeTeam.botUserId, ts: ctx.workspace.nextTs() };
    ctx.workspace.resetSelections(channel, m.ts);
    return { ok: true, channel, ts: m.ts, text: m.text, message: messageBody(m) };
  },

  "chat.delete": (args, ctx) => {
    const channel = resolveChannel(ctx, args.channel);
    if (!channel) return fail("channel_not_found");
    const ts = str(args.ts) ?? "";
    const m = ctx.workspace.message(channel, ts);
    if (!m) return fail("message_not_found");
    if (m.user !== fakeTeam.botUserId) return fail("cant_delete_message");
    ctx.workspace.remove(channel, ts);
    return { ok: true, channel, ts };
  },

  "views.open": (args, ctx) => {
    const triggerId = str(args.trigger_id) ?? str(args.interactivity_pointer);
    if (!triggerId)
      return fail("invalid_arguments", { response_metadata: { messages: ["[ERROR] missing trigger_id"] } });
    const v = viewFrom(args);
    if (isError(v)) return v;
    const redeemed = ctx.interactions.exchangeTrigger(triggerId);
    if (!redeemed.ok) return fail(redeemed.error);
    return { ok: true, view: viewBody(storeView(ctx, v, redeemed.value)) };
  },

  "views.update": (args, ctx) => {
    const viewId = str(args.view_id);
    const externalId = str(args.external_id);
    const previous = viewId
      ? ctx.workspace.views.get(viewId)
      : [...ctx.workspace.views.values()].find((x) => externalId !== undefined && x.external_id === externalId);
    if (!previous) return fail("not_found");
    if (str(args.hash) !== undefined && args.hash !== previous.hash) return fail("hash_conflict");
    const v = viewFrom(args);
    if (isError(v)) return v;
    return { ok: true, view: viewBody(storeView(ctx, v, previous.user, previous)) };
  },

  "usergroups.users.list": (args, ctx) => {
    if (ctx.usergroupsPlan === "free") return fail("plan_upgrade_required");
    const users = ctx.workspace.usergroups.get(str(args.usergroup) ?? "");
    if (!users) return fail("no_such_subteam");
    return { ok: true, users: [...users] };
  },

  "users.info": (args, ctx) => {
    const user = userBody(ctx, str(args.user) ?? "");
    return user ? { ok: true, user } : fail("user_not_found");
  },

  "conversations.info": (args, ctx) => {
    const id = str(args.channel) ?? "";
    const c = ctx.workspace.channels.get(id);
    if (!c) return fail("channel_not_found");
    return {
      ok: true,
      channel: {
        id: c.id,
        name: c.name,
        name_normalized: c.name,
        is_channel: true,
        is_group: false,
        is_im: false,
        is_private: false,
        is_archived: false,
        is_general: false,
        is_member: true,
        created: 1_700_000_000,
        creator: "U0ALICE",
        context_team_id: fakeTeam.id,
        topic: { value: "", creator: "", last_set: 0 },
        purpose: { value: "Operations", creator: "", last_set: 0 },
      },
    };
  },

  "files.getUploadURLExternal": (args, ctx) => {
    const filename = str(args.filename);
    const length = Number(args.length);
    if (!filename || !Number.isFinite(length) || length < 0) {
      return fail("invalid_arguments", {
        response_metadata: { messages: ["[ERROR] missing required field: filename or length"] },
      });
    }
    const id = ctx.workspace.nextId("F");
    ctx.workspace.files.set(id, {
      id,
      name: filename,
      title: filename,
      length,
      content: undefined,
      created: Math.floor(ctx.now() / 1000),
      shared: false,
    });
    return { ok: true, upload_url: `${ctx.baseUrl()}/upload/v1/${id}`, file_id: id };
  },

  "files.completeUploadExternal": (args, ctx) => {
    const files = args.files;
    if (!Array.isArray(files) || files.length === 0) {
      return fail("invalid_arguments", { response_metadata: { messages: ["[ERROR] missing required field: files"] } });
    }
    const stored = [];
    for (const f of files as { id?: unknown; title?: unknown }[]) {
      const file = ctx.workspace.files.get(str(f.id) ?? "");
      if (!file || file.content === undefined) return fail("file_not_found");
      if (typeof f.title === "string" && f.title !== "") file.title = f.title;
      stored.push(file);
    }
    let channel: string | undefined;
    if (str(args.channel_id)) {
      const target = postableChannel(ctx, args.channel_id);
      if (isError(target)) return target;
      channel = target.id;
    }
    const urlOf = (id: string, name: string) => `${ctx.baseUrl()}/files/${id}/${encodeURIComponent(name)}`;
    if (channel) {
      const threadTs = threadParent(ctx, channel, args.thread_ts);
      postBotMessage(ctx, channel, {
        text: typeof args.initial_comment === "string" ? args.initial_comment : "",
        ...(threadTs ? { thread_ts: threadTs } : {}),
        files: stored.map((f) => ({
          id: f.id,
          name: f.name,
          title: f.title,
          size: f.length,
          url_private: urlOf(f.id, f.name),
        })),
      });
      for (const f of stored) f.shared = true;
    }
    return {
      ok: true,
      files: stored.map((f) => ({
        id: f.id,
        name: f.name,
        title: f.title,
        size: f.length,
        created: f.created,
        mimetype: "text/plain",
        filetype: "text",
        user: fakeTeam.botUserId,
        url_private: urlOf(f.id, f.name),
        url_private_download: urlOf(f.id, f.name),
        channels: channel ? [channel] : [],
      })),
    };
  },
};

/** Answers one Web API call; unknown methods get Slack's `unknown_method`. */
export function callWebApi(method: string, args: ApiArgs, ctx: WebApiContext): ApiResult {
  const m = methods[method];
  return m ? m(args, ctx) : fail("unknown_method");
}

/** The Web API methods this fake implements. */
export const webApiMethods: readonly string[] = Object.keys(methods);
