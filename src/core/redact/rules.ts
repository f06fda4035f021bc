/**
 * The secret shapes pns hides. Policy: a false positive (a harmless value masked) is acceptable, a leak is not.
 * A key or flag names a secret when it CONTAINS a secret word (`DB_PASSWORD`, `PASSWORD_1`, `API_KEY_ID`,
 * `AUTH_TOKEN_V2`, `SECRET_KEY_BASE`, `DBPASS`), unless what follows the last secret word says the value only
 * points at or describes the secret (`--password-file`, `TOKEN_PATH`, `--secret-name`, `authSource`).
 */
import { fold, NON_ASCII } from "./fold.js";
import { PROGRAM_NAMES } from "./programs.js";
import { compileTriggers, HIT_FLAG, HIT_LINE, HIT_PEM, HIT_PROGRAM, HIT_RULE, HIT_WORD } from "./triggers.js";

/** What replaces a secret. */
export const MASK = "••••";

/** Secret words that may end any run of letters (`mytoken`, `keyStorePassword`, `DBPASSWORD`). */
const STRONG_WORDS = [
  "password",
  "passwd",
  "passphrase",
  "passcode",
  "secret",
  "token",
  "credential",
  "authorization",
  "signature",
  "cookie",
  "jwt",
  "bearer",
  "api[-_.]?key",
  "access[-_.]?key",
  "private[-_.]?key",
  "priv[-_.]?key",
  "account[-_.]?key",
  "master[-_.]?key",
  "master[-_.]?auth",
  "signing[-_.]?key",
  "encryption[-_.]?key",
  "session[-_.]?(?:key|id)",
  "auth[-_.]?key",
  "app[-_.]?key",
  "license[-_.]?key",
  "hmac[-_.]?key",
  "shared[-_.]?key",
  "key[-_.]?data",
  "connection[-_.]?string",
];
/** Secret words that may end a run of letters except in the words listed (`DBPASS`, `rootpwd`; not `bypass`). */
const SUFFIX_WORDS = ["pass", "pwd"];
/** Short secret words that must be a segment of their own (`--pw`, `db_auth`, `proxyAuth`; not `oauth`, `path`). */
const SEGMENT_WORDS = ["pw", "auth", "sas", "sig", "dsn", "pat", "psk"];
const SEGMENT_SET = new Set(SEGMENT_WORDS);

/** The literal spellings of a word pattern: `api[-_.]?key` gives `apikey`, `api-key`, `api_key` and `api.key`. */
function spellings(word: string): string[] {
  const sep = word.indexOf("[-_.]?");
  if (sep >= 0) {
    const rest = spellings(word.slice(sep + 6));
    return ["", "-", "_", "."].flatMap((s) => rest.map((r) => `${word.slice(0, sep)}${s}${r}`));
  }
  const alt = /\(\?:([a-z|]+)\)/.exec(word);
  if (alt) return (alt[1] ?? "").split("|").map((a) => word.replace(alt[0], a));
  return [word];
}

/** A regex source matching any of the words, as a trie that tries longer words first (`password` before `pass`). */
function longestTrie(words: readonly string[]): string {
  interface Node {
    end: boolean;
    next: Map<string, Node>;
  }
  const root: Node = { end: false, next: new Map() };
  for (const w of words) {
    let n = root;
    for (const ch of w) {
      let child = n.next.get(ch);
      if (!child) {
        child = { end: false, next: new Map() };
        n.next.set(ch, child);
      }
      n = child;
    }
    n.end = true;
  }
  const emit = (n: Node): string => {
    const parts = [...n.next].map(([ch, child]) => ch.replace(/[.-]/g, "\\$&") + emit(child));
    if (parts.length === 0) return "";
    if (n.end) return `(?:${parts.join("|")}|)`;
    return parts.length === 1 ? (parts[0] ?? "") : `(?:${parts.join("|")})`;
  };
  return emit(root);
}

/** Finds secret words anywhere (case-insensitively); {@link isSecretName} checks where each one stands. */
export const SECRET_WORD = new RegExp(
  longestTrie([...STRONG_WORDS, ...SUFFIX_WORDS, ...SEGMENT_WORDS].flatMap(spellings)),
  "gi",
);

