import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PnsError } from "../../src/core/errors.js";
import type { ModalView } from "../../src/core/views/block-kit.js";
import { type FakeSlack, startFakeSlack } from "../../src/local/fake-slack/server.js";
import { createSlackChat } from "../../src/slack/chat.js";

const modal: ModalView = {
  type: "modal",
  callback_id: "pns.test",
  title: { type: "plain_text", text: "Test" },
  blocks: [{ type: "section", text: { type: "mrkdwn", text: "hello" } }],
};

// views.open against the fake Slack's trigger rules (one exchange, within 3 s), through the real WebClient.
describe("the chat port's openModal", () => {
  let slack: FakeSlack;
  let now = Date.now();
  beforeAll(async () => {
    slack = await startFakeSlack({ now: () => now });
  });
  afterAll(async () => slack?.close());
  const chat = () =>
    createSlackChat(
      new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      async () => {},
    );

  it("opens once for a redelivered click and says nothing the second time (exchanged_trigger_id)", async () => {
    const trigger = slack.interactions.issueTrigger("U0BOB");
    await chat().openModal(trigger, modal);
    await expect(chat().openModal(trigger, modal)).resolves.toBeUndefined();
    expect(slack.calls.filter((c) => c.method === "views.open")).toHaveLength(2);
  });

  it("asks to press again when the click reached pns too late (expired_trigger_id)", async () => {
    const trigger = slack.interactions.issueTrigger("U0BOB");
    now += 4_000;
    const err = await chat()
      .openModal(trigger, modal)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(PnsError);
    expect([(err as PnsError).code, (err as PnsError).hint]).toEqual(["expired", "Press the button again."]);
  });
});
