import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../src/local/chromium.js";
import { type FakeSlack, startFakeSlack } from "../../src/local/fake-slack/server.js";
import { type RunningApp, startBoltApp } from "../fake-slack/bolt-app.js";

let fake: FakeSlack;
let running: RunningApp;
let browser: Browser;
let page: Page;
const reasons: string[] = [];

const plain = (text: string) => ({ type: "plain_text" as const, text });

beforeAll(async () => {
  fake = await startFakeSlack();
  running = await startBoltApp(fake, (app) => {
    app.command("/pns", async ({ ack, command, client, respond }) => {
      await ack();
      if (command.text === "fail") throw new Error("listener failed");
      await respond({ text: "Looking for *nginx*…" });
      await client.chat.postMessage({
        channel: command.channel_id,
        text: "Approve?",
        blocks: [
          { type: "section", text: { type: "mrkdwn", text: `SIGHUP requested by <@${command.user_id}>` } },
          {
            type: "actions",
            elements: [
              {
                type: "static_select",
                action_id: "pns.test.signal",
                placeholder: plain("Signal"),
                options: [
                  { text: plain("SIGHUP"), value: "HUP", description: plain("reload configuration") },
                  { text: plain("SIGKILL"), value: "KILL", description: plain("end at once, no cleanup") },
                ],
              },
              {
                type: "button",
                action_id: "pns.test.approve",
                style: "primary",
                text: plain("Approve"),
                confirm: {
                  title: plain("Sure?"),
                  text: plain("Send SIGHUP to PID 7?"),
                  confirm: plain("Send"),
                  deny: plain("No"),
                },
              },
            ],
          },
        ],
      });
    });
    app.action("pns.test.signal", async ({ ack }) => {
      await ack();
    });
    app.action("pns.test.approve", async ({ ack, body, client }) => {
      await ack();
      await client.views.open({
        trigger_id: (body as { trigger_id: string }).trigger_id,
        view: {
          type: "modal",
          callback_id: "pns.test.reason",
          title: plain("Reason"),
          submit: plain("Approve"),
          blocks: [
            {
              type: "input",
              block_id: "reason",
              label: plain("Why?"),
              element: { type: "plain_text_input", action_id: "text", multiline: true, min_length: 3 },
            },
          ],
        },
      });
    });
    app.view("pns.test.reason", async ({ ack, view }) => {
      const reason = view.state.values.reason?.text?.value ?? "";
      reasons.push(reason);
      if (reason === "because") await ack({ response_action: "errors", errors: { reason: "Say why." } });
      else await ack();
    });
  });
  browser = await launchChromium();
  page = await browser.newPage();
  page.setDefaultTimeout(5_000);
});
afterAll(async () => {
  await browser?.close();
  await running?.close();
  await fake?.close();
});

describe("console in a browser", () => {
  it("runs a command as Alice, then approves as Bob through confirm and modal", async () => {
    await page.goto(`${fake.url}/?user=U0ALICE`);
    await page.getByTestId("composer").fill("/pns ps nginx");
    await page.getByTestId("composer").press("Enter");
    const ephemeral = page.locator("[data-testid=message][data-ephemeral=true]");
    await expect.poll(() => ephemeral.count()).toBe(1);
    expect(await ephemeral.getByTestId("ephemeral-label").textContent()).toBe("Only visible to you");
    expect(await ephemeral.locator("b").textContent()).toBe("nginx");

    await page.getByTestId("user-switcher").selectOption("U0BOB");
    await expect.poll(() => ephemeral.count()).toBe(0);
    await page.getByTestId("button-pns.test.approve").click();
    await page.getByTestId("confirm").waitFor();
    expect(await page.getByTestId("confirm").textContent()).toContain("Send SIGHUP to PID 7?");
    await page.getByTestId("confirm-ok").click();

    await page.getByTestId("modal").waitFor();
    // Slack's client refuses an empty required input and text under min_length before the app hears of it.
    const fieldError = () => page.getByTestId("field-error").textContent();
    await page.getByTestId("modal-submit").click();
    await expect.poll(fieldError).toBe("Please fill out this field.");
    await page.getByTestId("input-text").fill("no");
    await page.getByTestId("modal-submit").click();
    await expect.poll(fieldError).toBe("Please enter at least 3 characters (you entered 2).");
    expect(reasons).toEqual([]);
    await page.getByTestId("input-text").fill("because");
    await page.getByTestId("modal-submit").click();
    await expect.poll(fieldError).toBe("Say why.");
    await page.getByTestId("input-text").fill("config reloaded");
    await page.getByTestId("modal-submit").click();
    await page.getByTestId("modal").waitFor({ state: "detached" });
    expect(reasons).toEqual(["because", "config reloaded"]);
  });

  it("shows each option's description in the menu, and the picked one's under it", async () => {
    const select = page.getByTestId("select-pns.test.signal");
    const labels = await select.locator("option").allTextContents();
    expect(labels).toEqual(["Signal", "SIGHUP — reload configuration", "SIGKILL — end at once, no cleanup"]);
    expect(await select.locator("option[value=KILL]").getAttribute("title")).toBe("end at once, no cleanup");
    await select.selectOption("KILL");
    await expect
      .poll(() => page.getByTestId("description-pns.test.signal").textContent())
      .toBe("end at once, no cleanup");
    await page.screenshot({
      path: fileURLToPath(new URL("../../test-results/console-option-descriptions.png", import.meta.url)),
    });
  });

  it("shows the app's failure as a banner", async () => {
    await page.getByTestId("composer").fill("/pns fail");
    await page.getByTestId("composer").press("Enter");
    await page.getByTestId("banner").waitFor();
    expect(await page.getByTestId("banner").textContent()).toContain("HTTP 500");
  });
});