/** Words ending in `pass` that are not secrets, and nginx's `proxy_pass`-style directives (an upstream address). */
const NOT_PASS = /(?:by|com|sur|over|under|tres|im|(?:proxy|fastcgi|uwsgi|scgi|grpc|memcached)_)$/i;
/** Segments after the last secret word that make the value a pointer or a setting about the secret. */
const POINTERS = new Set(
  (
    "file files path paths dir directory name names ref location mount type length len min max policy ttl expiry " +
    "expires expiration lifetime duration timeout interval header url uri endpoint enabled enable disabled disable " +
    "required mode provider method algorithm alg format count size limit stdin authentication source db database " +
    "user username login prompt command cmd helper manager store backend plugin regex pattern arn kind env id_file " +
    "selector namespace label scope scopes audience audiences issuer version"
  ).split(" "),
);
/** The segments of a name's tail: `_FILE_PATH`, `File`, `-file2`. */
const SEGMENT = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g;

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}
function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** Flags of a trie node that ends a secret word: it ends one; the word is a {@link SEGMENT_WORDS} one; it is `pass`. */
const WORD_END = 1;
const WORD_SEGMENT = 2;
const WORD_PASS = 4;
/** Trie rows are indexed by character class: `a`–`z` (either case, as SECRET_WORD's `i` flag) 0–25, `-` `_` `.` 26–28. */
const TRIE_WIDTH = 32;
function trieClass(c: number): number {
  const l = c | 0x20;
  if (l >= 97 && l <= 122) return l - 97;
  return c === 45 ? 26 : c === 95 ? 27 : c === 46 ? 28 : -1;
}

/**
 * The secret words' spellings as a trie: `next[node * TRIE_WIDTH + class]` is the child or -1, `flags[node]` the
 * WORD_* bits. It finds what SECRET_WORD finds (the longest word at the leftmost position), with no match object.
 */
const SECRET_TRIE = (() => {
  const next: number[] = new Array<number>(TRIE_WIDTH).fill(-1);
  const flags: number[] = [0];
  for (const word of [...STRONG_WORDS, ...SUFFIX_WORDS, ...SEGMENT_WORDS].flatMap(spellings)) {
    let node = 0;
    for (let i = 0; i < word.length; i++) {
      const k = trieClass(word.charCodeAt(i));
      if (k < 0) throw new Error(`secret word ${word} has a character the trie does not hold`);
      if ((next[node * TRIE_WIDTH + k] ?? -1) < 0) {
        next[node * TRIE_WIDTH + k] = flags.length;
        flags.push(0);
        for (let j = 0; j < TRIE_WIDTH; j++) next.push(-1);
      }
      node = next[node * TRIE_WIDTH + k] ?? 0;
    }
    flags[node] =
      (flags[node] ?? 0) | WORD_END | (SEGMENT_SET.has(word) ? WORD_SEGMENT : 0) | (word === "pass" ? WORD_PASS : 0);
  }
  return { next: Int16Array.from(next), flags: Uint8Array.from(flags) };
})();

/** The end of the longest secret word starting at `start` of `name`, times 8, plus its WORD_* flags; -1 for none. */
function secretWordAt(name: string, start: number): number {
  let node = 0;
  let found = -1;
  for (let i = start; i < name.length; i++) {
    const k = trieClass(name.charCodeAt(i));
    if (k < 0) break;
    node = SECRET_TRIE.next[node * TRIE_WIDTH + k] ?? -1;
    if (node < 0) break;
    const f = SECRET_TRIE.flags[node] ?? 0;
    if (f !== 0) found = (i + 1) * 8 + f;
  }
  return found;
}

/**
 * Where a word found at `[start, end)` of `name` (with its WORD_* `flags`) ends, after a plural `s`, or -1 when it
 * is not a word there.
 */
function wordEnd(name: string, flags: number, start: number, end: number): number {
  const before = start > 0 ? name.charCodeAt(start - 1) : 0;
  if (before !== 0 && end - start <= 4) {
    // A short word must start its segment (`db_auth`, `proxyAuth`; not `oauth`), `pass` may end one (`DBPASS`).
    const segment = (flags & WORD_SEGMENT) !== 0;
    if (isLetter(before) && segment && !(isLower(before) && isUpper(name.charCodeAt(start)))) return -1;
    if ((flags & WORD_PASS) !== 0 && NOT_PASS.test(name.slice(0, start))) return -1;
  }
  let stop = end;
  const last = name.charCodeAt(end - 1);
  let next = name.charCodeAt(stop);
  if ((next | 0x20) === 0x73 /* s */ && !isLetter(name.charCodeAt(stop + 1))) {
    stop++;
    next = name.charCodeAt(stop);
  }
  // The word ends a segment: the name ends, a non-letter follows, or camelCase starts a new word.
  if (stop < name.length && isLetter(next) && !(isLower(last) && isUpper(next))) return -1;
  return stop;
}

