import { describe, expect, it } from "vitest";
import {
  codeSpan,
  cutMrkdwn,
  escapeMrkdwn,
  escapeTruncate,
  escapeTruncateWords,
  fitLines,
  formatAge,
  formatKib,
  formatPercent,
  plural,
  safeMrkdwn,
  shortFingerprint,
  slackDate,
  truncate,
  truncateWords,
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

describe("safeMrkdwn", () => {
  const cases: { name: string; input: string; mentions?: boolean; output: string }[] = [
    {
      name: "pns's tokens",
      input: "<@U0A> <!subteam^S0SRE> <!subteam^S0SRE|@sre> <!date^1^{time}|08:11>",
      output: "<@U0A> <!subteam^S0SRE> <!subteam^S0SRE|@sre> <!date^1^{time}|08:11>",
    },
    {
      name: "special mentions and links",
      input: "<!channel> <!everyone> <#C1> <http://x|y> <mailto:a@b>",
      output: "&lt;!channel&gt; &lt;!everyone&gt; &lt;#C1&gt; &lt;http://x|y&gt; &lt;mailto:a@b&gt;",
    },
    {
      name: "a lone bracket and entities",
      input: "a < b > c & d &amp; &lt;x&gt; &nbsp;",
      output: "a &lt; b &gt; c &amp; d &amp; &lt;x&gt; &amp;nbsp;",
    },
    { name: "a token with a nested bracket", input: "<@U0A<!channel>>", output: "&lt;@U0A&lt;!channel&gt;&gt;" },
    {
      name: "mentions off",
      input: "<@U0A> <!subteam^S1> <!date^1^{time}|x>",
      mentions: false,
      output: "&lt;@U0A&gt; &lt;!subteam^S1&gt; <!date^1^{time}|x>",
    },
  ];
  it.each(cases)("handles $name", ({ input, mentions, output }) => {
    expect(safeMrkdwn(input, mentions === undefined ? {} : { mentions })).toBe(output);
  });

  it("cuts before a token or an entity it would split", () => {
    expect(cutMrkdwn("abc <@U0ALICE>", 10)).toBe("abc …");
    expect(cutMrkdwn("abcdef &amp; x", 10)).toBe("abcdef …");
    expect(cutMrkdwn("short", 10)).toBe("short");
  });
});

describe("table cell formats", () => {
  it.each([
    [null, "-"],
    [5, "5s"],
    [61, "1m"],
    [3 * 3600 + 5 * 60, "3h5m"],
    [2 * 86_400 + 3 * 3600, "2d3h"],
  ])("formats an age of %j s as %s", (s, text) => {
    expect(formatAge(s)).toBe(text);
  });
  it.each([
    [null, "-"],
    [812, "812K"],
    [5324, "5.2M"],
    [131_072, "128M"],
    [1_363_149, "1.3G"],
  ])("formats %j KiB as %s", (k, text) => {
    expect(formatKib(k)).toBe(text);
  });
  it.each([
    [null, "-"],
    [0, "0.0"],
    [0.46, "0.5"],
    [57.2, "57"],
    [180, "180"],
  ])("formats %j %% as %s", (p, text) => {
    expect(formatPercent(p)).toBe(text);
  });
});

describe("truncateWords", () => {
  it.each([
    { name: "short text stays", text: "ps nginx", max: 20, out: "ps nginx" },
    { name: "cut at the last space", text: "send SIGHUP to the nginx master", max: 20, out: "send SIGHUP to the…" },
    { name: "one long word is cut on a code point", text: "a".repeat(30), max: 10, out: `${"a".repeat(9)}…` },
    { name: "never splits a surrogate pair", text: `${"😀".repeat(10)}`, max: 7, out: "😀😀😀…" },
  ])("$name", ({ text, max, out }) => {
    expect(truncateWords(text, max)).toBe(out);
    expect(truncateWords(text, max).length).toBeLessThanOrEqual(max);
  });

  it("escapes within the limit, still at a word", () => {
    const out = escapeTruncateWords("a < b & c > d ".repeat(10), 30);
    expect(out.length).toBeLessThanOrEqual(30);
    expect(out).toMatch(/(?:&lt;|&amp;|&gt;|[a-d])…$/);
    expect(out).not.toMatch(/&(?:l|lt|a|am|amp|g|gt)…$/);
  });
});
