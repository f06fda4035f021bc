/**
 * The browser console's HTTP side, served by the fake Slack: the static page at `/` and a small JSON API that turns
 * clicks into signed Slack requests to the app (via the fake's client) and reports the app's errors.
 */
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppResponse } from "../fake-slack/client.js";
import { buildBlockAction, buildSlashCommand, buildViewSubmission, sendToApp } from "../fake-slack/client.js";
import type { FakeSlack } from "../fake-slack/server.js";
import { readBody, sendJson } from "../fake-slack/server.js";
import { postBotMessage, postEphemeralMessage, withIds } from "../fake-slack/web-api.js";
import { type FakeMessage, fakeTeam } from "../fake-slack/workspace.js";

const staticFiles: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/console/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/console/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Describes a failed delivery to the app in words the console shows as a banner. */
function deliveryError(what: string, res: AppResponse): string | undefined {
  if (res.status === 0) return `${what}: the app did not answer within the time Slack waits (operation_timeout).`;
  if (res.status < 200 || res.status >= 300) {
    const detail = res.body.trim().slice(0, 300);
    return `${what}: the app answered HTTP ${res.status}${detail ? ` — ${detail}` : ""}.`;
  }
  return undefined;
}

function timelineOf(fake: FakeSlack, channel: string, user: string) {
  const ws = fake.workspace;
  const name = (id: string | undefined) =>
    id === fakeTeam.botUserId ? fakeTeam.botName : ((id && ws.users.get(id)?.realName) ?? id ?? "unknown");
  // The console shows this user's picks in selects, by action_id, so a redraw keeps them.
  const picked = (m: FakeMessage) =>
    Object.fromEntries(
      Object.values(ws.selectionsOf(user, channel, m.ts)).flatMap((byAction) =>
        Object.entries(byAction).map(([actionId, option]) => [actionId, (option as { value?: string } | null)?.value]),
      ),
    );
  const view = (m: FakeMessage, ephemeral: boolean) => ({
    ...m,
    ephemeral,
    author: name(m.user),
    isBot: !!m.bot_id,
    selected: picked(m),
  });
  const eph = ws.ephemeralsFor(channel, user);
  const top = [
    ...ws.channelMessages(channel).map((m) => view(m, false)),
    ...eph.filter((m) => m.thread_ts === undefined).map((m) => view(m, true)),
  ].sort((a, b) => Number(a.ts) - Number(b.ts));
  return top.map((m) => ({
    ...m,
    replies: [
      ...ws.replies(channel, m.ts).map((r) => view(r, false)),
      ...eph.filter((r) => r.thread_ts === m.ts).map((r) => view(r, true)),
    ].sort((a, b) => Number(a.ts) - Number(b.ts)),
  }));
}

async function jsonBody(req: IncomingMessage): Promise<Obj> {
  const raw = await readBody(req);
  const parsed: unknown = raw.length ? JSON.parse(raw.toString("utf8")) : {};
  return isObj(parsed) ? parsed : {};
}

/** Applies a slash command's acknowledgement body the way Slack shows it (ephemeral unless in_channel). */
function applyCommandAck(fake: FakeSlack, channel: string, user: string, responseUrl: string, res: AppResponse): void {
  const ack = isObj(res.json) ? res.json : res.body.trim() !== "" ? { text: res.body } : undefined;
  if (!ack) return;
  const text = typeof ack.text === "string" ? ack.text : "";
  const blocks = Array.isArray(ack.blocks) ? withIds(ack.blocks) : undefined;
  if (text === "" && !blocks) return;
  const content = { text, ...(blocks ? { blocks } : {}) };
  const inChannel = ack.response_type === "in_channel";
  const ts = inChannel
    ? postBotMessage(fake.context, channel, content).ts
    : postEphemeralMessage(fake.context, channel, user, content);
  // The acknowledgement is what the command's response_url replaces later (progress → result).
  const id = responseUrl.split("/respond/")[1];
  if (id) fake.interactions.rememberMessage(id, ts, !inChannel);
}

async function command(fake: FakeSlack, body: Obj) {
  const user = String(body.user ?? "");
  const channel = String(body.channel ?? "C0OPS");
  const input = String(body.text ?? "").trim();
  const m = input.match(/^(\/\S+)\s*([\s\S]*)$/);
  if (!m) return { ok: false, error: "Type a slash command, e.g. /pns help." };
  const request = buildSlashCommand(fake, { user, channel, command: m[1]!, text: m[2]! });
  const res = await sendToApp(fake, request, { timeoutMs: fake.ackTimeoutMs });
  const error = deliveryError(`${m[1]} failed`, res);
  if (error) return { ok: false, error };
  applyCommandAck(fake, channel, user, request.responseUrl ?? "", res);
  return { ok: true };
}

async function action(fake: FakeSlack, body: Obj) {
  const user = String(body.user ?? "");
  const channel = String(body.channel ?? "C0OPS");
  const ts = String(body.ts ?? "");
  const message =
    fake.workspace.message(channel, ts) ?? fake.workspace.ephemeralsFor(channel, user).find((e) => e.ts === ts);
  if (!message) return { ok: false, error: "That message is gone (it was deleted or replaced)." };
  const request = buildBlockAction(fake, {
    user,
    channel,
    message,
    actionId: String(body.actionId ?? ""),
    ...(typeof body.value === "string" ? { value: body.value } : {}),
  });
  const res = await sendToApp(fake, request, { timeoutMs: fake.ackTimeoutMs });
  const error = deliveryError(`The ${String(body.actionId)} action failed`, res);
  return error ? { ok: false, error } : { ok: true };
}

