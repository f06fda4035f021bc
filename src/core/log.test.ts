import { describe, expect, it } from "vitest";
import { redactLogFields } from "./log.js";

describe("redactLogFields", () => {
  const sig = `v0=${"a".repeat(64)}`;
  it.each([
    ["a bot token inside a message", { message: "token xoxb-1-2-abc used" }, "xoxb-1-2-abc"],
    ["an xoxe refresh token", { e: "xoxe-1-abcdef" }, "xoxe-1-abcdef"],
    ["a bearer credential", { h: "Bearer abc.def" }, "abc.def"],
    ["a Slack signature as a value", { h: `sig ${sig}` }, sig],
    ["a response_url as a value", { u: "see https://hooks.slack.com/commands/T0/1/xyz" }, "hooks.slack.com/commands"],
    ["a response_url field", { response_url: "https://example.test/x" }, "example.test"],
    ["a responseUrl field", { origin: { responseUrl: "https://example.test/y" } }, "example.test"],
    ["a body field", { body: "payload=%7B%7D" }, "payload=%7B"],
    ["a payload field", { payload: { user: "U1" } }, "U1"],
    ["a signature field", { "x-slack-signature": "anything" }, "anything"],
  ])("masks %s", (_name, fields, secret) => {
    expect(JSON.stringify(redactLogFields(fields))).not.toContain(secret);
  });

  it("keeps what is not secret", () => {
    expect(redactLogFields({ job: "ps", pod: "nginx", count: 3 })).toEqual({ job: "ps", pod: "nginx", count: 3 });
  });
});
