import { describe, expect, it } from "vitest";
import { labelSelectorProblem } from "./label-selector.js";

describe("labelSelectorProblem accepts", () => {
  it.each([
    ["equality", "app=web"],
    ["double equals", "app==web"],
    ["inequality", "tier!=db"],
    ["empty value", "app="],
    ["existence", "canary"],
    ["non-existence", "!canary"],
    ["in", "env in (prod,staging)"],
    ["notin", "env notin (dev)"],
    ["set with spaces", "env in ( prod , staging )"],
    ["prefixed key", "app.kubernetes.io/name=web"],
    ["several requirements", "app=web, tier!=db,!canary,env in (a,b)"],
    ["values with dots, dashes, underscores", "v=1.2_3-rc"],
  ])("%s: %s", (_, selector) => {
    expect(labelSelectorProblem(selector)).toBeNull();
  });
});

describe("labelSelectorProblem refuses", () => {
  it.each([
    ["empty", "", /empty/],
    ["blank", "  ", /empty/],
    ["too long", `a=${"b".repeat(1100)}`, /at most 1024/],
    ["bad character", "app=web;x", /unexpected character ";"/],
    ["missing key", "=web", /expected a label key/],
    ["negated with value", "!app=web", /unexpected "="/],
    ["empty in-set", "env in ()", /needs at least one value/],
    ["in without parenthesis", "env in prod", /expected "\(" after "in"/],
    ["unclosed set", "env in (a,b", /expected "," or "\)"/],
    ["trailing comma", "app=web,", /expected a label key/],
    ["two requirements without comma", "app=web tier=db", /separate requirements with ","/],
    ["key too long", `${"k".repeat(64)}=v`, /not a valid label key/],
    ["value too long", `k=${"v".repeat(64)}`, /not a valid label value/],
    ["value starting with a dash", "k=-v", /not a valid label value/],
    ["bad prefix", "Bad_Prefix/name=v", /invalid prefix/],
    ["empty name after prefix", "example.com/=v", /not a valid label key/],
    ["bad value in set", "k in (a,-b)", /not a valid label value/],
    ["dangling !", "!", /expected a label key after "!"/],
  ])("%s", (_, selector, message) => {
    expect(labelSelectorProblem(selector)).toMatch(message);
  });
});
