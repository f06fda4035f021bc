/**
 * Secrets in free text and files: `key: value` in its many spellings (env, INI, properties, YAML with block
 * scalars, JSON, XML elements, query strings, headers), PEM private keys, .netrc, .pgpass, shadow and htpasswd
 * hashes, token prefixes, the words of each line as a command line, and long random-looking tokens.
 */
import { BOOLEAN, scanWords, WordMasks } from "./command-line.js";
import { scanRandom } from "./entropy.js";
import { SECRET_WORD, secretName, TEXT_RULES, type TextRule } from "./rules.js";
import type { Spans } from "./spans.js";
import { HIT_FLAG, HIT_LINE, HIT_PEM, HIT_PROGRAM, HIT_RANDOM, HIT_SPACE, HIT_WORD } from "./triggers.js";

/** Characters of a key name. */
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) NAME_CHAR[c] = /[A-Za-z0-9_.-]/.test(String.fromCharCode(c)) ? 1 : 0;
/** Characters that end an unquoted value inside a line (a query string, a command line, a list). */
const VALUE_STOP = new Uint8Array(128);
for (let c = 0; c < 128; c++) VALUE_STOP[c] = /[\s"'&;,<>]/.test(String.fromCharCode(c)) ? 1 : 0;

const WORD_SCAN = new RegExp(SECRET_WORD.source, "gi");
/** An authentication scheme written before the credential (`Authorization: Bearer X`, `token: token X`). */
const SCHEME_WORD = /(?:bearer|basic|token|digest|negotiate|bot|apikey)[ \t]+(?=\S)/iy;
/** What may precede a key at the start of its line for the value to run to the end of the line. */
const LINE_PREFIX = /^[ \t]*(?:(?:export|set|setenv|declare(?:[ \t]+-x)?)[ \t]+|-[ \t]+)?$/;
/** A YAML block scalar indicator alone on the rest of the line: `|`, `>-`, `|2+`. */
const BLOCK_INDICATOR = /[|>][-+0-9]{0,2}[ \t]*(?:#.*)?(?=\r?$)/my;
/** A YAML block scalar indicator as a word of its own. */
export const BLOCK_WORD = /^[|>][-+0-9]{0,2}$/;
/** A YAML mapping key starting a line: its value is scanned on its own. */
const YAML_KEY = /^[ \t]*(?:-[ \t]+)?["']?[A-Za-z0-9_.-]+["']?[ \t]*:(?:[ \t]|$)/;
/** Hadoop-style configuration: `<name>fs.s3a.secret.key</name><value>…</value>`. */
const NAME_VALUE_XML = /<\/(?:name|key)>\s*<value>([^<]*)/y;

/** True when only indentation or `export `-like words stand between the line's start and `i` (looked at up to 32 back). */
function startsLine(t: string, i: number): boolean {
  let ls = i;
  while (ls > 0 && i - ls < 32 && t.charCodeAt(ls - 1) !== 10) ls--;
  if (ls > 0 && t.charCodeAt(ls - 1) !== 10) return false;
  return LINE_PREFIX.test(t.slice(ls, i));
}

function lineStart(t: string, i: number): number {
  return t.lastIndexOf("\n", i - 1) + 1;
}
function lineEnd(t: string, i: number): number {
  const nl = t.indexOf("\n", i);
  const end = nl < 0 ? t.length : nl;
  return end > i && t.charCodeAt(end - 1) === 13 ? end - 1 : end;
}
function isSpace(c: number): boolean {
  return c === 32 || c === 9;
}

/** Masks the indented lines under a YAML key whose value is a block scalar or starts on the next line. */
function blockValue(t: string, keyStart: number, from: number, scalar: boolean, spans: Spans): void {
  const start = lineStart(t, keyStart);
  let keyIndent = 0;
  while (isSpace(t.charCodeAt(start + keyIndent))) keyIndent++;
  let i = t.indexOf("\n", from);
  while (i >= 0 && i + 1 < t.length) {
    const ls = i + 1;
    const le = lineEnd(t, ls);
    let indent = 0;
    while (ls + indent < le && isSpace(t.charCodeAt(ls + indent))) indent++;
    if (ls + indent < le) {
      if (indent <= keyIndent) return;
      const line = t.slice(ls, le);
      if (scalar || !YAML_KEY.test(line)) {
        const item = !scalar && t.charCodeAt(ls + indent) === 45 && isSpace(t.charCodeAt(ls + indent + 1));
        spans.add(ls + indent + (item ? 2 : 0), le);
      }
    }
    i = t.indexOf("\n", ls);
  }
}

/** Masks the value written after the secret key `[ns, ne)`, if one is; where scanning for keys goes on. */
function valueAfterKey(t: string, ns: number, ne: number, multiLine: boolean, spans: Spans): number {
  const n = t.length;
  const before = ns > 0 ? t.charCodeAt(ns - 1) : 0;
  let p = ne;
  // <password>value</password>
  if (before === 60 /* < */ && t.charCodeAt(p) === 62 /* > */) {
    const close = t.indexOf("<", p + 1);
    let s = p + 1;
    let e = close < 0 ? lineEnd(t, s) : close;
    while (s < e && /\s/.test(t.charAt(s))) s++;
    while (e > s && /\s/.test(t.charAt(e - 1))) e--;
    spans.add(s, e);
    return e;
  }
  if (before === 62 /* > */) {
    NAME_VALUE_XML.lastIndex = p;
    const m = NAME_VALUE_XML.exec(t);
    if (m) {
      const v = m[1] ?? "";
      const end = NAME_VALUE_XML.lastIndex;
      spans.add(end - v.length, end);
      return end;
    }
  }
  const quoted = (before === 34 || before === 39) && t.charCodeAt(p) === before;
  if (quoted) p++;
  while (isSpace(t.charCodeAt(p))) p++;
  const sep = t.charCodeAt(p);
  // `=`, `:`, or the comma of a call with the key quoted: PHP's define('DB_PASSWORD', '…')
  if (sep !== 61 /* = */ && sep !== 58 /* : */ && !(quoted && sep === 44)) return ne;
  p++;
  const after = t.charCodeAt(p);
  if (sep === 58 && after === 58) return ne; // Rust, C++ paths: `Password::new`
  if (after === 61 || (sep === 61 && after === 62)) p++; // `:=`, `==`, `=>`
  const spaced = isSpace(t.charCodeAt(p));
  while (isSpace(t.charCodeAt(p))) p++;
  const c = t.charCodeAt(p);
  if (p >= n || c === 10 || c === 13) {
    blockValue(t, ns, p, false, spans);
    return p;
  }
  if (c === 34 || c === 39) {
    let j = p + 1;
    while (j < n) {
      const d = t.charCodeAt(j);
      if (d === c || d === 10) break;
      j += d === 92 /* \ */ && c === 34 ? 2 : 1;
    }
    spans.add(p + 1, Math.min(j, n));
    return Math.min(j, n);
  }
  // A nested object or list: its own keys are scanned on their own.
  if (c === 123 || c === 91) return p;
  if (c === 124 || c === 62) {
    BLOCK_INDICATOR.lastIndex = p;
    if (BLOCK_INDICATOR.test(t)) {
      blockValue(t, ns, p, true, spans);
      return p;
    }
  }
  SCHEME_WORD.lastIndex = p;
  if (SCHEME_WORD.test(t)) p = SCHEME_WORD.lastIndex;
  if (before !== 34 && before !== 39 && (spaced || multiLine) && startsLine(t, ns)) {
    let e = lineEnd(t, p);
    while (e > p && isSpace(t.charCodeAt(e - 1))) e--;
    if (!BOOLEAN.test(t.slice(p, e))) spans.add(p, e);
    return e;
  }
  let e = p;
  while (e < n) {
    const d = t.charCodeAt(e);
    if (d < 128 && VALUE_STOP[d] === 1) break;
    e++;
  }
  if (!BOOLEAN.test(t.slice(p, e))) spans.add(p, e);
  return e;
}

/** Every `key<sep>value` whose key names a secret. */
function keyValues(t: string, spans: Spans): void {
  const n = t.length;
  const multiLine = t.includes("\n");
  WORD_SCAN.lastIndex = 0;
  for (let m = WORD_SCAN.exec(t); m !== null; m = WORD_SCAN.exec(t)) {
    let ns = m.index;
    let ne = m.index + m[0].length;
    while (ns > 0 && (NAME_CHAR[t.charCodeAt(ns - 1)] ?? 0) === 1) ns--;
    while (ne < n && (NAME_CHAR[t.charCodeAt(ne)] ?? 0) === 1) ne++;
    WORD_SCAN.lastIndex = ne;
    if (ns > 0 && t.charCodeAt(ns - 1) === 47) continue; // a path: /etc/passwd
    let name = ns;
    while (name < ne && t.charCodeAt(name) === 45) name++;
    // Keys inside a masked value need no look: scanning goes on after it, which keeps the scan linear.
    if (secretName(t.slice(name, ne))) WORD_SCAN.lastIndex = Math.max(ne, valueAfterKey(t, ns, ne, multiLine, spans));
  }
}

/** PEM labels of public material, shown as they are. */
const PUBLIC_PEM =
  /^(?:(?:TRUSTED |X509 )?CERTIFICATE|(?:RSA |DSA |EC |SSH2 )?PUBLIC KEY|(?:NEW )?CERTIFICATE REQUEST|X509 CRL|PKCS7|CMS|(?:X9\.42 )?DH PARAMETERS|EC PARAMETERS|PGP PUBLIC KEY BLOCK|PGP SIGNATURE|ATTRIBUTE CERTIFICATE)$/;
const PEM = /-----BEGIN ([A-Z0-9 .]{1,40})-----([\s\S]*?)(?:-----END [A-Z0-9 .]{1,40}-----|$)/g;

/** Private key blocks are masked (to the end of the text when cut short); certificates and public keys kept. */
function pemBlocks(t: string, spans: Spans): void {
  PEM.lastIndex = 0;
  for (let m = PEM.exec(t); m !== null; m = PEM.exec(t)) {
    const body = m[2] ?? "";
    const bodyStart = m.index + 16 + (m[1] ?? "").length;
    if (PUBLIC_PEM.test(m[1] ?? "")) spans.keep(m.index, m.index + m[0].length);
    else spans.add(bodyStart, bodyStart + body.length);
    if (m[0].length === 0) PEM.lastIndex++;
  }
}

/** .netrc: `machine HOST [login USER] password SECRET`, over one line or several. */
const NETRC =
  /((?:^|\s)(?:machine\s+\S+|default)(?:\s+(?:login|account|port|protocol|macdef)\s+\S+)*\s+password\s+)(\S+)/g;
/** .pgpass: `hostname:port:database:username:password`, `\:` escaping a colon. */
const PGPASS = /^((?:[^:\n\\]|\\.)+:(?:\d{1,5}|\*):(?:[^:\n\\]|\\.)*:(?:[^:\n\\]|\\.)*:)((?:[^:\n\\]|\\.)+?)\r?$/gm;
/** shadow(5) and htpasswd: `user:$6$salt$hash:…`, `user:!$y$…`, `user:{SHA}…`, `user:<13-char DES>`. */
const PASSWORD_HASH =
  /^([A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}\$?:)(!{0,2}(?:(?:\$[0-9A-Za-z]{1,10}\$[^:\s]+|\{[A-Z0-9-]{2,20}\}[^:\s]+)(?=:|\r?$)|[./0-9A-Za-z]{13}(?=:\d*:|\r?$)))/gm;

/** Masks group 2 of each match of `re`. */
function maskGroup2(re: RegExp, t: string, spans: Spans): void {
  re.lastIndex = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    const secret = m[2] ?? "";
    const end = m.index + m[0].length;
    // group 2 ends the match for every rule here
    spans.add(end - secret.length, end);
    if (m[0].length === 0) re.lastIndex++;
  }
}

/** Masks the first group after the kept prefix for rules whose secret is followed by a lookahead only. */
function applyTextRule(re: RegExp, t: string, spans: Spans): void {
  re.lastIndex = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    const start = m.index + (m[1] ?? "").length;
    spans.add(start, start + (m[2] ?? "").length);
    if (m[0].length === 0) re.lastIndex++;
  }
}

/** The characters of a regex's `\s` outside ASCII (the words of a line are cut where `\s` cuts them). */
const WIDE_SPACES = new Set<number>();
for (let c = 0x80; c <= 0xffff; c++) if (/\s/.test(String.fromCharCode(c))) WIDE_SPACES.add(c);
/** `\s` of a regex, for one UTF-16 code unit. */
function isRegexSpace(c: number): boolean {
  return c < 128 ? c === 32 || (c >= 9 && c <= 13) : WIDE_SPACES.has(c);
}

// commandWords() calls nothing that calls it back: its word list and masks are kept from line to line.
const lineWords: string[] = [];
const lineStarts: number[] = [];
const lineMasks = new WordMasks();

/**
 * The words of `t[ls, le)` into lineWords and their offsets into lineStarts, as the regex
 * `(?:[^\s"']+|"[^"\n]*"?|'[^'\n]*'?)+` finds them: quotes keep a quoted value in one word; a quote left open runs
 * to the end of the line.
 */
function splitWords(t: string, ls: number, le: number): void {
  let count = 0;
  let p = ls;
  while (p < le) {
    if (isRegexSpace(t.charCodeAt(p))) {
      p++;
      continue;
    }
    const start = p;
    while (p < le) {
      const c = t.charCodeAt(p);
      if (c === 34 || c === 39) {
        p++;
        while (p < le && t.charCodeAt(p) !== c && t.charCodeAt(p) !== 10) p++;
        if (p < le && t.charCodeAt(p) === c) p++;
      } else if (isRegexSpace(c)) break;
      else p++;
    }
    lineWords[count] = t.slice(start, p);
    lineStarts[count] = start;
    count++;
  }
  lineWords.length = count;
  lineStarts.length = count;
}

/** True when `t[ls, le)` holds a `\s` character. */
function hasSpace(t: string, ls: number, le: number): boolean {
  for (let p = ls; p < le; p++) if (isRegexSpace(t.charCodeAt(p))) return true;
  return false;
}

/** Each line of `t` with several words, scanned as a command line (scanWords), and `key value` directives. */
function commandWords(t: string, spans: Spans): void {
  let ls = 0;
  while (ls < t.length) {
    const nl = t.indexOf("\n", ls);
    const le = nl < 0 ? t.length : nl;
    if (hasSpace(t, ls, le)) {
      splitWords(t, ls, le);
      const words = lineWords;
      const starts = lineStarts;
      lineMasks.clear();
      scanWords(words, lineMasks.mask);
      for (let k = 0; k < lineMasks.count; k++) {
        const at = starts[lineMasks.word(k)] ?? 0;
        spans.add(at + lineMasks.from(k), at + lineMasks.to(k));
      }
      // A configuration directive: `requirepass SECRET` (redis.conf), `ENV NPM_TOKEN x` is handled by scanWords.
      const first = words[0] ?? "";
      const value = words[1] ?? "";
      if (
        (words.length === 2 || (words[2] ?? "").startsWith("#")) &&
        !BLOCK_WORD.test(value) &&
        !BOOLEAN.test(value) &&
        /^[A-Za-z]/.test(first) &&
        !first.includes("=") &&
        secretName(first.replace(/:$/, ""))
      ) {
        spans.add(starts[1] ?? 0, (starts[1] ?? 0) + value.length);
      }
      // The words are the text's own: not kept once the line is scanned.
      lineWords.fill("");
    }
    ls = le + 1;
  }
}

/** A .pgpass line (a port as second field) or a DES hash after a user name: line formats without a trigger. */
const FORMAT_GATE = /^[^:\s]+:(?:(?:\d{1,5}|\*):|[./0-9A-Za-z]{13}(?::|\r?$))/m;
const NETRC_START = /machine|default/;
/** What the command-line logic of scanWords reacts to. */
const COMMAND_HITS = HIT_WORD | HIT_FLAG | HIT_PROGRAM;

/**
 * Collects every secret of the (folded) text `t` into `spans`, given its full trigger scan: `hits` and the token
 * `rules` it holds needles of. `lines` also looks for the line formats that have no trigger (.pgpass, DES hashes).
 */
export function scanText(t: string, spans: Spans, hits: number, rules: number, lines: boolean): void {
  if ((hits & HIT_PEM) !== 0) pemBlocks(t, spans);
  for (let i = 0; rules !== 0 && i < TEXT_RULES.length; i++) {
    if ((rules & (1 << i)) !== 0) applyTextRule((TEXT_RULES[i] as TextRule).re, t, spans);
  }
  if ((hits & HIT_WORD) !== 0) {
    keyValues(t, spans);
    if (NETRC_START.test(t)) maskGroup2(NETRC, t, spans);
  }
  if ((hits & HIT_LINE) !== 0 || (lines && FORMAT_GATE.test(t))) {
    maskGroup2(PGPASS, t, spans);
    maskGroup2(PASSWORD_HASH, t, spans);
  }
  if ((hits & HIT_SPACE) !== 0 && (hits & COMMAND_HITS) !== 0) commandWords(t, spans);
  if ((hits & HIT_RANDOM) !== 0) {
    scanRandom(t, (start, end) => {
      if (!spans.isKept(start)) spans.add(start, end);
      return false;
    });
  }
}
