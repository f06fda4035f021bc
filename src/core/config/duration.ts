const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a duration like `15m`, `900s`, `1h30m` or `500ms` into milliseconds; null when it is not one. */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (s === "" || s.length > 32 || !/^(\d+(ms|h|m|s))+$/.test(s)) return null;
  let total = 0;
  for (const [, n, unit] of s.matchAll(/(\d+)(ms|h|m|s)/g)) total += Number(n) * UNIT_MS[unit!]!;
  return Number.isSafeInteger(total) ? total : null;
}

/** Formats milliseconds as the shortest duration text, like `15m` or `1h30m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const unit of ["h", "m", "s", "ms"]) {
    const size = UNIT_MS[unit]!;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