/** True when a key or flag name (dashes stripped) names a secret (see the policy above). */
export function isSecretName(raw: string): boolean {
  return secretName(NON_ASCII.test(raw) ? fold(raw).text : raw);
}

/** {@link isSecretName} for a name already folded (see fold.ts). */
export function secretName(name: string): boolean {
  if (name.length < 2 || name.length > 200) return false;
  // The shell's working directories, not passwords.
  if (name === "PWD" || name === "OLDPWD") return false;
  let tail = -1;
  // SECRET_WORD's global search: the longest word at the leftmost position, the next search from its end, or from
  // the position after its start when it does not stand as a word there.
  let from = 0;
  while (from < name.length) {
    let found = -1;
    let start = from - 1;
    while (found < 0 && ++start < name.length) found = secretWordAt(name, start);
    if (found < 0) break;
    const matchEnd = found >> 3;
    const end = wordEnd(name, found & 7, start, matchEnd);
    if (end >= 0) {
      tail = end;
      from = matchEnd;
    } else from = start + 1;
  }
  if (tail < 0) return false;
  if (tail === name.length) return true;
  const rest = name.slice(tail);
  SEGMENT.lastIndex = 0;
  for (let m = SEGMENT.exec(rest); m !== null; m = SEGMENT.exec(rest)) {
    if (POINTERS.has(m[0].toLowerCase())) return false;
  }
  return true;
}

/** A text rule: group 1 is kept, group 2 is the secret and becomes {@link MASK}. */
export interface TextRule {
  name: string;
  /** Lowercase literals of which every match contains one: the rule is skipped when the text has none. */
  needles: readonly string[];
  re: RegExp;
}