/**
 * What Slack's own client refuses before it sends a view_submission: an empty required input (input blocks are
 * required unless `optional`), or text shorter than the element's `min_length` (Block Kit reference, input block and
 * plain_text_input; "the UI side shows the error message before sending view_submission", slackapi/bolt-js#1267).
 * Errors are keyed by block_id, as an app's `response_action: "errors"` is; the wording is the console's own.
 */
export function clientFieldErrors(blocks: unknown, values: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const block of Array.isArray(blocks) ? blocks : []) {
    if (!isObj(block) || block.type !== "input" || !isObj(block.element)) continue;
    const el = block.element;
    if (el.type !== "plain_text_input") continue;
    const given = values[String(el.action_id)];
    const text = typeof given === "string" ? given : typeof el.initial_value === "string" ? el.initial_value : "";
    // Slack counts characters, not UTF-16 units: an emoji is one.
    const length = [...text].length;
    const blockId = String(block.block_id ?? "");
    if (length === 0) {
      if (block.optional !== true) errors[blockId] = "Please fill out this field.";
    } else if (typeof el.min_length === "number" && length < el.min_length) {
      errors[blockId] = `Please enter at least ${el.min_length} characters (you entered ${length}).`;
    }
  }
  return errors;
}

async function submit(fake: FakeSlack, body: Obj) {
  const user = String(body.user ?? "");
  const view = fake.workspace.views.get(String(body.viewId ?? ""));
  if (!view || view.user !== user) return { ok: false, error: "That dialog is no longer open." };
  const values = isObj(body.values) ? (body.values as Record<string, string>) : {};
  const refused = clientFieldErrors(view.blocks, values);
  if (Object.keys(refused).length > 0) return { ok: false, fieldErrors: refused };
  const request = buildViewSubmission(fake, { user, view, values });
  const res = await sendToApp(fake, request, { timeoutMs: fake.ackTimeoutMs });
  const error = deliveryError("Submitting the dialog failed", res);
  if (error) return { ok: false, error };
  const ack = isObj(res.json) ? res.json : {};
  if (ack.response_action === "errors" && isObj(ack.errors)) return { ok: false, fieldErrors: ack.errors };
  if ((ack.response_action === "update" || ack.response_action === "push") && isObj(ack.view)) {
    view.blocks = Array.isArray(ack.view.blocks) ? withIds(ack.view.blocks) : [];
    view.title = ack.view.title;
    view.submit = ack.view.submit;
    view.close = ack.view.close;
    return { ok: true };
  }
  fake.workspace.views.delete(view.id);
  return { ok: true };
}

/** Serves the console's page and JSON API; false when the request is not the console's. */
export async function handleConsoleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  fake: FakeSlack,
  url: URL,
): Promise<boolean> {
  const asset = req.method === "GET" ? staticFiles[url.pathname] : undefined;
  if (asset) {
    const content = await readFile(new URL(asset.file, import.meta.url));
    res.writeHead(200, { "content-type": asset.type, "cache-control": "no-store" }).end(content);
    return true;
  }
  if (req.method === "GET" && url.pathname === "/console/state") {
    const ws = fake.workspace;
    const user = url.searchParams.get("user") ?? [...ws.users.keys()][0] ?? "";
    const channel = url.searchParams.get("channel") ?? [...ws.channels.keys()][0] ?? "";
    const modal = ws.openViewOf(user);
    sendJson(res, 200, {
      me: user,
      appUrl: fake.appUrl ?? null,
      users: [...ws.users.values()],
      channels: [...ws.channels.values()],
      channel: ws.channels.get(channel) ?? null,
      usergroups: Object.fromEntries(ws.usergroups),
      messages: timelineOf(fake, channel, user),
      modal: modal ?? null,
    });
    return true;
  }
  const handlers: Record<string, (f: FakeSlack, b: Obj) => Promise<Obj>> = {
    "/console/command": command,
    "/console/action": action,
    "/console/submit": submit,
    "/console/close": async (f, b) => {
      const v = f.workspace.views.get(String(b.viewId ?? ""));
      if (v && v.user === b.user) f.workspace.views.delete(v.id);
      return { ok: true };
    },
  };
  const handler = req.method === "POST" ? handlers[url.pathname] : undefined;
  if (!handler) return false;
  let body: Obj;
  try {
    body = await jsonBody(req);
  } catch {
    sendJson(res, 400, { ok: false, error: "The console sent a body that is not JSON." });
    return true;
  }
  if (!fake.appUrl && url.pathname !== "/console/close") {
    sendJson(res, 200, { ok: false, error: "No app URL is set: start the dev server or call setAppUrl." });
    return true;
  }
  try {
    sendJson(res, 200, await handler(fake, body));
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    sendJson(res, 200, { ok: false, error: `Could not reach the app at ${fake.appUrl}: ${reason}` });
  }
  return true;
}
