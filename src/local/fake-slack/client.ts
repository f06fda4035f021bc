/**
 * The user side of the fake Slack: builds the requests Slack sends to an app (slash commands, block_actions,
 * view_submission), signs them and POSTs them to the app URL. Builders are apart from senders so a test can build
 * once and send twice (retries, double submissions).
 */
import { createHmac } from "node:crypto";
import type { FakeSlack } from "./server.js";
import { type FakeMessage, type FakeView, fakeTeam } from "./workspace.js";

export { opsChannel, slackUsers } from "./demo-workspace.js";

/** A request as Slack would send it to the app, before signing. */
export interface SlackRequest {
  kind: "slash_command" | "block_actions" | "view_submission";
  /** The raw form-encoded body, exactly what gets signed. */
  body: string;
  /** The decoded payload (the form fields of a slash command, the JSON `payload` of an interaction). */
  payload: Record<string, unknown>;
  responseUrl?: string;
  triggerId: string;
}

/** What the app answered. */
export interface AppResponse {
  /** HTTP status; 0 when the app did not answer in time (Slack shows operation_timeout). */
  status: number;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
}

/** Overrides for one send, to test the app's request verification and retry handling. */
export interface SendOverrides {
  /** Where to POST. @default the fake's appUrl */
  url?: string;
  /** Sign with this secret instead (a wrong one gives a bad signature). */
  signingSecret?: string;
  /** Send this X-Slack-Signature verbatim. */
  signature?: string;
  /** X-Slack-Request-Timestamp in epoch seconds (a stale one: now − 360). @default now */
  timestamp?: number;
  /** Leave these headers out. */
  omit?: ("signature" | "timestamp")[];
  /** X-Slack-Retry-Num (and X-Slack-Retry-Reason, default "http_timeout"). */
  retryNum?: number;
  retryReason?: string;
  /** Give up after this long and answer status 0. @default 10000 */
  timeoutMs?: number;
}

