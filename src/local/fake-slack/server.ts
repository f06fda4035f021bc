/**
 * A fake Slack over real HTTP, shared by the tests and the local demo: the Web API under `/api/<method>`,
 * `response_url`s under `/respond/<id>`, file upload URLs under `/upload/v1/<file id>`, downloads under `/files/`,
 * and the Slack-like browser console at `/` (src/local/console).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleConsoleRequest } from "../console/routes.js";
import { demoUsergroups, opsChannel, slackUsers } from "./demo-workspace.js";
import { Interactions, type ResponseTarget } from "./interactions.js";
import {
  type ApiArgs,
  callWebApi,
  postBotMessage,
  postEphemeralMessage,
  type WebApiContext,
  withIds,
} from "./web-api.js";
import { type FakeChannel, type FakeUser, Workspace } from "./workspace.js";

/** Options of {@link startFakeSlack}. */
export interface FakeSlackOptions {
  /** Port to listen on. @default 0 (a free port) */
  port?: number;
  /** Interface to listen on. @default "127.0.0.1" */
  host?: string;
  /** The only bot token the Web API accepts. @default "xoxb-fake-pns" */
  botToken?: string;
  /** The secret requests to the app are signed with. @default "fake-signing-secret" */
  signingSecret?: string;
  /** Where user actions are sent (the app's `/slack/events`); settable later with setAppUrl. */
  appUrl?: string;
  /** Users of the workspace. @default Alice, Bob and Carol (slackUsers) */
  users?: FakeUser[];
  /** Channels of the workspace. @default [#ops] */
  channels?: FakeChannel[];
  /** Usergroups by id. @default { S0SRE: [U0BOB] } */
  usergroups?: Record<string, string[]>;
  /** "free" makes usergroups.users.list answer plan_upgrade_required. @default "paid" */
  usergroupsPlan?: "paid" | "free";
  /** Clock in epoch milliseconds, injectable so tests can expire triggers and response_urls. @default Date.now */
  now?: () => number;
  /** How long the console waits for the app to acknowledge before showing Slack's timeout. @default 3000 */
  ackTimeoutMs?: number;
}

/** One recorded Web API call. */
export interface ApiCall {
  method: string;
  args: ApiArgs;
  at: number;
}

/** A running fake Slack. */
export interface FakeSlack {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  readonly url: string;
  /** `${url}/api/`, what Bolt's `clientOptions.slackApiUrl` takes. */
  readonly apiUrl: string;
  readonly botToken: string;
  readonly signingSecret: string;
  /** The app's request URL, if set. */
  readonly appUrl: string | undefined;
  /** How long the console waits for an acknowledgement. */
  readonly ackTimeoutMs: number;
  /** Every Web API call, in order (token removed). */
  readonly calls: ApiCall[];
  readonly workspace: Workspace;
  readonly interactions: Interactions;
  /** What the Web API methods run against (clock, workspace, handles), for helpers that post like Slack does. */
  readonly context: WebApiContext;
  /** The Web API calls to one method. */
  callsTo(method: string): ApiCall[];
  setAppUrl(url: string): void;
  /** Issues a trigger_id for a user, as Slack does with each slash command and interaction. */
  issueTriggerId(user: string): string;
  /** Issues a response_url for an interaction. */
  issueResponseUrl(target: ResponseTarget): string;
  /**
   * Answers the next `times` calls to a Web API method with an HTTP error, as Slack does under load: 429 with a
   * `Retry-After` header in seconds (docs.slack.dev "Rate limits"), or a 5xx.
   */
  failNext(method: string, fault: WebApiFault, times?: number): void;
  close(): Promise<void>;
}

/** An HTTP error the fake's Web API answers with instead of the method's result. */
export type WebApiFault = { status: 429; retryAfterSeconds: number } | { status: 500 | 502 | 503 };

const jsonFields = new Set(["blocks", "attachments", "view", "files", "metadata", "user_auth_blocks"]);

