import { appendFileSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { createJsonLogger } from "../../src/aws/logger.js";
import { launchChromium } from "../../src/local/chromium.js";
import { type LocalStack, startLocalStack } from "../../src/local/stack.js";

/** Where browser tests save their screenshots: test-results/ is gitignored. */
export const SHOTS_DIR = fileURLToPath(new URL("../../test-results/browser/", import.meta.url));

/** Long enough for a `ps` (debug container, two CPU samples) on a loaded 2-core machine; only ever waited on. */
export const SLOW = 45_000;

/** The demo workspace's people, as the console's sidebar titles them (src/local/fake-slack/demo-workspace.ts). */
const TITLES = { U0ALICE: "On-call engineer", U0BOB: "SRE lead (approver)", U0CAROL: "Developer (cannot approve)" };

/** Top-level messages of the channel, in order (thread replies are inside their parent). */
const TOP = "[data-testid=messages] > [data-testid=message]";

/**
 * The demo (simulator, fake Slack, pns) with the console open in headless Chromium, driven as a person would: type a
 * command, pick from menus, press buttons, fill modals, switch user with the switcher.
 */
export class ConsoleDriver {
  private constructor(
    readonly stack: LocalStack,
    readonly browser: Browser,
    readonly page: Page,
  ) {}

  /** Starts the demo stack (the demo's configuration and seed scenario) and opens the console as Alice. */
  static async start(): Promise<ConsoleDriver> {
    mkdirSync(SHOTS_DIR, { recursive: true });
    const stack = await startLocalStack({
      configPath: fileURLToPath(new URL("../../src/local/demo.config.yaml", import.meta.url)),
      sim: { podStartDelayMs: 100 },
      // pns's log lines (refusals are WARN) go to a file beside the screenshots, not into the test output.
      logger: createJsonLogger({
        level: "info",
        service: "pns-browser-test",
        write: (line) => appendFileSync(`${SHOTS_DIR}pns.log`, line.endsWith("\n") ? line : `${line}\n`),
      }),
    });
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(SLOW);
    await page.goto(`${stack.slack.url}/?user=U0ALICE`);
    await page.getByTestId("composer").waitFor();
    return new ConsoleDriver(stack, browser, page);
  }

  async close(): Promise<void> {
    await this.browser?.close();
    await this.stack?.close();
  }

  /** Between tests: no modal left open, and Alice at the keyboard again. */
  async reset(): Promise<void> {
    if ((await this.modal().count()) > 0) {
      await this.modal().getByTestId("modal-close").click();
      await this.modal().waitFor({ state: "detached" });
    }
    await this.as("U0ALICE");
  }

  /** Picks the user in the switcher and waits until the page shows that user's view. */
  async as(user: "U0ALICE" | "U0BOB" | "U0CAROL"): Promise<void> {
    await this.page.getByTestId("user-switcher").selectOption(user);
    await expect.poll(() => this.page.getByTestId("me-title").textContent()).toBe(TITLES[user]);
    // The message list says whose view it drew: wait for the new user's, not a poll answered for the previous one.
    await this.page.locator(`[data-testid=messages][data-user=${user}]`).waitFor();
  }

  /** Top-level messages whose text matches, in order. */
  messages(hasText?: string | RegExp): Locator {
    const all = this.page.locator(TOP);
    return hasText === undefined ? all : all.filter({ hasText });
  }

  /**
   * Runs `action` and returns the first top-level message matching `hasText` that was not there before it: the answer
   * to a command or a click, however long pns takes.
   */
  async answer(hasText: string | RegExp, action: () => Promise<void>, timeout = SLOW): Promise<Locator> {
    const matching = this.messages(hasText);
    const before = await matching.count();
    await action();
    await expect.poll(() => matching.count(), { timeout }).toBeGreaterThan(before);
    // By its ts from here on: the list changes when the user switches (other people's private messages go).
    const ts = await matching.nth(before).getAttribute("data-ts");
    return this.page.locator(`${TOP}[data-ts="${ts}"]`);
  }

  /** Types a slash command in the composer and sends it, as a person presses Enter. */
  async type(text: string): Promise<void> {
    const composer = this.page.getByTestId("composer");
    await composer.fill(text);
    await composer.press("Enter");
    // The console clears the composer once the fake Slack took the command (pns's answer comes later).
    await expect.poll(() => composer.inputValue(), { timeout: SLOW }).toBe("");
  }

  /** Types `text` and returns pns's new message matching `hasText`. */
  command(text: string, hasText: string | RegExp): Promise<Locator> {
    return this.answer(hasText, () => this.type(text));
  }

  /** Picks, in a table's process menu, the option whose label contains `command`; returns its PID. */
  async pickProcess(table: Locator, command: string): Promise<string> {
    const select = table.getByTestId("select-pns.ps.process");
    const options = await select
      .locator("option")
      .evaluateAll((els) => els.map((e) => ({ value: e.getAttribute("value") ?? "", label: e.textContent ?? "" })));
    const option = options.find((o) => o.value !== "" && o.label.includes(command));
    if (!option) throw new Error(`no process "${command}" in the menu: ${options.map((o) => o.label).join(" | ")}`);
    await select.selectOption(option.value);
    return option.value;
  }

  /** In a process table: pick the process and the signal, press Request signal… and wait for the reason modal. */
  async openRequest(table: Locator, command: string, signal: string): Promise<string> {
    const pid = await this.pickProcess(table, command);
    await table.getByTestId("select-pns.ps.signal").selectOption(signal);
    await table.getByTestId("button-pns.ps.request").click();
    await this.modal().waitFor();
    return pid;
  }

  /** The open modal. */
  modal(): Locator {
    return this.page.getByTestId("modal");
  }

  /** Presses the modal's submit button and waits until the modal is gone. */
  async submitModal(): Promise<void> {
    await this.modal().getByTestId("modal-submit").click();
    await this.modal().waitFor({ state: "detached" });
  }

  /** Fills the reason and submits; returns the approval card it posted. */
  async giveReason(reason: string): Promise<Locator> {
    await this.modal().getByTestId("input-pns.reason.input").fill(reason);
    return this.answer("Signal request", () => this.submitModal());
  }

  /** The text of every message on screen, for checks over all of them. */
  async screenText(): Promise<string> {
    return this.page.getByTestId("messages").innerText();
  }

  /** Saves a full-page screenshot under test-results/browser/. */
  async shot(name: string): Promise<void> {
    await this.page.screenshot({ path: `${SHOTS_DIR}${name}.png`, fullPage: true });
  }
}

/** Slack markup that a reader must never see as text: mentions, dates, special mentions, escaped entities. */
export const RAW_MARKUP = /<[@!#][^>]*>|&lt;|&gt;|&amp;|<!date/;
