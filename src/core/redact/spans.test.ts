import { describe, expect, it } from "vitest";
import { fold } from "./fold.js";
import { MASK } from "./rules.js";
import { Spans } from "./spans.js";

describe("Spans", () => {
  const apply = (s: string, ranges: [number, number][]) => {
    const spans = new Spans();
    for (const [a, b] of ranges) spans.add(a, b);
    return spans.apply(s, fold(s).origin);
  };

  it("masks merged, overlapping and unordered ranges once", () => {
    expect(
      apply("a=secret b=other", [
        [11, 16],
        [2, 5],
        [4, 8],
      ]),
    ).toBe(`a=${MASK} b=${MASK}`);
  });

  it("keeps the line breaks of a secret over several lines", () => {
    expect(apply("k: |\n  l1\n  l2\nnext", [[7, 14]])).toBe(`k: |\n  ${MASK}\n  ${MASK}\nnext`);
  });

  it("starts afresh once cleared", () => {
    const spans = new Spans();
    spans.add(0, 3);
    spans.keep(4, 6);
    expect(spans.apply("abc def", null)).toBe(`${MASK} def`);
    spans.clear();
    expect(spans.size).toBe(0);
    expect(spans.isKept(5)).toBe(false);
    expect(spans.apply("xyz", null)).toBe("xyz");
    spans.add(4, 7);
    spans.add(0, 1);
    expect(spans.apply("abc def", null)).toBe(`${MASK}bc ${MASK}`);
  });

  it("maps folded ranges back to the original text", () => {
    const s = "pаss\u200bword=hunter2";
    const f = fold(s);
    const spans = new Spans();
    spans.add(f.text.indexOf("=") + 1, f.text.length);
    expect(spans.apply(s, f.origin)).toBe(`pаss\u200bword=${MASK}`);
  });
});
