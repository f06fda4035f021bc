import { describe, expect, it } from "vitest";
import {
  codeSpan,
  escapeMrkdwn,
  escapeTruncate,
  fitLines,
  plural,
  shortFingerprint,
  slackDate,
  truncate,
  userMention,
} from "./text.js";

describe("text helpers", () => {
  it.each([
    { input: "<!channel>", out: "&lt;!channel&gt;" },
    { input: "a & b", out: "a &amp; b" },
    { input: "&lt;", out: "&amp;lt;" },
    { input: "plain", out: "plain" },
  ])("escapes $input", ({ input, out }) => {
    expect(escapeMrkdwn(input)).toBe(out);
  });

  it.each([
    { name: "short text stays", input: "abc", max: 5, out: "abc" },
    { name: "cut ends in …", input: "abcdef", max: 4, out: "abc…" },
    { name: "emoji is not split", input: "ab🔥🔥", max: 4, out: "ab…" },
  ])("truncate: $name", ({ input, max, out }) => {
    expect(truncate(input, max)).toBe(out);
    expect(truncate(input, max).length).toBeLessThanOrEqual(max);
  });

  it("never cuts an entity in half", () => {
    const out = escapeTruncate("<<<<<<", 10);
    expect(out).toBe("&lt;&lt;…");
    expect(out.length).toBeLessThanOrEqual(10);
  });

  it.each([
    { name: "backticks", input: "a `b` c", out: "`a ˋbˋ c`" },
    { name: "newlines", input: "a\nb", out: "`a b`" },
    { name: "mention", input: "<!here>", out: "`&lt;!here&gt;`" },
    { name: "empty", input: "", out: "` `" },
  ])("codeSpan keeps $name inside", ({ input, out }) => {
    expect(codeSpan(input)).toBe(out);
  });

  it("formats Slack dates with a UTC fallback", () => {
    // 10^9 s after the epoch is the well-known 2001-09-09T01:46:40Z.
    expect(slackDate(1_000_000_000_500, "{time}")).toBe("<!date^1000000000^{time}|2001-09-09T01:46:40Z>");
  });

  it.each([
    { id: "U0ABC123", out: "<@U0ABC123>" },
    { id: "W0ABC123", out: "<@W0ABC123>" },
    { id: "<!channel>", out: "&lt;!channel&gt;" },
  ])("mentions $id safely", ({ id, out }) => {
    expect(userMention(id)).toBe(out);
  });

  it("shortens fingerprints to start ticks and 8 hex", () => {
    expect(shortFingerprint({ pid: 8, startTicks: 4711, cmdSha256: "3f2a9c1d".padEnd(64, "0") })).toBe(
      "start 4711 · sha 3f2a9c1d",
    );
  });

  it("fits whole lines and says how many are left", () => {
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i} ${"x".repeat(20)}`);
    const out = fitLines(lines, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out).toMatch(/… and \d+ more changes$/);
    expect(fitLines(["a", "b"], 100)).toBe("a\nb");
  });

  it("pluralises", () => {
    expect(plural(1, "process")).toBe("1 process");
    expect(plural(10000, "process")).toBe("10,000 processes");
  });
});
