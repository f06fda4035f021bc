import { distance } from "fastest-levenshtein";

/** The closest candidate within `maxDistance` edits (case-insensitive), or null; ties go to the first listed. */
export function closest(input: string, candidates: readonly string[], maxDistance = 2): string | null {
  // Long inputs cannot be within a few edits of our short names; skip the quadratic work.
  if (input.length > 64) return null;
  const lower = input.toLowerCase();
  let best: string | null = null;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
