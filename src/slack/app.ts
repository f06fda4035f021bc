import { App, AwsLambdaReceiver, type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import { handleSlashCommand } from "../app/command.js";
import { decide, submitDecision } from "../app/decide.js";
import type { AppDeps } from "../app/deps.js";
import { pickPod } from "../app/pod-picker.js";
import { type ClickOrigin, requestFromTable, submitReason } from "../app/request-signal.js";
import { retryWithProfile } from "../app/retry-profile.js";
import { shareTable } from "../app/share.js";
import { parseAutoContChoice } from "../core/approval/auto-cont.js";
import type { DecisionAction } from "../core/approval/state-machine.js";
import type { Logger } from "../core/log.js";
import type { SlackIdentity } from "../core/policy.js";
import {
  ActionId,
  BlockId,
  CallbackId,
  decodeFreshPickValue,
  decodeIntentValue,
  decodeListingBlockId,
  decodePidValue,
  decodeRequestBlockId,
  decodeRequestValue,
  decodeShareValue,
  decodeSignalValue,
} from "../core/views/ids.js";
import { renderProgressView } from "../core/views/progress-view.js";
import { guardSlackRequest, SIGNATURE_WINDOW_MS } from "./request-guard.js";

/** The Lambda handler Bolt's AwsLambdaReceiver returns. */
export type SlackLambdaHandler = Awaited<ReturnType<AwsLambdaReceiver["start"]>>;

/** Bolt logs through pns's logger, so its lines are JSON and redacted too. */
function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    // Bolt's debug lines carry whole requests (bodies, response_urls, signatures): never written.
    debug: () => {},
    info: (...msg) => logger.info(msg.map(String).join(" ")),
    warn: (...msg) => logger.warn(msg.map(String).join(" ")),
    error: (...msg) => logger.error(msg.map(String).join(" ")),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/** Who sent an interaction, as its payload says (fields absent from a forged payload stay absent). */
interface InteractionSender {
  user?: { id?: string; team_id?: string };
  team?: { id?: string } | null;
  enterprise?: { id?: string } | null;
  is_ext_shared_channel?: boolean;
}

/** The parts of a `block_actions` payload pns reads. */
interface BlockActionBody extends InteractionSender {
  channel?: { id: string };
  container?: { message_ts?: string; channel_id?: string };
  trigger_id: string;
  response_url?: string;
  actions: { action_id: string; block_id: string; value?: string }[];
  state?: { values: Record<string, Record<string, { selected_option?: { value: string } | null }>> };
}

/** The parts of a `view_submission` payload pns reads. */
interface ViewSubmissionBody extends InteractionSender {
  view: {
    id?: string;
    private_metadata?: string;
    state: {
      values: Record<string, Record<string, { value?: string | null; selected_option?: { value?: unknown } | null }>>;
    };
  };
}

/** A payload field as text; anything else (a forged number, object or null) as absent. */
function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Who sent an interaction: the user, their workspace and organization, and whether the channel is shared out. */
function senderOf(body: InteractionSender): SlackIdentity {
  return {
    user: text(body.user?.id) ?? "",
    team: text(body.user?.team_id) ?? text(body.team?.id) ?? null,
    enterprise: text(body.enterprise?.id) ?? null,
    externalChannel: body.is_ext_shared_channel === true,
  };
}

/** Who clicked, where, and where to answer them. */
function clickOrigin(body: BlockActionBody): ClickOrigin {
  return {
    ...senderOf(body),
    channel: text(body.container?.channel_id) ?? text(body.channel?.id) ?? null,
    responseUrl: text(body.response_url) ?? null,
  };
}

/** A button that runs a command again (its value says how): who clicked where, the trigger and the value. */
function rerunClick(body: BlockActionBody) {
  return { ...clickOrigin(body), triggerId: text(body.trigger_id) ?? "", value: text(body.actions[0]?.value) };
}

const DECISIONS: Record<string, DecisionAction> = {
  [ActionId.signalApprove]: "approve",
  [ActionId.signalDeny]: "deny",
  [ActionId.signalCancel]: "cancel",
};

/**
 * Builds the Bolt app of pns on an AwsLambdaReceiver and returns its Lambda handler. Every listener acknowledges
 * within Slack's 3 seconds: anything slow is handed to the worker through `deps.dispatch`.
 */
export async function createSlackHandler(
  credentials: { signingSecret: string; botToken: string },
  deps: AppDeps,
  options: { slackApiUrl?: string | undefined } = {},
): Promise<SlackLambdaHandler> {
  const logger = boltLogger(deps.logger);
  const receiver = new AwsLambdaReceiver({ signingSecret: credentials.signingSecret, logger });
  const app = new App({
    // A single-workspace app: every request gets the bot token. With `token`, Bolt would call auth.test before
    // every event; pns needs neither the bot's user id nor that round trip on the 3-second path.
    authorize: async () => ({ botToken: credentials.botToken }),
    receiver,
    logger,
    ...(options.slackApiUrl ? { clientOptions: { slackApiUrl: options.slackApiUrl } } : {}),
  });

  app.command("/pns", async ({ command, ack }) => {
    await ack(await handleSlashCommand(deps, command));
  });

  // The pickers only change the message's state; it is read when "Request signal…" is pressed.
  app.action(ActionId.psProcess, async ({ ack }) => ack());
  app.action(ActionId.psSignal, async ({ ack }) => ack());

  app.action(ActionId.psRequest, async ({ ack, body }) => {
    await ack();
    const click = body as unknown as BlockActionBody;
    const action = click.actions[0];
    const listingId = action ? decodeListingBlockId(action.block_id) : null;
    const picked = listingId ? click.state?.values[action?.block_id ?? ""] : undefined;
    await requestFromTable(deps, {
      ...clickOrigin(click),
      triggerId: text(click.trigger_id) ?? "",
      listingId,
      pid: decodePidValue(text(picked?.[ActionId.psProcess]?.selected_option?.value)),
      signal: decodeSignalValue(text(picked?.[ActionId.psSignal]?.selected_option?.value)),
    });
  });

  // "Thread dump: PID 7" and the like: the same request as picking that process and signal.
  app.action(new RegExp(`^${ActionId.psIntentPrefix.replaceAll(".", "\\.")}\\d+$`), async ({ ack, body }) => {
    await ack();
    const click = body as unknown as BlockActionBody;
    const action = click.actions[0];
    const intent = decodeIntentValue(text(action?.value));
    await requestFromTable(deps, {
      ...clickOrigin(click),
      triggerId: text(click.trigger_id) ?? "",
      listingId: action ? decodeListingBlockId(action.block_id) : null,
      pid: intent?.pid ?? null,
      signal: intent?.signal ?? null,
    });
  });

  app.action(ActionId.psShare, async ({ ack, body }) => {
    await ack();
    const click = body as unknown as BlockActionBody;
    await shareTable(deps, { ...clickOrigin(click), listingId: decodeShareValue(text(click.actions[0]?.value)) });
  });

  for (const id of [ActionId.signalApprove, ActionId.signalDeny, ActionId.signalCancel]) {
    app.action(id, async ({ ack, body }) => {
      await ack();
      const click = body as unknown as BlockActionBody;
      const action = click.actions[0];
      await decide(deps, {
        ...clickOrigin(click),
        action: action ? (DECISIONS[action.action_id] ?? null) : null,
        requestId: decodeRequestValue(text(action?.value)),
        actionId: action?.action_id,
        messageTs: text(click.container?.message_ts) ?? null,
        blockRequestId: action ? decodeRequestBlockId(action.block_id) : null,
        triggerId: text(click.trigger_id) ?? null,
      });
    });
  }

  // "Request for PID 20" (a pick that changed since its table) and "Give a reason…" (a typed /pns signal).
  app.action(new RegExp(`^${ActionId.requestFresh.replaceAll(".", "\\.")}(\\.\\d+)?$`), async ({ ack, body }) => {
    await ack();
    const click = body as unknown as BlockActionBody;
    const pick = decodeFreshPickValue(text(click.actions[0]?.value));
    await requestFromTable(deps, {
      ...clickOrigin(click),
      triggerId: text(click.trigger_id) ?? "",
      listingId: pick?.listingId ?? null,
      pid: pick?.pid ?? null,
      signal: pick?.signal ?? null,
    });
  });

  // "Retry with the … profile" under a Pod Security refusal: its value is checked in retryWithProfile.
  app.action(ActionId.retryProfile, async ({ ack, body }) => {
    await ack();
    await retryWithProfile(deps, rerunClick(body as unknown as BlockActionBody));
  });

  // A pod picked from "3 pods match app=web": the same command on that pod, checked again like a typed one.
  app.action(new RegExp(`^${ActionId.podPickPrefix.replaceAll(".", "\\.")}\\d+$`), async ({ ack, body }) => {
    await ack();
    await pickPod(deps, rerunClick(body as unknown as BlockActionBody));
  });

  app.view(CallbackId.decisionModal, async ({ ack, body }) => {
    const submission = body as unknown as ViewSubmissionBody;
    await ack(
      await submitDecision(deps, {
        ...senderOf(submission),
        reason: text(submission.view.state.values[BlockId.denyReason]?.[ActionId.denyReasonInput]?.value) ?? "",
        privateMetadata: text(submission.view.private_metadata),
      }),
    );
  });

  app.view(CallbackId.reasonModal, async ({ ack, body }) => {
    const submission = body as unknown as ViewSubmissionBody;
    await ack(
      await submitReason(deps, {
        ...senderOf(submission),
        reason: text(submission.view.state.values[BlockId.reason]?.[ActionId.reasonInput]?.value) ?? "",
        privateMetadata: text(submission.view.private_metadata),
        viewId: text(submission.view.id) ?? null,
        autoContMs: parseAutoContChoice(
          text(submission.view.state.values[BlockId.autoCont]?.[ActionId.autoContSelect]?.selected_option?.value),
        ),
      }),
    );
  });

  app.error(async (error) => {
    const originals = (error as { originals?: unknown[] }).originals ?? [];
    deps.logger.error("unhandled error in a Slack listener", { error, originals });
  });

  const bolt = await receiver.start();
  return async (event, context) => {
    // The wall clock, as Slack's own: pns's injected clock may run ahead in tests that move time (expiry).
    const guard = guardSlackRequest(event, credentials.signingSecret, Date.now());
    if (!guard.ok) {
      deps.logger.warn("refused a request before Bolt", { status: guard.statusCode, reason: guard.body });
      return { statusCode: guard.statusCode, headers: { "content-type": "text/plain" }, body: guard.body };
    }
    if (guard.replayKey && !(await claimOnce(deps, guard.replayKey))) {
      // The same signed request again (a retry, or a replay): answered, never acted on twice.
      deps.logger.warn("ignored a request seen before", { retry: guard.retry });
      if (!guard.command) return { statusCode: 200, body: "" };
      const view = renderProgressView([], "Already working on this command; the answer follows.");
      return {
        statusCode: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ response_type: "ephemeral", ...view }),
      };
    }
    // Bolt reads the body by the exact content-type: give it the bare media type the guard matched.
    const headers = Object.fromEntries(
      Object.entries(event.headers ?? {}).filter(([k]) => k.toLowerCase() !== "content-type"),
    );
    const res = await bolt({ ...event, headers: { ...headers, "content-type": guard.mediaType } }, context);
    if (res.statusCode >= 500) {
      // pns's listeners never throw (each answers its user); a 5xx here is Bolt choking on input the guard let by.
      deps.logger.error("Bolt could not handle a request the guard let through", { status: res.statusCode });
      return { statusCode: 400, headers: { "content-type": "text/plain" }, body: "pns could not read this request." };
    }
    return res;
  };
}

/** Claims a request's signature for the signature window; a store failure lets it through (logged). */
async function claimOnce(deps: AppDeps, key: string): Promise<boolean> {
  try {
    return await deps.stores.claims.claim(key, SIGNATURE_WINDOW_MS + 60_000);
  } catch (error) {
    deps.logger.error("could not record a request against replays; handling it", { error });
    return true;
  }
}
