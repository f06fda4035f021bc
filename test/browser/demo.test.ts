import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../src/local/chromium.js";
import { type LocalStack, startLocalStack } from "../../src/local/stack.js";

/** The demo, driven in Chromium as a person would: the console, the Slack app, the simulator. */
let stack: LocalStack;
let browser: Browser;
let page: Page;
const shots = fileURLToPath(new URL("../../test-results/", import.meta.url));

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  stack = await startLocalStack({
    configPath: fileURLToPath(new URL("../../src/local/demo.config.yaml", import.meta.url)),
    sim: { podStartDelayMs: 100 },
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`${stack.slack.url}/`);
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function type(text: string) {
  await page.getByTestId("composer").fill(text);
  await page.getByTestId("composer").press("Enter");
}

const messages = () => page.getByTestId("message");

describe("the demo in a browser", () => {
  it("Alice lists nginx's processes: only she sees the table (/pause, the master, the worker and sh by container)", async () => {
    await type("/pns ps nginx");
    const table = messages().filter({ hasText: "Processes in nginx" });
    await expect.poll(() => table.count(), { timeout: 20_000 }).toBe(1);
    expect(await table.getAttribute("data-ephemeral")).toBe("true");
    expect(await table.getByTestId("ephemeral-label").textContent()).toBe("Only visible to you");
    expect(await table.getByTestId("button-pns.ps.share").count()).toBe(1);
    const text = await table.innerText();
    for (const s of ["/pause", "nginx: master process nginx -g daemon off;", "nginx: worker process", "sh"]) {
      expect(text).toContain(s);
    }
    await page.screenshot({ path: `${shots}demo-1-table.png`, fullPage: true });
  });

  it("Alice asks for SIGHUP to the master: a reason (no confirm first), and an approval request appears", async () => {
    const table = messages().filter({ hasText: "Processes in nginx" });
    await table.getByTestId("select-pns.ps.process").selectOption("8");
    await table.getByTestId("select-pns.ps.signal").selectOption("HUP");
    await table.getByTestId("button-pns.ps.request").click();
    await page.getByTestId("modal").waitFor();
    await page.getByTestId("input-pns.reason.input").fill("reload after certificate rotation");
    await page.getByTestId("modal-submit").click();
    const request = messages().filter({ hasText: "waiting for approval" });
    await expect.poll(() => request.count(), { timeout: 10_000 }).toBe(1);
    await page.screenshot({ path: `${shots}demo-2-request.png`, fullPage: true });
  });

  it("Alice shares the table: it is posted in the channel for everyone, and her private copy goes", async () => {
    const table = messages().filter({ hasText: "Processes in nginx" });
    await table.getByTestId("button-pns.ps.share").click();
    const shared = page
      .locator("[data-testid=message][data-ephemeral=false]")
      .filter({ hasText: "Processes in nginx" });
    await expect.poll(() => shared.count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => table.count()).toBe(1);
    expect(await shared.getByTestId("button-pns.ps.share").count()).toBe(0);
    await page.screenshot({ path: `${shots}demo-2b-shared.png`, fullPage: true });
  });

  it("Bob approves: the signal is sent and the thread shows the worker's new PID", async () => {
    await page.getByTestId("user-switcher").selectOption("U0BOB");
    // Bob sees the shared table and the approval request, never Alice's private messages.
    await expect.poll(() => page.locator("[data-testid=message][data-ephemeral=true]").count()).toBe(0);
    expect(await messages().filter({ hasText: "Processes in nginx" }).count()).toBe(1);
    const request = messages().filter({ hasText: "Signal request" });
    await request.getByTestId("button-pns.signal.approve").click();
    // pns's own confirmation, opened only after its checks (Alice would have been told at once she can't).
    await page.getByTestId("modal").waitFor();
    expect(await page.getByTestId("modal").innerText()).toContain("Approve SIGHUP");
    await page.getByTestId("modal-submit").click();
    await expect.poll(() => page.getByTestId("thread").innerText(), { timeout: 15_000 }).toMatch(/14 → \d+/);
    const worker = stack.sim.state
      .processes("default", "nginx")
      .find((p) => p.args.join(" ") === "nginx: worker process");
    expect(worker?.pid).not.toBe(14);
    await expect.poll(() => request.first().innerText()).toContain("sent");
    expect(await request.getByTestId("button-pns.signal.approve").count()).toBe(0);
    await page.screenshot({ path: `${shots}demo-3-result.png`, fullPage: true });
  });

  it("Alice picks the old worker 14 from the same, now outdated, table: told its new PID, with a button for it", async () => {
    await page.getByTestId("user-switcher").selectOption("U0ALICE");
    const worker = stack.sim.state
      .processes("default", "nginx")
      .find((p) => p.args.join(" ") === "nginx: worker process");
    const table = messages().filter({ hasText: "Processes in nginx" });
    await table.getByTestId("select-pns.ps.process").selectOption("14");
    await table.getByTestId("select-pns.ps.signal").selectOption("HUP");
    await table.getByTestId("button-pns.ps.request").click();
    const told = messages().filter({ hasText: "The process you picked, PID 14" });
    await expect.poll(() => told.count(), { timeout: 10_000 }).toBe(1);
    expect(await told.innerText()).toContain(`it is now PID ${worker?.pid}`);
    expect(await page.getByTestId("modal").count()).toBe(0);
    await page.screenshot({ path: `${shots}demo-3b-stale-pick.png`, fullPage: true });
    await told.getByTestId(`button-pns.request.fresh.${worker?.pid}`).click();
    await page.getByTestId("modal").waitFor();
    expect(await page.getByTestId("modal").innerText()).toContain(`to PID ${worker?.pid}`);
    await page.getByTestId("modal-close").click();
  });

  it("reads nginx.conf of the nginx container through /proc/8/root", async () => {
    await type("/pns cat nginx 8 /etc/nginx/nginx.conf");
    await expect
      .poll(() => messages().filter({ hasText: "worker_processes" }).count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
  });
});
