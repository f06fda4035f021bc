/**
 * The secret shapes pns hides. Policy: a false positive (a harmless value masked) is acceptable, a leak is not,
 * but common non-secret flags (`--port`, `--author`, `--bypass`, `--password-file`, `--token-path`) stay intact:
 * a key is secret-ish only when its name ENDS with a secret word.
 */

/** What replaces a secret. */
export const MASK = "••••";

/** Secret words matched as the end of any key name (`DB_PASSWORD`, `mytoken`, `aws_secret_access_key`). */
const LONG_WORDS = [
  "password",
  "passwd",
  "passphrase",
  "secret",
  "token",
  "api[-_]?key",
  "access[-_]?key",
  "private[-_]?key",
  "secret[-_]?key",
  "credentials?",
  "account[-_]?key",
  "master[-_]?key",
  "signing[-_]?key",
  "encryption[-_]?key",
  "session[-_]?key",
  "auth[-_]?key",
  "client[-_]?secret",
].join("|");

/** Short secret words that must start the name or follow a separator (`--pass`, `db_pwd`; not `bypass`, `oauth`). */
const SHORT_WORDS = ["pass", "pwd", "pw", "auth", "sas", "sig"].join("|");

/** A key name (without leading dashes) that holds a secret. */
const SECRET_NAME = new RegExp(
  `^(?:[A-Za-z0-9_.-]*(?:${LONG_WORDS})|(?:[A-Za-z0-9_.-]*[-_.])?(?:${SHORT_WORDS}))$`,
  "i",
);
/** camelCase short words: `dbPass`, `proxyAuth`. */
const CAMEL_SECRET_NAME = /[a-z0-9](?:Pass|Pwd|Auth)$/;

/** True when a key or flag name (dashes stripped) names a secret. */
export function isSecretName(name: string): boolean {
  return name.length > 0 && name.length <= 200 && (SECRET_NAME.test(name) || CAMEL_SECRET_NAME.test(name));
}

/** A text rule: group 1 is kept, group 2 is the secret and becomes {@link MASK}. */
export interface TextRule {
  name: string;
  /** Lowercase literals of which every match contains one: the rule is skipped when the text has none. */
  needles: readonly string[];
  re: RegExp;
}

const VALUE = `("[^"\\n]*"?|'[^'\\n]*'?|[^\\s"'&;,<>]+)`;

