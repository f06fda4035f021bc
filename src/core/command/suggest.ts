import { distance } from "fastest-levenshtein";

/** True when `a` is `b` with two neighbouring characters swapped (`sp` for `ps`). */
function isSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
  const [i, j] = diff;
  return diff.length === 2 && j === i! + 1 && a[i!] === b[j] && a[j] === b[i!];
}

/**
 * The closest candidate within `maxDistance` edits (case-insensitive, a swap of neighbours counts as one), or null.
 * A candidate is only offered when fewer edits are needed than its length, so `x` never suggests `ps`.
 */
export function closest(input: string, candidates: readonly string[], maxDistance = 2): string | null {
  // Long inputs cannot be within a few edits of our short names; skip the quadratic work.
  if (input.length > 64) return null;
  const lower = input.toLowerCase();
  let best: string | null = null;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const d = isSwap(lower, c) ? 1 : distance(lower, c);
    if (d < bestDistance && d < Math.max(lower.length, c.length)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
