/**
 * Look-alike folding for matching only: secret words spelt with Cyrillic or Greek letters, full-width or
 * mathematical forms, accents or zero-width characters still match, while the output keeps the original text.
 */

/** A string folded for matching, and where each of its characters came from in the original. */
export interface Folded {
  text: string;
  /** `origin[i]` is the original index of folded character `i`; `origin[text.length]` is the original length. */
  origin: Int32Array | null;
}

/**
 * Letters that look like ASCII ones, from Unicode's confusables (UTS #39 confusables.txt, e.g.
 * "0430 ; 0061 ; MA # ( а → a ) CYRILLIC SMALL LETTER A"): the Cyrillic, Greek, Armenian and Latin-extension
 * look-alikes of the letters secret words are made of. Full-width and mathematical forms need no entry: NFKD
 * already maps them to ASCII.
 */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: "a",
  А: "A",
  в: "B",
  В: "B",
  с: "c",
  С: "C",
  ԁ: "d",
  е: "e",
  Е: "E",
  ё: "e",
  һ: "h",
  Н: "H",
  і: "i",
  І: "I",
  ї: "i",
  ј: "j",
  Ј: "J",
  к: "k",
  К: "K",
  ӏ: "l",
  Ӏ: "I",
  м: "M",
  М: "M",
  о: "o",
  О: "O",
  р: "p",
  Р: "P",
  ԛ: "q",
  г: "r",
  ѕ: "s",
  Ѕ: "S",
  т: "T",
  Т: "T",
  ѵ: "v",
  ԝ: "w",
  Ԝ: "W",
  х: "x",
  Х: "X",
  у: "y",
  У: "Y",
  ү: "y",
  Ү: "Y",
  // Greek
  α: "a",
  Α: "A",
  β: "B",
  Β: "B",
  ϲ: "c",
  Ϲ: "C",
  ε: "e",
  Ε: "E",
  Η: "H",
  ι: "i",
  Ι: "I",
  ϳ: "j",
  κ: "k",
  Κ: "K",
  Μ: "M",
  ν: "v",
  Ν: "N",
  ο: "o",
  Ο: "O",
  ρ: "p",
  Ρ: "P",
  τ: "t",
  Τ: "T",
  υ: "u",
  Υ: "Y",
  ω: "w",
  χ: "x",
  Χ: "X",
  γ: "y",
  Ζ: "Z",
  // Armenian
  օ: "o",
  ս: "u",
  ց: "g",
  հ: "h",
  ո: "n",
  // Latin extensions and small capitals
  ı: "i",
  ȷ: "j",
  ɑ: "a",
  ɡ: "g",
  ɩ: "i",
  ʀ: "R",
  ᴀ: "A",
  ʙ: "B",
  ᴄ: "C",
  ᴅ: "D",
  ᴇ: "E",
  ʜ: "H",
  ɪ: "I",
  ᴊ: "J",
  ᴋ: "K",
  ʟ: "L",
  ᴍ: "M",
  ɴ: "N",
  ᴏ: "O",
  ᴘ: "P",
  ꜱ: "S",
  ᴛ: "T",
  ᴜ: "U",
  ᴠ: "V",
  ᴡ: "W",
  ʏ: "Y",
  ᴢ: "Z",
};

/** Characters dropped before matching: invisible ones (zero-width, joiners, bidi controls) and combining marks. */
const IGNORED = /^[\p{Default_Ignorable_Code_Point}\p{M}]$/u;
/** Any character outside ASCII: the only case that needs folding. */
export const NON_ASCII = /[\u0080-\uffff]/;

const cache = new Map<number, string>();

/** What one code point becomes for matching: "" when ignored, else its NFKD letters with marks and look-alikes mapped. */
function foldCodePoint(cp: number, ch: string): string {
  const hit = cache.get(cp);
  if (hit !== undefined) return hit;
  let out = "";
  if (!IGNORED.test(ch)) {
    for (const part of ch.normalize("NFKD")) {
      if (IGNORED.test(part)) continue;
      out += CONFUSABLES[part] ?? part;
    }
  }
  if (cache.size < 4096) cache.set(cp, out);
  return out;
}

/** Folds `s` for matching; ASCII text is returned as it is, with no origin map. */
export function fold(s: string): Folded {
  if (!NON_ASCII.test(s)) return { text: s, origin: null };
  let text = "";
  const origin: number[] = [];
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (cp < 0x80) {
      text += s[i];
      origin.push(i);
    } else {
      const out = foldCodePoint(cp, s.slice(i, i + width));
      for (let k = 0; k < out.length; k++) origin.push(i);
      text += out;
    }
    i += width;
  }
  origin.push(s.length);
  return { text, origin: Int32Array.from(origin) };
}

/** The original index of folded index `i`. */
export function originOf(f: Folded, i: number): number {
  return f.origin === null ? i : (f.origin[i] ?? i);
}
