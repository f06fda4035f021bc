import { describe, expect, it } from "vitest";
import { fold, originOf } from "./fold.js";

describe("fold", () => {
  const cases: { name: string; input: string; folded: string }[] = [
    { name: "ASCII stays as it is", input: "password=x", folded: "password=x" },
    { name: "Cyrillic а", input: "pаssword", folded: "password" },
    { name: "Cyrillic capitals", input: "PАSSWОRD", folded: "PASSWORD" },
    { name: "Greek ο", input: "passwοrd", folded: "password" },
    { name: "zero-width space", input: "pass\u200bword", folded: "password" },
    { name: "zero-width joiner and soft hyphen", input: "to\u200dk\u00aden", folded: "token" },
    { name: "byte order mark", input: "\ufeffsecret", folded: "secret" },
    { name: "full-width letters", input: "ＰＡＳＳ", folded: "PASS" },
    { name: "mathematical bold", input: "𝐩𝐚𝐬𝐬", folded: "pass" },
    { name: "accents dropped", input: "pässwörd", folded: "password" },
    { name: "small capitals", input: "ᴘᴀꜱꜱ", folded: "PASS" },
  ];
  it.each(cases)("$name", ({ input, folded }) => {
    expect(fold(input).text).toBe(folded);
  });

  it("maps each folded character back to where it came from", () => {
    const f = fold("a\u200bｂ𝐜=d");
    expect(f.text).toBe("abc=d");
    expect([0, 1, 2, 3, 4, 5].map((i) => originOf(f, i))).toEqual([0, 2, 3, 5, 6, 7]);
  });
});
