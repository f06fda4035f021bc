/**
 * The gate in front of every rule: one pass over a string that says which rules could match it. An Aho–Corasick
 * automaton over the trigger literals (ASCII, case-insensitive) runs in the same loop as the random-token
 * fallback's tokenizer, so a string nothing matches costs one look at each character, and a string something
 * matches is then scanned only by the rules whose triggers it holds.
 */
import { MIN_RANDOM, randomParts } from "./entropy.js";

/** A secret word (what every secret key name contains). */
export const HIT_WORD = 1;
/** A needle of one of the token rules; which ones is in {@link Triggers.rules}. */
export const HIT_RULE = 2;
/** A word of command-line logic that is no secret word: `-u`, `--user`, `Basic`. */
export const HIT_FLAG = 4;
/** `-----BEGIN`: a PEM block. */
export const HIT_PEM = 8;
/** `:$`, `:!`, `:{`: a password hash after a user name (shadow, htpasswd). */
export const HIT_LINE = 16;
/** A program name of the per-program tables. */
export const HIT_PROGRAM = 32;
/** A character outside ASCII: look-alikes must be folded before matching. */
export const HIT_NON_ASCII = 64;
/** A random-looking token (see entropy.ts). */
export const HIT_RANDOM = 128;
/** Whitespace: the string holds several words. */
export const HIT_SPACE = 256;

/** The bits that make a string worth a closer look (whitespace alone does not). */
export const SUSPECT = HIT_WORD | HIT_RULE | HIT_FLAG | HIT_PEM | HIT_LINE | HIT_PROGRAM | HIT_NON_ASCII | HIT_RANDOM;

/** Literals that raise `bit` (and, for token rules, the rule's own bit in `rules`). */
export interface TriggerGroup {
  bit: number;
  rules?: number;
  words: readonly string[];
}

/** A compiled trigger set. */
export interface Triggers {
  /** The HIT_* bits of `s`. With `quick`, the scan stops at the first suspect bit (a yes/no gate). */
  scan(s: string, quick?: boolean): number;
  /** The token rules (as bits of their index) whose needles the last full scan met. */
  rules: number;
}

/** Token characters of the random-token fallback, as in entropy.ts. */
const TOKEN = new Uint8Array(128);
for (let c = 0; c < 128; c++) TOKEN[c] = /[A-Za-z0-9+/_.~%-]/.test(String.fromCharCode(c)) ? 1 : 0;

const stop = () => true;

/** Builds the automaton. */
export function compileTriggers(groups: readonly TriggerGroup[]): Triggers {
  const next: Int32Array[] = [new Int32Array(128).fill(-1)];
  const bits: number[] = [0];
  const ruleBits: number[] = [0];
  for (const group of groups) {
    for (const word of group.words) {
      let state = 0;
      for (const ch of word.toLowerCase()) {
        const c = ch.charCodeAt(0);
        if (c >= 128) throw new Error(`trigger ${word} is not ASCII`);
        const row = next[state]!;
        if (row[c]! < 0) {
          row[c] = next.length;
          next.push(new Int32Array(128).fill(-1));
          bits.push(0);
          ruleBits.push(0);
        }
        state = row[c]!;
      }
      bits[state]! |= group.bit;
      ruleBits[state]! |= group.rules ?? 0;
    }
  }
  // The table is indexed by character class, not character: class 0 for every character no literal holds (it always
  // leads back to the root), one class per character literals hold, upper case folded onto lower case. 47 classes and
  // 16-bit entries (15 bits of state, one of output) keep the table near 130 KB instead of 520 KB: the scan, a load
  // per character, stays in cache.
  const classOf = new Uint8Array(128);
  let classes = 1;
  for (let c = 0; c < 128; c++) if (next.some((row) => row[c]! >= 0)) classOf[c] = classes++;
  for (let c = 65; c <= 90; c++) classOf[c] = classOf[c | 0x20]!;
  const shift = Math.max(1, Math.ceil(Math.log2(classes)));
  // Breadth-first failure links, folded into a full transition table; outputs inherit their suffixes'.
  const delta = new Int32Array(next.length * 128);
  const fail = new Int32Array(next.length);
  const queue: number[] = [];
  for (let c = 0; c < 128; c++) {
    const s = next[0]![c]!;
    delta[c] = Math.max(s, 0);
    if (s > 0) queue.push(s);
  }
  for (let q = 0; q < queue.length; q++) {
    const r = queue[q]!;
    bits[r]! |= bits[fail[r]!]!;
    ruleBits[r]! |= ruleBits[fail[r]!]!;
    for (let c = 0; c < 128; c++) {
      const s = next[r]![c]!;
      if (s < 0) delta[r * 128 + c] = delta[fail[r]! * 128 + c]!;
      else {
        delta[r * 128 + c] = s;
        fail[s] = delta[fail[r]! * 128 + c]!;
        queue.push(s);
      }
    }
  }
  // The same table by class: every character of a class moves every state alike, so any one of them stands for it.
  const table = new Uint16Array(next.length << shift);
  for (let c = 0; c < 128; c++) {
    const k = classOf[c]!;
    if (c >= 65 && c <= 90) continue;
    for (let st = 0; st < next.length; st++) table[(st << shift) | k] = delta[st * 128 + c]!;
  }
  const output = Uint16Array.from(bits);
  const rulesOf = Int32Array.from(ruleBits);
  // Bit 15 of an entry says the state it leads to has an output: the scan reads `output` only then.
  if (next.length > 0x7fff) throw new Error("too many trigger states for a 15-bit table entry");
  for (let e = 0; e < table.length; e++) if (output[table[e]!] !== 0) table[e]! |= 0x8000;
  // One load per character for both questions the scan asks of it: its class, and (bit 7) whether it is a token's.
  const charInfo = new Uint8Array(128);
  if (classes > 128) throw new Error("too many character classes for the scan's 7 bits");
  for (let c = 0; c < 128; c++) charInfo[c] = classOf[c]! | (TOKEN[c] === 1 ? 128 : 0);

  const triggers: Triggers = {
    rules: 0,
    scan(s: string, quick = false): number {
      let hits = 0;
      let rules = 0;
      let state = 0;
      let tokenStart = -1;
      const n = s.length;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        const info = c < 128 ? charInfo[c]! : 0;
        if (info >= 128) {
          if (tokenStart < 0) tokenStart = i;
        } else {
          if (tokenStart >= 0) {
            if (i - tokenStart >= MIN_RANDOM && random(s, tokenStart, i)) {
              hits |= HIT_RANDOM;
              if (quick) return hits;
            }
            tokenStart = -1;
          }
          if (c >= 128) {
            hits |= HIT_NON_ASCII;
            if (quick) return hits;
            state = 0;
            continue;
          }
          if (c === 32 || c === 9 || c === 10 || c === 13) hits |= HIT_SPACE;
        }
        const entry = table[(state << shift) | (info & 127)]!;
        state = entry & 0x7fff;
        if (entry >= 0x8000) {
          hits |= output[state]!;
          rules |= rulesOf[state]!;
          if (quick) return hits;
        }
      }
      if (tokenStart >= 0 && n - tokenStart >= MIN_RANDOM && random(s, tokenStart, n)) hits |= HIT_RANDOM;
      triggers.rules = rules;
      return hits;
    },
  };
  return triggers;
}

/** A random-looking token at `[start, end)`, base64 padding (`=`, which also separates keys from values) included. */
function random(s: string, start: number, end: number): boolean {
  let stop_ = end;
  while (stop_ < s.length && s.charCodeAt(stop_) === 61) stop_++;
  return randomParts(s, start, stop_, stop);
}
