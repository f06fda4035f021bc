/** Why a command is refused, and the corrected command to offer, retyped from the user's own words. */
import { formatWord } from "./format-command.js";
import type { Token } from "./tokenize.js";

/** What was wrong with a command, and optionally a corrected `/pns …` text. */
export class Refusal {
  constructor(
    readonly message: string,
    readonly suggestion?: string,
  ) {}
}

/** The words of a command (dashes normalised), from which suggestions are retyped. */
export type Words = readonly Token[];

// Words after `--` stay after the `--`, which is retyped too, so only a quoted word must keep its quotes.
function retyped(words: Words, edit: (i: number) => string | null): string {
  const out = words.map((t, i) => edit(i) ?? formatWord(t.value, t.quoted));
  return `/pns ${out.join(" ")}`;
}

/** `/pns …` with the word at `index` replaced, for "did you mean" suggestions. */
export function withReplaced(words: Words, index: number, replacement: string): string {
  return retyped(words, (i) => (i === index ? replacement : null));
}

/** `/pns …` with `word` inserted before the word at `index`. */
export function withInserted(words: Words, index: number, word: string): string {
  return retyped(words, (i) => (i === index ? `${word} ${formatWord(words[i]!.value, words[i]!.quoted)}` : null));
}