/** Token shapes recognised by their prefix, and other secrets recognised by their own shape. */
export const TEXT_RULES: readonly TextRule[] = [
  {
    name: "url-userinfo",
    needles: ["://"],
    // The password stops at a path, query or fragment: `http://host:8080/?mail=a@b` holds none.
    re: /(:\/\/[^\s/:@?#]{0,256}:)([^\s/?#]{1,512})(?=@)/g,
  },
  {
    // Go's MySQL driver: `user:password@tcp(host:3306)/db`, `user:pw@unix(/run/mysqld.sock)/db`, `user:pw@/db`.
    name: "go-dsn",
    needles: ["@tcp(", "@unix(", "@udp(", "@/"],
    re: /((?:^|[\s"'=])[^\s"'=:@/]{1,256}:)([^\s"'@]{1,512})(?=@(?:[a-z]+\([^)\s]*\))?\/)/g,
  },
  {
    // Oracle's `user/password@db` (sqlplus, JDBC thin URLs).
    name: "oracle-user-password",
    needles: ["thin:"],
    re: /(thin:[^\s/@:]{1,128}\/)([^\s@]{1,256})(?=@)/g,
  },
  {
    name: "authorization-header",
    needles: ["authorization"],
    re: /((?:^|[^A-Za-z0-9])(?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?(?:(?:bearer|basic|token|digest|negotiate|apikey|bot|aws4-hmac-sha256|sharedkey)[ \t]+)?)([^\s"']+(?:[ \t]+[A-Za-z]+=[^\s"']+)*)/gi,
  },
  { name: "cookie-header", needles: ["cookie"], re: /((?:^|[^A-Za-z0-9-])(?:set-)?cookie[ \t]*:[ \t]*)([^\r\n]+)/gi },
  { name: "bearer", needles: ["bearer", "basic"], re: /(\b(?:bearer|basic)[ \t]+)([A-Za-z0-9._~+/-]{8,}=*)/gi },
  {
    name: "aws-access-key-id",
    needles: ["akia", "asia", "abia", "acca", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "apka", "a3t"],
    re: /\b(AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|A3T[A-Z0-9])([A-Z0-9]{16})\b/g,
  },
  {
    // A secret access key written right after its key id (`AKIA… wJalr…`, `id:secret`, CSV exports).
    name: "aws-secret-after-key-id",
    needles: ["akia", "asia"],
    re: /(\b(?:AKIA|ASIA)[A-Z0-9]{16}["']?[\s,:;|="']{1,8})([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/g,
  },
  {
    name: "github",
    needles: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    re: /\b(gh[pousr]_|github_pat_)([A-Za-z0-9_]{20,})/g,
  },
  {
    name: "gitlab",
    needles: ["glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glimt-", "glft-", "glsoat-", "glagent-", "gloas-"],
    re: /\b(gl(?:pat|dt|rt|ptt|cbt|imt|ft|soat|agent|oas)-)([A-Za-z0-9_-]{20,})/g,
  },
  { name: "slack", needles: ["xox", "xapp-"], re: /\b(xox[abposre]-|xoxe\.xox[bp]-|xapp-)([A-Za-z0-9-]{8,})/g },
  {
    name: "slack-webhook",
    needles: ["hooks.slack.com"],
    re: /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)(\S+)/g,
  },
  { name: "jwt", needles: ["eyj"], re: /\b(eyJ)([A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*)?)/g },
  { name: "google-api-key", needles: ["aiza"], re: /\b(AIza)([0-9A-Za-z_-]{30,})/g },
  { name: "google-oauth", needles: ["ya29."], re: /\b(ya29\.)([0-9A-Za-z_-]{20,})/g },
  { name: "google-refresh", needles: ["1//0"], re: /(?<![\w/])(1\/\/0)([0-9A-Za-z_-]{30,})/g },
  {
    name: "stripe",
    needles: ["_live_", "_test_", "whsec_"],
    re: /\b((?:sk|rk)_(?:live|test)_|whsec_)([0-9A-Za-z]{10,})/g,
  },
  { name: "openai", needles: ["sk-"], re: /\b(sk-(?:proj-|ant-(?:api\d\d-)?)?)([A-Za-z0-9_-]{20,})/g },
  { name: "npm", needles: ["npm_"], re: /\b(npm_)([A-Za-z0-9]{36})/g },
  { name: "pypi", needles: ["pypi-"], re: /\b(pypi-)(AgE[A-Za-z0-9_-]{50,})/g },
  { name: "huggingface", needles: ["hf_"], re: /\b(hf_)([A-Za-z0-9]{30,})/g },
  { name: "sendgrid", needles: ["sg."], re: /\b(SG\.)([A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,})/g },
  { name: "twilio", needles: [..."0123456789abcdef"].map((c) => `sk${c}`), re: /\b(SK)([0-9a-f]{32})\b/g },
  { name: "vault", needles: ["hvs.", "hvb.", "hvr."], re: /\b(hv[sbr]\.)([A-Za-z0-9_-]{20,})/g },
  {
    name: "vendor-prefixed",
    needles: ["dckr_pat_", "dop_v1_", "doo_v1_", "dor_v1_", "shpat_", "shpss_", "glsa_", "glc_", "sntrys_", "lin_api_"],
    re: /\b(dckr_pat_|do[opr]_v1_|shpat_|shpss_|glsa_|glc_|sntrys_|lin_api_)([A-Za-z0-9_=-]{16,})/g,
  },
  { name: "databricks", needles: ["dapi"], re: /\b(dapi)([0-9a-f]{32})\b/g },
  { name: "postman", needles: ["pmak-"], re: /\b(PMAK-)([0-9a-f]{24}-[0-9a-f]{34})\b/g },
  { name: "age", needles: ["age-secret-key-"], re: /\b(AGE-SECRET-KEY-1)([0-9A-Z]{50,})/g },
];

/**
 * The gate of every rule: which of them a string may interest, in one pass (see triggers.ts). Every secret name
 * holds a secret word's spelling; every token rule's match holds one of its needles.
 */
export const TRIGGERS = compileTriggers([
  { bit: HIT_WORD, words: [...STRONG_WORDS, ...SUFFIX_WORDS, ...SEGMENT_WORDS].flatMap(spellings) },
  // USER_FLAG and USER_NAME of command-line.ts (`-u`, `--user=`, `user=`, `-U`), the `Basic` scheme
  { bit: HIT_FLAG, words: ["-u", "user=", "basic"] },
  { bit: HIT_PEM, words: ["-----begin"] },
  { bit: HIT_LINE, words: [":$", ":!", ":{"] },
  { bit: HIT_PROGRAM, words: PROGRAM_NAMES },
  ...TEXT_RULES.map((rule, i) => ({ bit: HIT_RULE, rules: 1 << i, words: rule.needles })),
]);
if (TEXT_RULES.length > 31) throw new Error("TEXT_RULES holds more rules than a rule mask has bits");
