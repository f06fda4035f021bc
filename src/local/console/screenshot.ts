/**
 * Renders the console with sample messages posted through the fake's Web API and saves a screenshot, to check the
 * Block Kit renderer by eye: `npx tsx src/local/console/screenshot.ts [out.png] [user]`.
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`).
 */
import { webApi } from "@slack/bolt";
import { launchChromium } from "../chromium.js";
import { type FakeSlack, startFakeSlack } from "../fake-slack/server.js";

const mrkdwn = (text: string) => ({ type: "mrkdwn" as const, text });
const plain = (text: string) => ({ type: "plain_text" as const, text });

/** Posts a representative set of pns-like messages into #ops. */
export async function postSampleMessages(fake: FakeSlack): Promise<void> {
  const client = new webApi.WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  const table = await client.chat.postMessage({
    channel: "C0OPS",
    text: "Processes in default/web-0",
    blocks: [
      { type: "header", text: plain("Processes in default/web-0") },
      {
        type: "section",
        text: mrkdwn(
          "Requested by <@U0ALICE> for <!subteam^S0SRE|@sre> · `nginx` container · *4 processes* · _as of_ <!date^1764474000^{time}|09:00>",
        ),
      },
      {
        type: "table",
        rows: [
          ["PID", "USER", "START", "CONTAINER", "COMMAND"].map((text) => ({ type: "raw_text", text })),
          ["1", "65535", "09:00", "(sandbox)", "/pause"].map((text) => ({ type: "raw_text", text })),
          ["7", "root", "09:00", "nginx", "nginx: master process nginx -g daemon off;"].map((text) => ({
            type: "raw_text",
            text,
          })),
          ["31", "nginx", "09:00", "nginx", "nginx: worker process"].map((text) => ({ type: "raw_text", text })),
          ["44", "root", "09:02", "sidecar", "sh -c while true; do sleep 5; done"].map((text) => ({
            type: "raw_text",
            text,
          })),
        ],
      },
      { type: "context", elements: [mrkdwn("Debug container `pns-debug-x7k2` · collector v1 · 120 ms")] },
      {
        type: "actions",
        block_id: "signal",
        elements: [
          {
            type: "static_select",
            action_id: "pns.signal.choose",
            placeholder: plain("Send a signal…"),
            option_groups: [
              { label: plain("Reload"), options: [{ text: plain("SIGHUP → 7 nginx: master"), value: "HUP:7" }] },
              { label: plain("Stop"), options: [{ text: plain("SIGTERM → 31 nginx: worker"), value: "TERM:31" }] },
            ],
          },
          { type: "button", action_id: "pns.ps.refresh", text: plain("Refresh"), value: "web-0" },
        ],
      },
    ],
  });
  await client.chat.postMessage({
    channel: "C0OPS",
    thread_ts: table.ts!,
    text: "Approval needed",
    blocks: [
      {
        type: "section",
        text: mrkdwn(
          "*SIGHUP* to PID `7` (`nginx: master`) requested by <@U0ALICE>.\nReason: _reload config_ &lt;after edit&gt; &amp; rotate logs",
        ),
      },
      {
        type: "section",
        fields: [
          mrkdwn("*Pod*\ndefault/web-0"),
          mrkdwn("*Approver*\n<!subteam^S0SRE|@sre>"),
          mrkdwn("*Expires*\nin 10 min"),
          mrkdwn("*Fingerprint*\n`7@1764474000#9f2c`"),
        ],
      },
      {
        type: "actions",
        block_id: "decide",
        elements: [
          {
            type: "button",
            action_id: "pns.signal.approve",
            style: "primary",
            text: plain("Approve"),
            value: "req-1",
            confirm: {
              title: plain("Send SIGHUP?"),
              text: mrkdwn("Send *SIGHUP* to PID 7 in default/web-0?"),
              confirm: plain("Send"),
              deny: plain("Cancel"),
              style: "danger",
            },
          },
          { type: "button", action_id: "pns.signal.deny", style: "danger", text: plain("Deny"), value: "req-1" },
        ],
      },
    ],
  });
  await client.chat.postMessage({
    channel: "C0OPS",
    text: "rich",
    blocks: [
      {
        type: "rich_text",
        elements: [
          {
            type: "rich_text_section",
            elements: [
              { type: "text", text: "Collector output ", style: { bold: true } },
              { type: "text", text: "(raw)" },
            ],
          },
          {
            type: "rich_text_preformatted",
            elements: [{ type: "text", text: "7 1 0 S 1234 nginx: master\n31 7 0 S 1240 nginx: worker" }],
          },
        ],
      },
      { type: "divider" },
      { type: "section", text: mrkdwn("```$ pns ps web-0\nok```\nSee <https://example.com/runbook|the runbook>.") },
    ],
  });
  await client.filesUploadV2({
    channel_id: "C0OPS",
    initial_comment: "`/etc/nginx/nginx.conf` from nginx (PID 7)",
    filename: "nginx.conf",
    content: "worker_processes 2;\nevents { worker_connections 1024; }\n",
  });
  await client.chat.postEphemeral({
    channel: "C0OPS",
    user: "U0ALICE",
    text: "Only you can see this: your request is waiting for <!subteam^S0SRE|@sre>.",
  });
}

async function main(): Promise<void> {
  const out = process.argv[2] ?? "console.png";
  const user = process.argv[3] ?? "U0ALICE";
  const fake = await startFakeSlack();
  await postSampleMessages(fake);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await page.goto(`${fake.url}/?user=${user}`);
    await page.waitForSelector("[data-testid=file-content]:not(:text('loading…'))");
    await page.screenshot({ path: out, fullPage: true });
    console.log(`saved ${out}`);
  } finally {
    await browser.close();
    await fake.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