/** Rules applied to every argument and to free text, in order. */
export const TEXT_RULES: readonly TextRule[] = [
  {
    name: "pem",
    needles: ["-----begin"],
    re: /(-----BEGIN [A-Z0-9 ]{1,40}-----)([\s\S]*?(?:-----END [A-Z0-9 ]{1,40}-----|$))/g,
  },
  {
    name: "url-userinfo",
    needles: ["://"],
    re: /(\b[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s/:@?#]{0,256}:)(\S{1,512})(?=@)/g,
  },
  {
    name: "authorization-header",
    needles: ["authorization"],
    re: /((?:^|[^A-Za-z0-9])(?:proxy-)?authorization["']?[ \t]*[:=][ \t]*["']?(?:(?:bearer|basic|token|digest|negotiate|apikey|bot)[ \t]+)?)([^\s"',;]+)/gi,
  },
  { name: "bearer", needles: ["bearer", "basic"], re: /(\b(?:bearer|basic)[ \t]+)([A-Za-z0-9._~+/-]{8,}=*)/gi },
  {
    name: "key-value",
    needles: ["pass", "pw", "secret", "token", "key", "credential", "auth", "sas", "sig"],
    re: new RegExp(`((?<!/)(?:${LONG_WORDS}|(?<![A-Za-z0-9])(?:${SHORT_WORDS}))["']?[ \\t]*[=:][ \\t]*)${VALUE}`, "gi"),
  },
  {
    name: "camel-key-value",
    needles: ["pass", "pwd", "auth"],
    re: new RegExp(`((?<=[a-z0-9])(?:Pass|Pwd|Auth)["']?[ \\t]*[=:][ \\t]*)${VALUE}`, "g"),
  },
  {
    name: "flag-value",
    needles: ["pass", "pw", "secret", "token", "key", "credential", "auth", "sas", "sig"],
    re: new RegExp(
      `((?:^|\\s)-{1,2}(?:[A-Za-z0-9_.-]{0,60}(?:${LONG_WORDS})|(?:[A-Za-z0-9_.-]{0,60}[-_.])?(?:${SHORT_WORDS}))[ \\t]+)(?!--[A-Za-z])${VALUE}`,
      "gi",
    ),
  },
  {
    name: "mysql-p",
    needles: ["mysql", "mariadb"],
    re: /(\b(?:mysql|mariadb)[A-Za-z_-]{0,20}(?:[ \t]+\S+){0,30}?[ \t]+-p[ \t]*)([^\s-]\S*)/g,
  },
  {
    name: "user-colon-password",
    needles: ["-u", "--user", "--proxy-user"],
    re: /((?:^|\s)(?:-u|-U|--user|--proxy-user)[ \t=]+[^\s:]{1,256}:)(\S+)/g,
  },
  {
    name: "aws-access-key-id",
    needles: ["akia", "asia", "abia", "acca", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "apka", "a3t"],
    re: /\b(AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|A3T[A-Z0-9])([A-Z0-9]{16})\b/g,
  },
  { name: "github", needles: ["gh", "github_pat_"], re: /\b(gh[pousr]_|github_pat_)([A-Za-z0-9_]{20,})/g },
  { name: "gitlab", needles: ["gl"], re: /\b(gl(?:pat|dt|rt|ptt|cbt|imt|ft|soat|agent|oas)-)([A-Za-z0-9_-]{20,})/g },
  { name: "slack", needles: ["xox", "xapp-"], re: /\b(xox[abposr]-|xapp-)([A-Za-z0-9-]{8,})/g },
  {
    name: "slack-webhook",
    needles: ["hooks.slack.com"],
    re: /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)(\S+)/g,
  },
  { name: "jwt", needles: ["eyj"], re: /\b(eyJ)([A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*)?)/g },
  { name: "google-api-key", needles: ["aiza"], re: /\b(AIza)([0-9A-Za-z_-]{30,})/g },
  {
    name: "stripe",
    needles: ["_live_", "_test_", "whsec_"],
    re: /\b((?:sk|rk)_(?:live|test)_|whsec_)([0-9A-Za-z]{10,})/g,
  },
  { name: "openai", needles: ["sk-"], re: /\b(sk-(?:proj-|ant-)?)([A-Za-z0-9_-]{20,})/g },
  { name: "npm", needles: ["npm_"], re: /\b(npm_)([A-Za-z0-9]{36})/g },
  { name: "huggingface", needles: ["hf_"], re: /\b(hf_)([A-Za-z0-9]{30,})/g },
  { name: "sendgrid", needles: ["sg."], re: /\b(SG\.)([A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,})/g },
  { name: "twilio", needles: ["sk"], re: /\b(SK)([0-9a-f]{32})\b/g },
  { name: "vault", needles: ["hvs.", "hvb.", "hvr."], re: /\b(hv[sbr]\.)([A-Za-z0-9_-]{20,})/g },
  {
    name: "docker-pat",
    needles: ["dckr_pat_", "dop_v1_", "shpat_", "shpss_"],
    re: /\b(dckr_pat_|dop_v1_|shpat_|shpss_)([A-Za-z0-9_-]{16,})/g,
  },
];

/** Literals of which every match of some rule contains at least one (case-insensitively). */
const TRIGGERS = [
  ...["pass", "pw", "secret", "token", "key", "credential", "auth", "sas", "sig", "bearer", "basic"],
  ...["://", "-----begin", "mysql", "mariadb", "-u", "--user", "--proxy-user"],
  ...["akia", "asia", "abia", "acca", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "apka", "a3t"],
  ...["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
  ...["glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glimt-", "glft-", "glsoat-", "glagent-", "gloas-"],
  ...["xox", "xapp-", "hooks.slack", "eyj", "aiza", "sk_", "rk_", "whsec_", "sk-", "npm_", "hf_", "sg."],
  ..."0123456789abcdef".split("").map((c) => `sk${c}`),
  ...["hvs.", "hvb.", "hvr.", "dckr_pat_", "dop_v1_", "shpat_", "shpss_"],
];

/** A regex source matching any of the literals, as a trie so the engine branches on one character at a time. */
function trieSource(words: readonly string[]): string {
  interface Node {
    end: boolean;
    next: Map<string, Node>;
  }
  const root: Node = { end: false, next: new Map() };
  for (const w of words) {
    let n = root;
    for (const ch of w.toLowerCase()) {
      let child = n.next.get(ch);
      if (!child) {
        child = { end: false, next: new Map() };
        n.next.set(ch, child);
      }
      n = child;
    }
    n.end = true;
  }
  const escapeChar = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  const emit = (n: Node): string => {
    // A shorter word already matches: anything longer adds nothing to a superset test.
    if (n.end) return "";
    const parts = [...n.next].map(([ch, child]) => escapeChar(ch) + emit(child));
    return parts.length === 1 ? (parts[0] ?? "") : `(?:${parts.join("|")})`;
  };
  return emit(root);
}

/**
 * A cheap superset of every rule: a string it does not match needs no rule run. Built as a trie of
 * {@link TRIGGERS}: a flat alternation of 80 literals costs microseconds per command line, the trie a fraction.
 */
export const PREFILTER = new RegExp(trieSource(TRIGGERS), "i");

/** argv[0] of MySQL and MariaDB clients, whose `-p<password>` is a secret. */
export const MYSQL_CLIENT = /^(?:mysql|mariadb)[A-Za-z_-]{0,20}$/;
