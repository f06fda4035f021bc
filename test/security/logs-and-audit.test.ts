import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJsonLogger } from "../../src/aws/logger.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, OPS, startDemo } from "../app/helpers.js";

const { alice, bob } = slackUsers;
const TOKEN = "xoxb-123456789012-123456789012-AbCdEfGhIjKlMnOpQrStUvWx";
const PASSWORD = "hunter2-very-secret";

/** At debug level, a whole session leaves no signature, body, response_url or typed secret in logs or the audit. */
describe("logs and the audit trail", () => {
  let stack: LocalStack;
  let d: Driver;
  const lines: string[] = [];
  beforeAll(async () => {
    const logger = createJsonLogger({ level: "debug", write: (line) => lines.push(line) });
    ({ stack, d } = await startDemo({ logger }));
  });
  afterAll(async () => stack?.close());

  it("keeps secrets typed in reasons and commands out of logs, messages and the audit", async () => {
    const approval = await d.requestSignal(
      alice.id,
      "nginx",
      8,
      "HUP",
      `rotate: old token ${TOKEN} password=${PASSWORD}`,
    );
    await d.decide(bob.id, approval, "approve");
    await d.command(alice.id, `ps nginx --password=${PASSWORD}`);
    await d.command(alice.id, `cat nginx 8 /etc/nginx/nginx.conf token=${TOKEN}`);
    const audit = await stack.app.worker.stores.audit.list({ channel: OPS, limit: 50 });
    const messages = JSON.stringify(stack.slack.workspace.channelMessages(OPS));
    const everything = [lines.join("\n"), JSON.stringify(audit), messages];
    for (const text of everything) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(PASSWORD);
    }
    expect(audit.some((e) => e.action === "request" && e.detail.includes("rotate: old token"))).toBe(true);
  });

  it("never logs a signature, a request body or a response_url", () => {
    expect(lines.length).toBeGreaterThan(0);
    const all = lines.join("\n");
    expect(all).not.toMatch(/v0=[0-9a-f]{64}/);
    expect(all).not.toContain("/respond/");
    expect(all).not.toContain("payload=");
    expect(all).not.toContain(stack.slack.signingSecret);
    expect(all).not.toContain(stack.slack.botToken);
  });
});
