import { MASK } from "./rules.js";

/**
 * Ranges of a (folded) string to mask, in any order and overlapping; applied to the original string. One Spans can
 * be cleared and used again: the redactor keeps its own between calls, so that masking a word allocates no arrays.
 */
export class Spans {
  /** `[start, end)` pairs; only the first `2 * count` entries are in use. */
  private readonly at: number[] = [];
  private count = 0;
  /** Ranges the random-token fallback must leave alone (public certificates), as pairs; `keptCount` of them. */
  private readonly kept: number[] = [];
  private keptCount = 0;

  /** Forgets every range, keeping the arrays for the next string. */
  clear(): void {
    this.count = 0;
    this.keptCount = 0;
  }

  /** Marks `[start, end)` as secret; empty ranges are ignored. */
  add(start: number, end: number): void {
    if (end <= start) return;
    this.at[2 * this.count] = start;
    this.at[2 * this.count + 1] = end;
    this.count++;
  }

  /** Marks `[start, end)` as public: the random-token fallback skips tokens inside it. */
  keep(start: number, end: number): void {
    this.kept[2 * this.keptCount] = start;
    this.kept[2 * this.keptCount + 1] = end;
    this.keptCount++;
  }

  /** True when `i` lies in a range marked public. */
  isKept(i: number): boolean {
    for (let k = 0; k < 2 * this.keptCount; k += 2) {
      if (i >= (this.kept[k] ?? 0) && i < (this.kept[k + 1] ?? 0)) return true;
    }
    return false;
  }

  /**
   * What replaces `original[from, to)`: {@link MASK}, once per line when it spans several (`/pns cat --lines N`
   * counts them). The secret is sliced out only in that rare case.
   */
  private masked(original: string, from: number, to: number): string {
    const nl = original.indexOf("\n", from);
    if (nl < 0 || nl >= to) return MASK;
    return original
      .slice(from, to)
      .split("\n")
      .map((line) => {
        if (line.trim().length === 0) return line;
        const indent = line.length - line.trimStart().length;
        return `${line.slice(0, indent)}${MASK}${line.endsWith("\r") ? "\r" : ""}`;
      })
      .join("\n");
  }

  get size(): number {
    return this.count;
  }

  /**
   * The original string with each merged range replaced by {@link MASK}. `origin` maps the folded string's
   * indices, which the ranges are in, to the original's (see fold.ts); null when the string needed no folding.
   */
  apply(original: string, origin: Int32Array | null): string {
    const n = this.count;
    if (n === 0) return original;
    const at = this.at;
    if (n === 1 && origin === null) {
      // the common case: one secret in an ASCII word
      const start = at[0] ?? 0;
      const end = at[1] ?? 0;
      return `${original.slice(0, start)}${this.masked(original, start, end)}${original.slice(end)}`;
    }
    // Insertion sort of the pairs by start, in place: there are a few, and ties need no order (merging takes the
    // largest end of a run whichever comes first).
    for (let k = 1; k < n; k++) {
      const start = at[2 * k] ?? 0;
      const end = at[2 * k + 1] ?? 0;
      let j = k - 1;
      while (j >= 0 && (at[2 * j] ?? 0) > start) {
        at[2 * j + 2] = at[2 * j] ?? 0;
        at[2 * j + 3] = at[2 * j + 1] ?? 0;
        j--;
      }
      at[2 * j + 2] = start;
      at[2 * j + 3] = end;
    }
    let out = "";
    let last = 0;
    let k = 0;
    while (k < n) {
      const start = at[2 * k] ?? 0;
      let end = at[2 * k + 1] ?? 0;
      k++;
      while (k < n && (at[2 * k] ?? 0) <= end) {
        end = Math.max(end, at[2 * k + 1] ?? 0);
        k++;
      }
      const from = Math.max(last, origin === null ? start : (origin[start] ?? original.length));
      const to = origin === null ? end : (origin[end] ?? original.length);
      if (to <= from) continue;
      out += `${original.slice(last, from)}${this.masked(original, from, to)}`;
      last = to;
    }
    return out + original.slice(last);
  }
}
