import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileTriggers, HIT_NON_ASCII, HIT_PROGRAM, HIT_RANDOM, HIT_RULE, HIT_SPACE, HIT_WORD } from "./triggers.js";

describe("compileTriggers", () => {
  const words = ["pass", "assword", "token", "sk-", "xoxb-", "://"];
  const t = compileTriggers([
    { bit: HIT_WORD, words: words.slice(0, 3) },
    { bit: HIT_RULE, rules: 0b10, words: ["sk-", "xoxb-"] },
    { bit: HIT_PROGRAM, rules: 0, words: ["://"] },
  ]);

  it("finds every literal anywhere, case-insensitively, as a plain search does (5,000 runs)", () => {
    const piece = fc.constantFrom(...words, "PASS", "ToKeN", "a", "-", "/", ":", " ", "x", "é");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 10 }), (parts) => {
        const s = parts.join("");
        const lower = s.toLowerCase();
        const hits = t.scan(s);
        expect((hits & HIT_WORD) !== 0).toBe(words.slice(0, 3).some((w) => lower.includes(w)));
        expect((hits & HIT_RULE) !== 0).toBe(lower.includes("sk-") || lower.includes("xoxb-"));
        expect((hits & HIT_PROGRAM) !== 0).toBe(lower.includes("://"));
        expect((hits & HIT_NON_ASCII) !== 0).toBe(s.includes("é"));
        expect((hits & HIT_SPACE) !== 0).toBe(s.includes(" "));
        expect(t.rules).toBe((hits & HIT_RULE) !== 0 ? 0b10 : 0);
      }),
      { numRuns: 5000 },
    );
  });

  it("reports random-looking tokens", () => {
    expect(t.scan("run qsR6RZ24lPoQj3oPUlieI2nV now") & HIT_RANDOM).toBe(HIT_RANDOM);
    expect(t.scan("run InvoiceApplication2Main now") & HIT_RANDOM).toBe(0);
  });

  it("stops at the first hit when quick", () => {
    expect(t.scan("token then é", true)).toBe(HIT_WORD);
  });
});
