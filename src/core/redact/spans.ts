import type { Folded } from "./fold.js";
import { MASK } from "./rules.js";

/** Ranges of a (folded) string to mask, in any order and overlapping; applied to the original string. */
export class Spans {
  private readonly at: number[] = [];
  /** Ranges the random-token fallback must leave alone (public certificates). */
  private readonly kept: number[] = [];

  /** Marks `[start, end)` as secret; empty ranges are ignored. */
  add(start: number, end: number): void {
    if (end > start) this.at.push(start, end);
  }

  /** Marks `[start, end)` as public: the random-token fallback skips tokens inside it. */
  keep(start: number, end: number): void {
    this.kept.push(start, end);
  }

  /** True when `i` lies in a range marked public. */
  isKept(i: number): boolean {
    for (let k = 0; k < this.kept.length; k += 2) {
      if (i >= (this.kept[k] ?? 0) && i < (this.kept[k + 1] ?? 0)) return true;
    }
    return false;
  }

  /** What replaces one secret: {@link MASK}, once per line when it spans several (`/pns cat --lines N` counts them). */
  private masked(secret: string): string {
    if (!secret.includes("\n")) return MASK;
    return secret
      .split("\n")
      .map((line) => {
        if (line.trim().length === 0) return line;
        const indent = line.length - line.trimStart().length;
        return `${line.slice(0, indent)}${MASK}${line.endsWith("\r") ? "\r" : ""}`;
      })
      .join("\n");
  }

  get size(): number {
    return this.at.length / 2;
  }

  /** The original of `folded` with each merged range replaced by {@link MASK}. */
  apply(original: string, folded: Folded): string {
    if (this.at.length === 0) return original;
    const o = folded.origin;
    if (this.at.length === 2 && o === null) {
      // the common case: one secret in an ASCII word
      const start = this.at[0] ?? 0;
      const end = this.at[1] ?? 0;
      return `${original.slice(0, start)}${this.masked(original.slice(start, end))}${original.slice(end)}`;
    }
    const pairs: [number, number][] = [];
    for (let k = 0; k < this.at.length; k += 2) pairs.push([this.at[k] ?? 0, this.at[k + 1] ?? 0]);
    pairs.sort((a, b) => a[0] - b[0]);
    let out = "";
    let last = 0;
    let k = 0;
    while (k < pairs.length) {
      let [start, end] = pairs[k] ?? [0, 0];
      k++;
      while (k < pairs.length && (pairs[k]?.[0] ?? 0) <= end) {
        end = Math.max(end, pairs[k]?.[1] ?? 0);
        k++;
      }
      const from = Math.max(last, o === null ? start : (o[start] ?? original.length));
      const to = o === null ? end : (o[end] ?? original.length);
      if (to <= from) continue;
      out += `${original.slice(last, from)}${this.masked(original.slice(from, to))}`;
      last = to;
    }
    return out + original.slice(last);
  }
}
