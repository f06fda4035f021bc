import { describe, expect, it } from "vitest";
import { tokenize } from "./tokenize.js";

const cases: { name: string; text: string; words: string[]; mentions?: (string | null)[] }[] = [
  { name: "spaces, tabs, newlines and NBSP split", text: " a\tb\nc\u00a0d  ", words: ["a", "b", "c", "d"] },
  { name: "double quotes", text: 'a "b c" d', words: ["a", "b c", "d"] },
  { name: "single quotes", text: "a 'b c'", words: ["a", "b c"] },
  { name: "smart double quotes", text: "a “b c”", words: ["a", "b c"] },
  { name: "smart single quotes", text: "a ‘b c’", words: ["a", "b c"] },
  { name: "mis-oriented smart quotes", text: "a ”b c”", words: ["a", "b c"] },
  { name: "backticks", text: "ps `nginx` `a b`", words: ["ps", "nginx", "a b"] },
  { name: "zero-width spaces and BOM dropped", text: "\ufeffps ngi\u200bnx\u2060", words: ["ps", "nginx"] },
  { name: "quote in the middle of a word is literal", text: "don't it's", words: ["don't", "it's"] },
  { name: "empty quotes give an empty word", text: 'a ""', words: ["a", ""] },
  { name: "quoted word glued to text", text: '"a b"c', words: ["a bc"] },
  { name: "entities unescaped", text: "a&lt;b &gt; &amp;amp;", words: ["a<b", ">", "&amp;"] },
  { name: "link with label", text: "<http://x.io|x.io>", words: ["x.io"] },
  { name: "link without label", text: "<https://x.io/a?b=1&amp;c=2>", words: ["https://x.io/a?b=1&c=2"] },
  { name: "mailto link", text: "<mailto:a@b.io|a@b.io>", words: ["a@b.io"] },
  { name: "link inside a word", text: "see<http://x.io|x.io>now", words: ["seex.ionow"] },
  { name: "user mention", text: "ask <@U123ABC>", words: ["ask", "@U123ABC"], mentions: [null, "U123ABC"] },
  { name: "user mention with label", text: "<@U123|bob>", words: ["@bob"], mentions: ["U123"] },
  { name: "channel mention", text: "<#C123|general>", words: ["@general"], mentions: ["C123"] },
  { name: "special mention", text: "<!here>", words: ["@here"], mentions: ["here"] },
  { name: "mention inside quotes is text", text: '"hi <@U1|bob>"', words: ["hi @bob"], mentions: [null] },
  { name: "markup-like text with a lone <", text: "a < b", words: ["a", "<", "b"] },
  {
    name: "placeholder characters in input are neutralised",
    text: "\uE0000\uE001",
    words: ["\uFFFD0\uFFFD"],
    mentions: [null],
  },
];

describe("tokenize", () => {
  it.each(cases)("$name", ({ text, words, mentions }) => {
    const result = tokenize(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.tokens.map((t) => t.value)).toEqual(words);
    if (mentions) expect(result.tokens.map((t) => t.mention)).toEqual(mentions);
  });

  it("marks quoted words", () => {
    const result = tokenize('-n "-n"');
    expect(result.ok && result.tokens.map((t) => t.quoted)).toEqual([false, true]);
  });

  it.each([
    { name: "double", text: 'a "b', closer: '"' },
    { name: "single", text: "'b", closer: "'" },
    { name: "smart", text: "“b", closer: "”" },
  ])("refuses an unclosed $name quote", ({ text, closer }) => {
    const result = tokenize(text);
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.message).toContain(`add a closing ${closer}`);
  });
});
