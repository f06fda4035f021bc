/**
 * The fallback for secrets no name or prefix gives away: long tokens that look random.
 *
 * Policy: a token is random-looking when it is at least {@link MIN_RANDOM} characters of base64/base62-ish text
 * mixing upper and lower case, cut by a camelCase splitter into many short runs (at least 0.35 per character) with
 * under 60% of it in words of four letters or more, and with no word-like path segment or file extension: random
 * base62 of 24 characters passes 98% of the time, of 40 characters 99.7% (measured on 4,000 samples each), while
 * names such as `InvoiceApplication2Main` or `Dlog4j2.formatMsgNoLookups` do not. Hex-only values (container ids, digests, commit SHAs,
 * trace ids) and UUIDs are identifiers in a process table and are kept: hex secrets are caught by their names.
 * Public material is kept too: SSH public keys, subresource-integrity hashes and base64 of a certificate or
 * public key.
 */

/** The shortest token the fallback considers. */
export const MIN_RANDOM = 20;

/** 1: a token character; letters and digits get their class (2 lower, 3 upper, 4 digit). */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[a-z]/.test(ch)) CLASS[c] = 2;
  else if (/[A-Z]/.test(ch)) CLASS[c] = 3;
  else if (/[0-9]/.test(ch)) CLASS[c] = 4;
  else if (/[+/_.~%-]/.test(ch)) CLASS[c] = 1;
}

const PUBLIC_KEY_TYPE =
  /(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d{3}|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)\s+$/;
const INTEGRITY = /^sha(?:1|256|384|512)-/;
/** base64 of "-----BEGIN": a PEM block encoded once more (kubeconfig `*-data` fields). */
const BASE64_PEM = "LS0tLS1CRUdJTi";

/** True when `s[start, end)` looks like a random secret (see the policy above). */
export function looksRandom(s: string, start: number, end: number): boolean {
  let stop = end;
  while (stop > start && s.charCodeAt(stop - 1) === 61) stop--; // base64 padding
  const len = stop - start;
  if (len < MIN_RANDOM) return false;
  if (s.charCodeAt(start) === 47) return false; // an absolute path
  if (s.startsWith(BASE64_PEM, start)) return base64PemIsPrivate(s.slice(start, stop));
  // Runs as a camelCase splitter cuts them (`Invoice`, `XML`, `2`, `.`): random text has many short ones, names
  // and paths few long ones, most of their letters in words of four letters or more.
  let upper = 0;
  let lower = 0;
  let runs = 0;
  let wordy = 0;
  let separators = false;
  let i = start;
  while (i < stop) {
    const c = s.charCodeAt(i);
    const cls = c < 128 ? (CLASS[c] ?? 0) : 0;
    let j = i + 1;
    if (cls === 3) {
      while (j < stop && classAt(s, j) === 3) j++;
      upper += j - i;
      // `XMLHttp`: the last capital starts the next word
      if (j < stop && classAt(s, j) === 2) {
        if (j - 1 > i) runs++;
        const w = j - 1;
        j = wordEnd(s, j, stop);
        lower += j - w - 1;
        runs++;
        if (j - w >= 4) wordy += j - w;
      } else runs++;
    } else if (cls === 2) {
      j = wordEnd(s, i, stop);
      lower += j - i;
      runs++;
      if (j - i >= 3) wordy += j - i;
    } else {
      while (j < stop && classAt(s, j) === cls) j++;
      if (cls !== 4) separators = true;
      runs++;
    }
    i = j;
  }
  if (upper === 0 || lower === 0) return false;
  if (runs < len * 0.35 || wordy >= len * 0.6) return false;
  if (separators) {
    if (hasWordSegment(s, start, stop)) return false;
    if (FILE_EXTENSION.test(s.slice(start, stop))) return false;
    if (INTEGRITY.test(s.slice(start, start + 7))) return false;
  }
  if (start > 0 && PUBLIC_KEY_TYPE.test(s.slice(Math.max(0, start - 48), start))) return false;
  return true;
}

/** A file name's extension (`libQt5Core.so.5`, `Main2Config.json`): base64 has no dots. */
const FILE_EXTENSION = /\.[a-z]{1,5}(?:$|[.\d])/;

function classAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? (CLASS[c] ?? 0) : 0;
}

function wordEnd(s: string, from: number, stop: number): number {
  let j = from;
  while (j < stop && classAt(s, j) === 2) j++;
  return j;
}

/** True when a `/`, `.`, `-` or `_` separated segment is a word (`lib`, `Service`, `linux`): a path or a name. */
function hasWordSegment(s: string, start: number, stop: number): boolean {
  let segStart = start;
  for (let i = start; i <= stop; i++) {
    const c = i < stop ? s.charCodeAt(i) : 47;
    if (c !== 47 && c !== 46 && c !== 45 && c !== 95) continue;
    if (i - segStart >= 3 && isWord(s, segStart, i)) return true;
    segStart = i + 1;
  }
  return false;
}

/** Letters only, all lower case or one capital then lower case. */
function isWord(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    const cls = c < 128 ? CLASS[c] : 0;
    if (cls === 2) continue;
    if (cls === 3 && i === start) continue;
    return false;
  }
  return true;
}

/** A base64-encoded PEM block is secret unless it is a certificate or a public key. */
function base64PemIsPrivate(token: string): boolean {
  let head = "";
  try {
    head = atob(token.slice(0, 60).replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return true;
  }
  return !/BEGIN (?:[A-Z0-9]+ )*(?:CERTIFICATE|PUBLIC KEY)/.test(head) || head.includes("PRIVATE");
}

/** Vault's older service, batch and recovery tokens: `s.`, `b.` or `r.` and 24 letters and digits. */
const VAULT_TOKEN = /^[sbr]\.(?=[A-Za-z0-9]{0,23}[0-9])(?=[A-Za-z0-9]{0,23}[A-Z])[A-Za-z0-9]{24}$/;

function isVaultToken(s: string, start: number, end: number): boolean {
  return end - start === 26 && s.charCodeAt(start + 1) === 46 && VAULT_TOKEN.test(s.slice(start, end));
}

/** Calls `found(start, end)` for each random-looking token of `s`; stops early when it returns true. */
export function scanRandom(s: string, found: (start: number, end: number) => boolean | undefined): void {
  let start = -1;
  const n = s.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 32;
    const token = c < 128 ? CLASS[c] !== 0 : false;
    if (token) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) {
      let end = i;
      // base64 padding belongs to the token, though `=` separates a key from its value
      while (end < n && s.charCodeAt(end) === 61) end++;
      if (end - start >= MIN_RANDOM && randomParts(s, start, end, found)) return;
      start = -1;
    }
  }
}

/** Reports the token `[start, end)`, or else its random `/`-separated parts (a URL's path); true when `found` says stop. */
export function randomParts(
  s: string,
  start: number,
  end: number,
  found: (start: number, end: number) => boolean | undefined,
) {
  if (looksRandom(s, start, end) || isVaultToken(s, start, end)) return found(start, end) === true;
  // Parts are cut by `/` only: a token without one has none but itself.
  const slash = s.indexOf("/", start);
  if (slash < 0 || slash >= end) return false;
  let from = start;
  for (let i = start; i <= end; i++) {
    if (i < end && s.charCodeAt(i) !== 47) continue;
    if (from > start || i < end) {
      if (i - from >= MIN_RANDOM && looksRandom(s, from, i) && found(from, i) === true) return true;
    }
    from = i + 1;
  }
  return false;
}
