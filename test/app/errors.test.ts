import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, startDemo } from "./helpers.js";

const { alice } = slackUsers;

/** Bad input and refusals: each answer says what happened and what to do, never a stack trace or an error status. */
describe("clear answers to bad input, end to end", () => {
  let stack: LocalStack;
  let d: Driver;

  beforeAll(async () => ({ stack, d } = await startDemo()));
  afterAll(async () => stack?.close());

  /** The last thing Alice alone was told, from the ack or through the command's response_url. */
  async function answerTo(text: string): Promise<string> {
    const res = await d.command(alice.id, text);
    expect(res.status).toBe(200);
    const told = d.toldTo(alice.id).at(-1) ?? "";
    const answer = `${res.body}\n${told}`;
    expect(answer).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
    return answer;
  }

  it.each([
    ["an unknown pod", "ps nosuchpod", ["nosuchpod", "namespace default"]],
    ["a namespace the channel may not reach", "ps nginx -n kube-system", ["kube-system", "default, shop, locked, ops"]],
    [
      "a pod in a namespace whose Pod Security refuses debug containers",
      "ps api -n locked",
      ["Pod Security `restricted`", "Retry with the restricted profile", "debug.profile"],
    ],
    ["a file that does not exist", "cat nginx 8 /etc/nginx/missing.conf", ["missing.conf"]],
    ["a PID that is not running", "cat nginx 999 /etc/hostname", ["999"]],
    ["a path with ..", "cat nginx 8 /etc/../../root/.ssh/id_rsa", [".."]],
    ["a signal outside the allowlist", "signal nginx 8 SEGV because", ["SEGV", "HUP"]],
    ["an unknown subcommand", "restart nginx", ["restart", "/pns help"]],
  ])("%s", async (_name, text, expected) => {
    const answer = await answerTo(text);
    for (const e of expected) expect(answer).toContain(e);
  });

  it("reads nginx.conf through /proc/8/root, for the asker only", async () => {
    const answer = await answerTo("cat nginx 8 /etc/nginx/nginx.conf");
    expect(answer).toContain("worker_processes");
    expect(d.messages().some((m) => d.text(m).includes("worker_processes"))).toBe(false);
  });

  it("redacts a password in a command line before it reaches Slack", async () => {
    await d.command(alice.id, "ps db -n shop");
    const all = d
      .seenBy(alice.id)
      .map((m) => d.text(m))
      .join("\n");
    expect(all).toContain("postgres");
    expect(all).not.toContain("hunter2");
  });
});