/** A select option as Block Kit carries it. */
export interface SelectedOption {
  text: { type: "plain_text"; text: string; emoji?: boolean };
  value: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Slack's request signature: `v0=` + hex HMAC-SHA256(secret, `v0:{timestamp}:{body}`). */
export function signSlackRequest(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

function userRef(fake: FakeSlack, userId: string) {
  const u = fake.workspace.users.get(userId);
  if (!u) throw new Error(`fake Slack has no user ${userId}`);
  return { id: u.id, username: u.name, name: u.name, team_id: fakeTeam.id };
}

function channelRef(fake: FakeSlack, channelId: string) {
  const c = fake.workspace.channels.get(channelId);
  if (!c) throw new Error(`fake Slack has no channel ${channelId}`);
  return { id: c.id, name: c.name };
}

/** Every interactive element of a set of blocks, with the block it sits in. */
function elementsOf(blocks: unknown[] | undefined): { blockId: string; element: Obj; block: Obj }[] {
  const found: { blockId: string; element: Obj; block: Obj }[] = [];
  for (const block of blocks ?? []) {
    if (!isObj(block)) continue;
    const blockId = String(block.block_id ?? "");
    const candidates = [
      ...(block.type === "actions" && Array.isArray(block.elements) ? block.elements : []),
      block.accessory,
      block.element,
    ];
    for (const el of candidates)
      if (isObj(el) && typeof el.action_id === "string") found.push({ blockId, element: el, block });
  }
  return found;
}

const statefulTypes = new Set([
  "static_select",
  "plain_text_input",
  "multi_static_select",
  "checkboxes",
  "radio_buttons",
]);

/** Builds a slash command, form-encoded exactly as Slack sends it. */
export function buildSlashCommand(
  fake: FakeSlack,
  args: { user: string; channel: string; text: string; command?: string },
): SlackRequest {
  const user = userRef(fake, args.user);
  const channel = channelRef(fake, args.channel);
  const responseUrl = fake.issueResponseUrl({ channel: channel.id, user: user.id });
  const triggerId = fake.issueTriggerId(user.id);
  const payload = {
    token: "fake-verification-token",
    team_id: fakeTeam.id,
    team_domain: fakeTeam.domain,
    channel_id: channel.id,
    channel_name: channel.name,
    user_id: user.id,
    user_name: user.username,
    command: args.command ?? "/pns",
    text: args.text,
    api_app_id: fakeTeam.appId,
    is_enterprise_install: "false",
    response_url: responseUrl,
    trigger_id: triggerId,
  };
  return { kind: "slash_command", body: new URLSearchParams(payload).toString(), payload, responseUrl, triggerId };
}

/** Builds a block_actions interaction on a posted (or ephemeral) message, as Slack sends it. */
export function buildBlockAction(
  fake: FakeSlack,
  args: {
    user: string;
    channel: string;
    /** The message as the fake holds it (workspace.message / ephemeralsFor). */
    message: FakeMessage;
    actionId: string;
    value?: string;
    selectedOption?: SelectedOption;
    /** state.values to send; by default built from the message's stateful elements. */
    state?: Record<string, Record<string, unknown>>;
  },
): SlackRequest {
  const user = userRef(fake, args.user);
  const channel = channelRef(fake, args.channel);
  const isEphemeral = "visibleTo" in args.message;
  const all = elementsOf(args.message.blocks);
  const hit = all.find((e) => e.element.action_id === args.actionId);
  if (!hit) throw new Error(`message ${args.message.ts} has no element with action_id ${args.actionId}`);
  const ts = fake.workspace.nextTs();
  const el = hit.element;
  const action: Obj = { type: el.type, block_id: hit.blockId, action_id: args.actionId, action_ts: ts };
  if (el.type === "button") {
    action.text = el.text;
    if (args.value ?? el.value) action.value = args.value ?? el.value;
    if (el.style) action.style = el.style;
  } else if (el.type === "static_select") {
    const selected = args.selectedOption ?? findOption(el, args.value);
    if (!selected) throw new Error(`select ${args.actionId} has no option ${args.value ?? "(none given)"}`);
    action.selected_option = selected;
    if (el.placeholder) action.placeholder = el.placeholder;
  } else if (args.value !== undefined) {
    action.value = args.value;
  }
  if (el.type === "static_select") {
    fake.workspace.select(user.id, channel.id, args.message.ts, hit.blockId, args.actionId, action.selected_option);
  }
  // Slack sends what this user picked so far in every select of the message (the client's state), else initial_option.
  const picked = fake.workspace.selectionsOf(user.id, channel.id, args.message.ts);
  const values: Record<string, Record<string, unknown>> = {};
  for (const { blockId, element } of all) {
    if (!statefulTypes.has(String(element.type))) continue;
    const entry: Obj = { type: element.type };
    if (element.type === "static_select") {
      entry.selected_option = picked[blockId]?.[String(element.action_id)] ?? element.initial_option ?? null;
    } else {
      entry.value = element.initial_value ?? null;
    }
    values[blockId] = { ...values[blockId], [String(element.action_id)]: entry };
  }
  const responseUrl = fake.issueResponseUrl({
    channel: channel.id,
    user: user.id,
    messageTs: args.message.ts,
    isEphemeral,
  });
  const triggerId = fake.issueTriggerId(user.id);
  const { channel: _c, ...messageBody } = args.message;
  const payload: Obj = {
    type: "block_actions",
    user,
    api_app_id: fakeTeam.appId,
    token: "fake-verification-token",
    container: { type: "message", message_ts: args.message.ts, channel_id: channel.id, is_ephemeral: isEphemeral },
    trigger_id: triggerId,
    team: { id: fakeTeam.id, domain: fakeTeam.domain },
    enterprise: null,
    is_enterprise_install: false,
    channel,
    // Slack leaves the message out for ephemeral messages: the app never saw them as channel history.
    ...(isEphemeral ? {} : { message: { ...messageBody, team: fakeTeam.id } }),
    state: { values: args.state ?? values },
    response_url: responseUrl,
    actions: [action],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return { kind: "block_actions", body, payload, responseUrl, triggerId };
}

function findOption(el: Obj, value: string | undefined): SelectedOption | undefined {
  const options: unknown[] = [
    ...(Array.isArray(el.options) ? el.options : []),
    ...(Array.isArray(el.option_groups)
      ? el.option_groups.flatMap((g) => (isObj(g) && Array.isArray(g.options) ? g.options : []))
      : []),
  ];
  const o = options.find((x) => isObj(x) && (value === undefined || x.value === value));
  return o as SelectedOption | undefined;
}

/** Builds a view_submission of an open modal; `values` maps an input's action_id to the text typed. */
export function buildViewSubmission(
  fake: FakeSlack,
  args: { user: string; view: FakeView; values: Record<string, string | SelectedOption> },
): SlackRequest {
  const user = userRef(fake, args.user);
  const stateValues: Record<string, Record<string, unknown>> = {};
  for (const { blockId, element } of elementsOf(args.view.blocks)) {
    const given = args.values[String(element.action_id)];
    const entry: Obj = { type: element.type };
    if (element.type === "static_select") {
      // An untouched select submits its initial_option (api.slack.com/reference/interaction-payloads/views).
      entry.selected_option = isObj(given)
        ? given
        : given === undefined && isObj(element.initial_option)
          ? element.initial_option
          : (findOption(element, given as string | undefined) ?? null);
    } else if (statefulTypes.has(String(element.type))) {
      entry.value = typeof given === "string" ? given : (element.initial_value ?? null);
    } else {
      continue;
    }
    stateValues[blockId] = { ...stateValues[blockId], [String(element.action_id)]: entry };
  }
  const triggerId = fake.issueTriggerId(user.id);
  const { user: _u, ...view } = args.view;
  const payload: Obj = {
    type: "view_submission",
    team: { id: fakeTeam.id, domain: fakeTeam.domain },
    user,
    api_app_id: fakeTeam.appId,
    token: "fake-verification-token",
    trigger_id: triggerId,
    view: { ...view, state: { values: stateValues } },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return { kind: "view_submission", body, payload, triggerId };
}

/** Signs a built request and POSTs it to the app like Slack does; never throws for HTTP errors. */
export async function sendToApp(fake: FakeSlack, request: SlackRequest, o: SendOverrides = {}): Promise<AppResponse> {
  const url = o.url ?? fake.appUrl;
  if (!url) throw new Error("fake Slack has no app URL: pass appUrl to startFakeSlack or call setAppUrl");
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
  };
  if (!o.omit?.includes("timestamp")) headers["x-slack-request-timestamp"] = String(timestamp);
  if (!o.omit?.includes("signature")) {
    headers["x-slack-signature"] =
      o.signature ?? signSlackRequest(o.signingSecret ?? fake.signingSecret, timestamp, request.body);
  }
  if (o.retryNum !== undefined) {
    headers["x-slack-retry-num"] = String(o.retryNum);
    headers["x-slack-retry-reason"] = o.retryReason ?? "http_timeout";
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers,
      body: request.body,
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
  } catch (err) {
    if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) {
      return { status: 0, body: "operation_timeout" };
    }
    throw err;
  }
  const body = await res.text();
  let json: unknown;
  try {
    json = body === "" ? undefined : JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status: res.status, body, ...(json === undefined ? {} : { json }) };
}

/** Builders and a sender bound to one fake Slack, for terse tests. */
export function slackClient(fake: FakeSlack) {
  return {
    slashCommand: (args: Parameters<typeof buildSlashCommand>[1]) => buildSlashCommand(fake, args),
    blockAction: (args: Parameters<typeof buildBlockAction>[1]) => buildBlockAction(fake, args),
    viewSubmission: (args: Parameters<typeof buildViewSubmission>[1]) => buildViewSubmission(fake, args),
    send: (request: SlackRequest, overrides?: SendOverrides) => sendToApp(fake, request, overrides),
  };
}
