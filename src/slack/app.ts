import { App, AwsLambdaReceiver, type Logger as BoltLogger, LogLevel, type RespondFn } from "@slack/bolt";
import type { SlackCredentials } from "../aws/slack-credentials.js";
import type { Logger } from "../core/log.js";
import type { MessageView } from "../core/views/block-kit.js";
import { ActionId, CallbackId } from "../core/views/ids.js";
import { handleSlashCommand } from "./command-listener.js";
import type { SlackDeps } from "./deps.js";
import { type BlockActionBody, onDecision, onReasonSubmitted, onRequestSignal } from "./interaction-listeners.js";

/** The Lambda handler Bolt's AwsLambdaReceiver returns. */
export type SlackLambdaHandler = Awaited<ReturnType<AwsLambdaReceiver["start"]>>;

/** Bolt logs through pns's logger, so its lines are JSON and redacted too. */
function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  return {
    debug: (...msg) => logger.debug(msg.map(String).join(" ")),
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

/** Answers the clicking user ephemerally through the interaction's response_url; a failure is logged, not thrown. */
function replyWith(respond: RespondFn, deps: SlackDeps) {
  return async (view: MessageView) => {
    try {
      await respond({ response_type: "ephemeral", replace_original: false, ...view } as never);
    } catch (error) {
      deps.logger.warn("could not answer the clicking user", { error });
    }
  };
}

/**
 * Builds the Bolt app of pns on an AwsLambdaReceiver and returns its Lambda handler. Every listener acknowledges
 * within Slack's 3 seconds: anything slow is handed to the worker through `deps.dispatch`.
 */
export async function createSlackHandler(
  credentials: SlackCredentials,
  deps: SlackDeps,
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

  app.command("/pns", async ({ command, ack, client }) => {
    await ack(await handleSlashCommand(deps, client, command));
  });

  // The pickers only change the message's state; it is read when "Request signal…" is pressed.
  app.action(ActionId.psProcess, async ({ ack }) => ack());
  app.action(ActionId.psSignal, async ({ ack }) => ack());

  app.action(ActionId.psRequest, async ({ ack, body, client, respond }) => {
    await ack();
    await onRequestSignal(deps, client, body as unknown as BlockActionBody, replyWith(respond, deps));
  });

  for (const id of [ActionId.signalApprove, ActionId.signalDeny, ActionId.signalCancel]) {
    app.action(id, async ({ ack, body, client, respond }) => {
      await ack();
      await onDecision(deps, client, body as unknown as BlockActionBody, replyWith(respond, deps));
    });
  }

  app.view(CallbackId.reasonModal, async ({ ack, body, client }) => {
    await ack(await onReasonSubmitted(deps, client, body));
  });

  app.error(async (error) => {
    deps.logger.error("unhandled error in a Slack listener", { error });
  });

  return receiver.start();
}
