import type { Locator } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConsoleDriver, RAW_MARKUP, SLOW } from "./driver.js";

/**
 * Issue 15 in Chromium: signals that know the runtime (intent buttons, option descriptions), the log evidence a signal
 * produces, `/pns ports`, `/pns doctor` and `/pns inspect`, each driven in the demo's console as a person would.
 */
let d: ConsoleDriver;

beforeAll(async () => {
  d = await ConsoleDriver.start();
}, 120_000);

afterAll(async () => {
  await d?.close();
});

beforeEach(async ({ task, onTestFailed }) => {
  onTestFailed(() => d.shot(`failed-runtime-${task.name.slice(0, 20).replace(/\W+/g, "-")}`));
  await d.reset();
});

afterEach(async () => {
  expect(await d.screenText()).not.toMatch(RAW_MARKUP);
});

/** The text of an attached file once the console has fetched it ("" while it loads or before it is posted). */
async function fileText(file: Locator): Promise<string> {
  if ((await file.count()) === 0) return "";
  const text = await file.first().getByTestId("file-content").innerText();
  return text === "loading…" ? "" : text;
}

/** Bob approves the card through pns's confirmation modal; resolves once the card says the signal was sent. */
async function approveAsBob(card: Locator, signal: string) {
  await d.as("U0BOB");
  await card.getByTestId("button-pns.signal.approve").click();
  await d.modal().waitFor();
  expect(await d.modal().innerText()).toContain(`Approve ${signal}?`);
  await d.submitModal();
  await expect.poll(() => card.innerText(), { timeout: SLOW }).toContain("Signal request: sent");
}

describe("runtime-aware signals, evidence, ports, doctor and inspect in a browser", { timeout: 240_000 }, () => {
  it("the JVM gets a Thread dump button; once approved, the thread says what it logged and attaches the dump", async () => {
    const table = await d.command("/pns ps billing -n shop", "Processes in billing-");
    // The signal picker describes each signal for this runtime, as Slack shows option descriptions.
    const signals = await table.getByTestId("select-pns.ps.signal").locator("option").allTextContents();
    expect(signals).toContain("SIGQUIT — JVM: thread dump, goes on");
    await table.getByTestId("select-pns.ps.signal").selectOption("TERM");
    await expect
      .poll(() => table.getByTestId("description-pns.ps.signal").textContent())
      .toContain("JVM: shutdown hooks, then exits");

    const dumpButton = table.getByRole("button", { name: "Thread dump: PID 1" });
    await dumpButton.click();
    await d.modal().waitFor();
    const modal = await d.modal().innerText();
    expect(modal).toContain("SIGQUIT");
    expect(modal).toMatch(/thread dump/i);
    await d.shot("runtime-1a-thread-dump-modal");
    const card = await d.giveReason("requests hang: need a thread dump");
    expect(await card.innerText()).toMatch(/thread dump/i);
    expect(await card.getByTestId("button-pns.signal.approve").getAttribute("class")).not.toContain("danger");

    await approveAsBob(card, "SIGQUIT");
    const thread = card.getByTestId("thread");
    await expect.poll(() => thread.innerText(), { timeout: SLOW }).toContain("Log of container billing after SIGQUIT");
    // The captured log window and, on its own, the thread dump extracted from it.
    const dump = thread.getByTestId("file").filter({ hasText: /^Thread dump of PID 1/ });
    await expect.poll(() => fileText(dump), { timeout: SLOW }).toContain("Full thread dump OpenJDK");
    expect(await fileText(thread.getByTestId("file").filter({ hasText: /^Log of billing after SIGQUIT/ }))).toContain(
      "Full thread dump",
    );
    expect((await thread.innerText()).includes("S3cr3t!")).toBe(false);
    await d.shot("runtime-1b-thread-dump-evidence");
  });

  it("nginx gets Reload config; after the HUP the thread reports the log lines the reload wrote", async () => {
    const table = await d.command("/pns ps nginx", "Processes in nginx");
    const reload = table.getByRole("button", { name: "Reload config: PID 8" });
    expect(await table.getByRole("button", { name: "Reopen logs: PID 8" }).count()).toBe(1);
    await reload.click();
    await d.modal().waitFor();
    expect(await d.modal().innerText()).toContain("SIGHUP");
    const card = await d.giveReason("new upstream in default.conf");
    expect(await card.innerText()).toContain("Low risk");
    expect(await card.getByTestId("button-pns.signal.approve").getAttribute("class")).toContain("primary");

    await approveAsBob(card, "SIGHUP");
    const thread = card.getByTestId("thread");
    await expect.poll(() => thread.innerText(), { timeout: SLOW }).toContain("Log of container nginx after SIGHUP");
    const log = thread.getByTestId("file").filter({ hasText: /^Log of nginx after SIGHUP/ });
    await expect.poll(() => fileText(log), { timeout: SLOW }).toContain("signal 1 (SIGHUP) received, reconfiguring");
    await d.shot("runtime-2-reload-evidence");
  });

  it("/pns ports: who listens on which port, against the declared ports and the Services", async () => {
    const ports = await d.command("/pns ports nginx", "Ports of nginx");
    const text = await ports.innerText();
    expect(text).toMatch(/80\/TCP on 0\.0\.0\.0 — PID \d+ nginx: master process/);
    expect(text).toContain("8080/TCP (metrics) is declared by container nginx but nothing listens on it");
    expect(text).toMatch(/80\/TCP listens .* but no Service exposes it/);
    expect(text).toContain("requested by @Alice");
    await d.shot("runtime-3-ports");
  });

  it("/pns doctor: what stands in the way in the locked namespace, each finding with its fix", async () => {
    const doctor = await d.command("/pns doctor api -n locked", "Doctor: api");
    expect(await doctor.getAttribute("data-ephemeral")).toBe("true");
    const text = await doctor.innerText();
    expect(text).toMatch(/pns cannot work on api yet: \d+ problems? to fix/);
    expect(text).toContain("restricted");
    expect(text).toMatch(/Fix: .*debug\.profile/);
    expect(text).toMatch(/✅ Rights/);
    // Bold around inline code, as Slack draws it: no stray asterisks.
    expect(text).not.toMatch(/\*Pod Security/);
    expect(await doctor.locator("b code").count()).toBeGreaterThan(0);
    await d.shot("runtime-4-doctor");
  });

  it("/pns inspect: one process's environment and limits, only for the asker, secrets never shown", async () => {
    const nginx = await d.command("/pns inspect nginx 8", "PID 8 · nginx: master process");
    expect(await nginx.getAttribute("data-ephemeral")).toBe("true");
    const text = await nginx.innerText();
    expect(text).toContain("only you see this");
    expect(text).toMatch(/Open files: \d+ of [\d,]+/);
    expect(text).toContain("exe: /usr/sbin/nginx");
    expect(text).toMatch(/Environment \(\d+ variables, \d+ masked\)/);
    expect(text).toContain("HOSTNAME=nginx");

    const billing = await d.command("/pns inspect deploy/billing 1 -n shop", "PID 1 · java");
    const shown = await billing.innerText();
    expect(shown).not.toContain("S3cr3t!");
    expect(shown).not.toContain("hunter2");
    // Either the environment with the password masked, or pns saying why it could not read it: never a guess.
    expect(shown).toMatch(/DB_PASSWORD=•+|Not readable: environ/);
    await d.shot("runtime-5-inspect");

    await d.as("U0BOB");
    expect(await d.messages("only you see this").count()).toBe(0);
  });
});
