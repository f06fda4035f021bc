import { describe, expect, it } from "vitest";
import { normalizeDashes } from "./dashes.js";
import { tokenize } from "./tokenize.js";

const names = {
  long: ["namespace", "container", "copy", "selector", "signal", "help"],
  short: ["n", "c", "l", "s", "h"],
};

function words(text: string): string[] {
  const t = tokenize(text);
  if (!t.ok) throw new Error(t.message);
  return normalizeDashes(t.tokens, names).map((tok) => tok.value);
}

const cases: { name: string; text: string; words: string[] }[] = [
  { name: "en dash and a short flag", text: "–n shop", words: ["-n", "shop"] },
  { name: "em dash and a short flag", text: "—n shop", words: ["-n", "shop"] },
  { name: "em dash and a long flag", text: "—copy", words: ["--copy"] },
  { name: "en dash and a long flag", text: "–copy", words: ["--copy"] },
  { name: "em dash, long flag and value", text: "—namespace=shop", words: ["--namespace=shop"] },
  { name: "em dash then hyphen (macOS ---)", text: "—-copy", words: ["--copy"] },
  { name: "two en dashes", text: "––copy", words: ["--copy"] },
  { name: "a misspelt long flag stays long, for did-you-mean", text: "—namepsace", words: ["--namepsace"] },
  { name: "a short flag glued to its value", text: "–nshop", words: ["-nshop"] },
  { name: "a word that is no flag is read as long", text: "—force", words: ["--force"] },
  { name: "a signal name", text: "—HUP", words: ["-HUP"] },
  { name: "a signal with SIG", text: "—SIGTERM", words: ["-SIGTERM"] },
  { name: "a signal number", text: "–9", words: ["-9"] },
  { name: "minus sign", text: "\u2212n", words: ["-n"] },
  { name: "hyphen", text: "\u2010n", words: ["-n"] },
  { name: "non-breaking hyphen", text: "\u2011c", words: ["-c"] },
  { name: "figure dash", text: "\u2012c", words: ["-c"] },
  { name: "horizontal bar", text: "\u2015copy", words: ["--copy"] },
  { name: "small em dash", text: "\ufe58copy", words: ["--copy"] },
  { name: "small hyphen-minus", text: "\ufe63n", words: ["-n"] },
  { name: "fullwidth hyphen-minus", text: "\uff0dn", words: ["-n"] },
  { name: "ASCII flags are left alone", text: "-n --copy --n", words: ["-n", "--copy", "--n"] },
  { name: "a dash inside a word is left alone", text: "web–1", words: ["web–1"] },
  { name: "a lone em dash before a flag-like word is --", text: "HUP — -n x", words: ["HUP", "--", "-n", "x"] },
  { name: "a lone em dash in prose stays", text: "a — b", words: ["a", "—", "b"] },
  { name: "after -- nothing changes", text: "-- —copy", words: ["--", "—copy"] },
  { name: "after a lone em dash read as --, nothing changes", text: "— -x —copy", words: ["--", "-x", "—copy"] },
  { name: "a quoted word is left alone", text: '"—copy"', words: ["—copy"] },
];

describe("normalizeDashes", () => {
  it.each(cases)("$name", ({ text, words: expected }) => {
    expect(words(text)).toEqual(expected);
  });

  it("leaves mentions alone", () => {
    const t = tokenize("<@U1|—bob>");
    expect(t.ok && normalizeDashes(t.tokens, names).map((x) => x.value)).toEqual(["@—bob"]);
  });
});