/** Reads a request body fully. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a Web API body: JSON, form-encoded (JSON-valued fields decoded) or multipart. */
async function parseArgs(body: Buffer, contentType: string): Promise<ApiArgs> {
  if (body.length === 0) return {};
  if (contentType.startsWith("application/json")) {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as ApiArgs) : {};
  }
  const entries: [string, string][] = [];
  if (contentType.startsWith("multipart/form-data")) {
    const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
    for (const [k, v] of form.entries()) if (typeof v === "string") entries.push([k, v]);
  } else {
    entries.push(...new URLSearchParams(body.toString("utf8")).entries());
  }
  const args: ApiArgs = {};
  for (const [k, v] of entries) {
    if (jsonFields.has(k) && /^\s*[[{]/.test(v)) {
      try {
        args[k] = JSON.parse(v);
        continue;
      } catch {
        // Slack would reject it too; keep the string so validation reports it.
      }
    }
    args[k] = v;
  }
  return args;
}

/** Sends a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

const truthy = (v: unknown) => v === true || v === "true";

/** Starts a fake Slack on a free port (by default) and resolves once it listens. */
export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  const now = opts.now ?? Date.now;
  const workspace = new Workspace(now);
  for (const u of opts.users ?? Object.values(slackUsers)) workspace.users.set(u.id, u);
  for (const c of opts.channels ?? [opsChannel]) workspace.channels.set(c.id, c);
  for (const [id, members] of Object.entries(opts.usergroups ?? demoUsergroups)) workspace.usergroups.set(id, members);
  const interactions = new Interactions(now);
  const botToken = opts.botToken ?? "xoxb-fake-pns";
  const calls: ApiCall[] = [];
  const faults = new Map<string, { fault: WebApiFault; remaining: number }>();
  let baseUrl = "";
  let appUrl = opts.appUrl;
  const ctx: WebApiContext = {
    workspace,
    interactions,
    now,
    baseUrl: () => baseUrl,
    usergroupsPlan: opts.usergroupsPlan ?? "paid",
  };

  const fake: FakeSlack = {
    get url() {
      return baseUrl;
    },
    get apiUrl() {
      return `${baseUrl}/api/`;
    },
    botToken,
    signingSecret: opts.signingSecret ?? "fake-signing-secret",
    get appUrl() {
      return appUrl;
    },
    ackTimeoutMs: opts.ackTimeoutMs ?? 3_000,
    calls,
    workspace,
    interactions,
    context: ctx,
    callsTo: (method) => calls.filter((c) => c.method === method),
    setAppUrl: (url) => {
      appUrl = url;
    },
    issueTriggerId: (user) => interactions.issueTrigger(user),
    issueResponseUrl: (target) => `${baseUrl}/respond/${interactions.issueResponseUrl(target)}`,
    failNext: (method, fault, times = 1) => {
      faults.set(method, { fault, remaining: times });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    let args: ApiArgs;
    try {
      args = await parseArgs(await readBody(req), req.headers["content-type"] ?? "");
    } catch {
      sendJson(res, 200, { ok: false, error: "invalid_form_data" });
      return;
    }
    const { token: bodyToken, ...rest } = args;
    calls.push({ method, args: rest, at: now() });
    const header = req.headers.authorization;
    const token = header?.startsWith("Bearer ") ? header.slice(7) : typeof bodyToken === "string" ? bodyToken : "";
    if (token === "") return sendJson(res, 200, { ok: false, error: "not_authed" });
    if (token !== botToken) return sendJson(res, 200, { ok: false, error: "invalid_auth" });
    const injected = faults.get(method);
    if (injected && injected.remaining > 0) {
      injected.remaining--;
      const { fault } = injected;
      if (fault.status === 429) {
        res.writeHead(429, { "content-type": "application/json", "retry-after": String(fault.retryAfterSeconds) });
        res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
      } else res.writeHead(fault.status, { "content-type": "text/plain" }).end("upstream error");
      return;
    }
    // Slack answers 200 for ok:false; a non-200 would make the WebClient retry for half an hour.
    sendJson(res, 200, callWebApi(method, rest, ctx));
  }

  async function handleRespond(req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const raw = await readBody(req);
    let body: Record<string, unknown>;
    try {
      body = (await parseArgs(raw, req.headers["content-type"] ?? "application/json")) as Record<string, unknown>;
      if (typeof body.payload === "string") body = JSON.parse(body.payload) as Record<string, unknown>;
    } catch {
      return sendJson(res, 400, { ok: false, error: "invalid_payload" });
    }
    const redeemed = interactions.useResponseUrl(id);
    if (!redeemed.ok) return sendJson(res, 404, { ok: false, error: redeemed.error });
    const target = redeemed.value;
    if (truthy(body.delete_original)) {
      if (target.messageTs) workspace.remove(target.channel, target.messageTs);
      return sendJson(res, 200, { ok: true });
    }
    const text = typeof body.text === "string" ? body.text : "";
    const blocks = Array.isArray(body.blocks) ? body.blocks : undefined;
    if (text === "" && (blocks === undefined || blocks.length === 0))
      return sendJson(res, 400, { ok: false, error: "no_text" });
    if (blocks && blocks.length > 50) return sendJson(res, 400, { ok: false, error: "invalid_blocks" });
    const content = { text, ...(blocks ? { blocks: withIds(blocks) } : {}) };
    if (truthy(body.replace_original) && target.messageTs) {
      const original = target.isEphemeral
        ? workspace.ephemerals.find((m) => m.channel === target.channel && m.ts === target.messageTs)
        : workspace.message(target.channel, target.messageTs);
      if (!original) return sendJson(res, 404, { ok: false, error: "message_not_found" });
      original.text = content.text;
      workspace.resetSelections(target.channel, original.ts);
      if (content.blocks) original.blocks = content.blocks;
      else delete original.blocks;
      return sendJson(res, 200, { ok: true });
    }
    const threadTs = typeof body.thread_ts === "string" && body.thread_ts !== "" ? body.thread_ts : undefined;
    const withThread = { ...content, ...(threadTs ? { thread_ts: threadTs } : {}) };
    const inChannel = body.response_type === "in_channel";
    const ts = inChannel
      ? postBotMessage(ctx, target.channel, withThread).ts
      : postEphemeralMessage(ctx, target.channel, target.user, withThread);
    interactions.rememberMessage(id, ts, !inChannel);
    sendJson(res, 200, { ok: true });
  }

  async function handleUpload(req: IncomingMessage, res: ServerResponse, fileId: string): Promise<void> {
    const file = workspace.files.get(fileId);
    const raw = await readBody(req);
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end("file_not_found");
      return;
    }
    const contentType = req.headers["content-type"] ?? "";
    let content = raw;
    if (contentType.startsWith("multipart/form-data")) {
      const form = await new Response(raw, { headers: { "content-type": contentType } }).formData();
      const part = [...form.values()].find((v) => typeof v !== "string");
      if (part && typeof part !== "string") content = Buffer.from(await part.arrayBuffer());
    }
    file.content = content;
    file.length = content.length;
    res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${content.length}`);
  }

  function handleDownload(res: ServerResponse, fileId: string): void {
    const file = workspace.files.get(fileId);
    if (!file?.content) {
      res.writeHead(404, { "content-type": "text/plain" }).end("file_not_found");
      return;
    }
    res
      .writeHead(200, {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": `inline; filename="${file.name.replace(/[^\w.-]/g, "_")}"`,
      })
      .end(file.content);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake-slack");
    const path = url.pathname;
    const api = path.match(/^\/api\/([\w.]+)$/);
    if (api) return handleApi(req, res, api[1]!);
    const respond = req.method === "POST" ? path.match(/^\/respond\/(\w+)$/) : null;
    if (respond) return handleRespond(req, res, respond[1]!);
    const upload = req.method === "POST" ? path.match(/^\/upload\/v1\/(\w+)$/) : null;
    if (upload) return handleUpload(req, res, upload[1]!);
    const download = req.method === "GET" ? path.match(/^\/files\/(\w+)(\/.*)?$/) : null;
    if (download) return handleDownload(res, download[1]!);
    if (await handleConsoleRequest(req, res, fake, url)) return;
    sendJson(res, 404, { ok: false, error: "not_found" });
  }

  const server = createServer((req, res) => {
    route(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: "fake_slack_internal_error" });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;
  return fake;
}
