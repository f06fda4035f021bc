import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionId, CallbackId } from "../../src/core/views/ids.js";
import { slackClient } from "../../src/local/fake-slack/client.js";
import { fakeTeam } from "../../src/local/fake-slack/workspace.js";
import { type SlackLambda, slackHeaders, slashBody, startSlackLambda, v2Event } from "../app/slack-lambda.js";
import { record } from "../reliability/record.js";

/**
 * Generated hostile input through the slack Lambda handler, signed as Slack signs (the attacker who gets Slack to
 * sign anything): slash texts and interaction payloads with malformed JSON, wrong types, huge fields, unknown action
 * ids, forged ids and injection in every field. Every one is answered without a 5xx, a crash or a stack trace; every
 * slash command gets a message that says something.
 */
const RUNS = { slash: 5_000, interactions: 5_000 };

let lambda: SlackLambda;
beforeAll(async () => {
  lambda = await startSlackLambda();
});
afterAll(() => lambda?.close());

const WORDS = [
  ...["ps", "signal", "kill", "cat", "sessions", "cleanup", "audit", "help", "pods", "pod/nginx", "deploy/web"],
  ...["nginx", "db", "-n", "shop", "-c", "shell", "--copy", "-l", "app=web", "--cluster", "sim", "8", "-1", "99999999"],
  ...["HUP", "-HUP", "-9", "SIGKILL", "-s", "/etc/nginx/nginx.conf", "/../etc/shadow", "--lines", "5", "–n", "—copy"],
  ...['"', "'", "“", "`", "$(id)", "; rm -rf /", "|", "&&", "\n", "\t", "<@U0BOB>", "<!channel>", "<!subteam^S0SRE>"],
  ...["&amp;", "&lt;", "<https://x.example|x>", "\u0000", "\u202e", "🙂", "x".repeat(600), "*", "?", "{{", "%s"],
];

const slashText = fc.oneof(
  fc.array(fc.constantFrom(...WORDS), { maxLength: 12 }).map((w) => w.join(" ")),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 300 }),
);

/** Answers are well-formed: a status below 500, no stack trace, and for a command a message with text. */
function expectClearAnswer(res: { statusCode?: number; body?: string }, command: boolean) {
  expect(res.statusCode).toBeLessThan(500);
  const body = res.body ?? "";
  expect(body).not.toMatch(/\n\s+at .+:\d+:\d+/);
  if (command && res.statusCode === 200 && body !== "") {
    const answer = JSON.parse(body) as { text?: string };
    expect(answer.text?.length ?? 0).toBeGreaterThan(0);
  }
}

describe("fuzzing the slack handler", () => {
  it(`answers ${RUNS.slash} generated slash texts clearly`, async () => {
    await fc.assert(
      fc.asyncProperty(slashText, async (text) => {
        const body = slashBody(lambda.fake, text);
        const res = await lambda.handler(v2Event(body, slackHeaders(lambda.fake, body)) as never, {});
        expectClearAnswer(res, true);
      }),
      { numRuns: RUNS.slash },
    );
    record("fuzz", `${RUNS.slash} slash texts: 0 answers ≥ 500, 0 stack traces, each answered with a message`, {
      slash: RUNS.slash,
    });
  }, 300_000);

  it(`answers ${RUNS.interactions} generated interaction payloads without a 5xx`, async () => {
    const client = slackClient(lambda.fake);
    const actionIds = [...Object.values(ActionId), "pns.unknown", "", "x".repeat(300)];
    const base = () => ({
      type: "block_actions",
      user: { id: "U0ALICE", username: "alice", team_id: fakeTeam.id },
      team: { id: fakeTeam.id },
      channel: { id: "C0OPS" },
      container: { type: "message", message_ts: "1.2", channel_id: "C0OPS" },
      trigger_id: client.slashCommand({ user: "U0ALICE", channel: "C0OPS", text: "" }).triggerId,
      response_url: `${lambda.fake.apiUrl.replace(/\/api\/?$/, "")}/respond/none`,
      actions: [{ type: "button", action_id: ActionId.signalApprove, block_id: "pns.signal:abc", value: "abc" }],
      state: { values: {} },
    });
    const submission = () => ({
      type: "view_submission",
      user: { id: "U0ALICE", team_id: fakeTeam.id },
      team: { id: fakeTeam.id },
      view: {
        id: "V1",
        callback_id: CallbackId.reasonModal,
        private_metadata: '{"kind":"listing"}~AAAA',
        state: { values: { "pns.reason": { [ActionId.reasonInput]: { type: "plain_text_input", value: "x" } } } },
      },
    });
    const mutation = fc.record({
      start: fc.constantFrom("actions", "submission", "other"),
      path: fc.array(
        fc.constantFrom(
          "user",
          "id",
          "team_id",
          "actions",
          "0",
          "action_id",
          "value",
          "block_id",
          "view",
          "private_metadata",
          "state",
          "values",
          "container",
          "channel",
          "type",
          "response_url",
          "callback_id",
        ),
        { maxLength: 4 },
      ),
      value: fc.oneof(fc.anything(), fc.constantFrom(...actionIds), fc.string({ maxLength: 20_000 })),
      raw: fc.option(fc.string({ maxLength: 200 }), { freq: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const payload: Record<string, unknown> =
          m.start === "actions" ? base() : m.start === "submission" ? submission() : { type: "shortcut" };
        let at: Record<string, unknown> = payload;
        for (const key of m.path.slice(0, -1)) {
          const next = at[key];
          if (typeof next !== "object" || next === null) break;
          at = next as Record<string, unknown>;
        }
        const last = m.path.at(-1);
        if (last !== undefined) at[last] = m.value;
        const json = m.raw ?? JSON.stringify(payload);
        const body = new URLSearchParams({ payload: json }).toString();
        const res = await lambda.handler(v2Event(body, slackHeaders(lambda.fake, body)) as never, {});
        expectClearAnswer(res, false);
      }),
      { numRuns: RUNS.interactions },
    );
    expect(lambda.logLines.filter((l) => l.includes("unhandled error in a Slack listener"))).toEqual([]);
    record("fuzz", `${RUNS.interactions} interaction payloads: 0 answers ≥ 500, 0 stack traces, 0 unhandled errors`, {
      interactions: RUNS.interactions,
    });
  }, 300_000);
});
