/**
 * Per-program flags whose value is a secret though their name does not say so (`redis-cli -a`, `sshpass -p`,
 * `sqlcmd -P`), keyed by the program's basename. Each entry cites the program's own usage text.
 */

/** How one program takes its secrets. */
export interface ProgramRule {
  /** Flags whose next argument is the secret. */
  next?: readonly string[];
  /** Short flags whose attached rest is the secret (`-pSECRET`). */
  attached?: readonly string[];
  /** Flags taking `user<sep>password` (next, attached or after `=`) and their separator: what follows it is secret. */
  user?: readonly (readonly [flag: string, separator: string])[];
  /** {@link next}, {@link attached} and {@link positional} count only after this subcommand (docker's `-p` publishes a port elsewhere). */
  after?: string;
  /** The first positional argument after {@link after} is the secret (`vault login TOKEN`). */
  positional?: boolean;
  /** Bare words (lower case) after which the n-th argument is the secret, or every following one for 0. */
  words?: Readonly<Record<string, number>>;
  /** Positional `user/password@db` (Oracle tools). */
  userSlashPassword?: boolean;
  /** Batch mode (`-b` in a short-flag cluster) makes the last argument the password (htpasswd). */
  batchLast?: boolean;
}

// mysql(1) and mariadb(1): "--password[=password], -p[password]"; the value must be attached, a separate word is
// a database name, but it is masked too since people write it that way by mistake.
const MYSQL: ProgramRule = { attached: ["-p"], next: ["-p"] };
// mongosh --help: "-p, --password [arg]"; the legacy mongo shell and the database tools take the same.
const MONGO: ProgramRule = { attached: ["-p"], next: ["-p"] };
// redis-cli --help: "-a <password>", "--pass <password>"; redis.conf directives work as redis-server flags
// (`--requirepass`, `--masterauth`) and as CONFIG SET arguments; AUTH [username] password.
const REDIS: ProgramRule = {
  next: ["-a", "--pass", "--requirepass", "--masterauth"],
  words: { auth: 0, requirepass: 1, masterauth: 1 },
};
// docker login --help: "-p, --password string"; podman, nerdctl, buildah, skopeo, helm registry and oras alike;
// skopeo and buildah also take "--creds username[:password]".
const REGISTRY_LOGIN: ProgramRule = { after: "login", next: ["-p"], user: [["--creds", ":"]] };
// sqlcmd -?: "-P password"; bcp and osql take the same.
const SQLCMD: ProgramRule = { next: ["-P"], attached: ["-P"] };
// ldapsearch(1): "-w passwd"; ldappasswd(1) also "-a oldPasswd" and "-s newPasswd".
const LDAP: ProgramRule = { next: ["-w"], attached: ["-w"] };
const LDAPPASSWD: ProgramRule = { next: ["-w", "-a", "-s"], attached: ["-w"] };
// mosquitto_pub(1): "-P password".
const MOSQUITTO: ProgramRule = { next: ["-P"] };
// smbclient(1): "-U|--user=[DOMAIN\]USERNAME[%PASSWORD]".
const SMB: ProgramRule = {
  user: [
    ["-U", "%"],
    ["--user", "%"],
  ],
};
// sqlplus: "sqlplus username/password@connect_identifier"; rman, expdp, impdp, sqlldr and dgmgrl alike.
const ORACLE: ProgramRule = { userSlashPassword: true };

const RULES = new Map<string, ProgramRule>(
  Object.entries<ProgramRule>({
    sshpass: { attached: ["-p"], next: ["-p"] }, // sshpass(1): "-p password"
    vault: { after: "login", positional: true }, // vault login [options] [TOKEN]
    htpasswd: { batchLast: true }, // htpasswd(1): "htpasswd -b[c…] passwdfile username password"
    mosquitto_passwd: { batchLast: true }, // mosquitto_passwd(1): "-b passwordfile username password"
    cqlsh: { next: ["-p"] }, // cqlsh --help: "-p PASSWORD, --password=PASSWORD"
    zip: { next: ["-P"] }, // zip(1): "-P password"
    unzip: { next: ["-P"] },
    zipcloak: { next: ["-P"] },
    "7z": { attached: ["-p"] }, // 7-Zip: "-p{Password}"
    "7za": { attached: ["-p"] },
    "7zr": { attached: ["-p"] },
    rar: { attached: ["-p"] }, // rar: "-p[password]"
    unrar: { attached: ["-p"] },
    openssl: { next: ["-k"] }, // openssl-enc(1): "-k password"
    rabbitmqadmin: { next: ["-p"] }, // rabbitmqadmin --help: "-p PASSWORD, --password=PASSWORD"
    rabbitmqctl: { words: { add_user: 2, change_password: 2, authenticate_user: 2 } }, // rabbitmqctl add_user <user> <pw>
    curl: {
      next: ["-b"],
      user: [
        ["-E", ":"],
        ["--cert", ":"],
      ],
    }, // curl(1): "-b <data|filename>", "-E <certificate[:password]>"
    http: { user: [["-a", ":"]] }, // HTTPie: "-a USER[:PASS]"
    https: { user: [["-a", ":"]] },
    influx: { next: ["-t"] }, // influx CLI v2: "-t, --token"
    lftp: { user: [["-u", ","]] }, // lftp(1): "-u user[,pass]"
    ldappasswd: LDAPPASSWD,
    sqlcmd: SQLCMD,
    bcp: SQLCMD,
    osql: SQLCMD,
    smbclient: SMB,
    rpcclient: SMB,
    smbget: SMB,
    smbcacls: SMB,
    sqlplus: ORACLE,
    rman: ORACLE,
    expdp: ORACLE,
    impdp: ORACLE,
    sqlldr: ORACLE,
    dgmgrl: ORACLE,
    xtrabackup: MYSQL,
    mariabackup: MYSQL,
  }),
);
for (const name of ["docker", "podman", "nerdctl", "buildah", "skopeo", "helm", "oras", "crane", "regctl", "finch"]) {
  RULES.set(name, REGISTRY_LOGIN);
}
for (const name of ["ldapsearch", "ldapadd", "ldapmodify", "ldapdelete", "ldapmodrdn", "ldapcompare", "ldapwhoami"]) {
  RULES.set(name, LDAP);
}
for (const name of ["mosquitto_pub", "mosquitto_sub", "mosquitto_rr"]) RULES.set(name, MOSQUITTO);

/** Families recognised by the start of the name: `mysqldump`, `mariadb-admin`, `mongosh`, `redis-sentinel`. */
const FAMILIES: readonly [RegExp, ProgramRule][] = [
  [/^(?:mysql|mariadb)[a-z_-]{0,20}$/, MYSQL],
  [/^mongo[a-z]{0,12}$/, MONGO],
  [/^(?:redis|keydb|valkey)-[a-z-]{2,20}$/, REDIS],
];

/** Literals of which every program name above contains one (for the prefilter). */
export const PROGRAM_NAMES: readonly string[] = [
  ...RULES.keys(),
  ...["mysql", "mariadb", "mongo", "redis", "keydb", "valkey"],
];

/** A word that may name a program: a path or a name, with none of the characters of a value or shell syntax. */
const PROGRAM_START = /^[A-Za-z0-9_./-][^\s:;=&|<>()'"$`]*$/;

/** The rule for a word naming a program (a path or a basename), or undefined. */
export function programRule(word: string): ProgramRule | undefined {
  if (word.length === 0 || word.length > 256) return undefined;
  const rule = ruleOfBase(word);
  // The shape of the whole word is tested last: most words name no program, and then it need not be.
  return rule !== undefined && PROGRAM_START.test(word) ? rule : undefined;
}

/** The rule for the basename of `word`, whatever the rest of the word holds. */
function ruleOfBase(word: string): ProgramRule | undefined {
  const slash = word.lastIndexOf("/");
  const base = slash < 0 ? word : word.slice(slash + 1);
  if (base.length === 0 || base.length > 40) return undefined;
  const hit = RULES.get(base);
  if (hit !== undefined) return hit;
  const c = base.charCodeAt(0);
  // m, r, k, v: the only first letters of the families
  if (c !== 109 && c !== 114 && c !== 107 && c !== 118) return undefined;
  for (let i = 0; i < FAMILIES.length; i++) {
    const [re, rule] = FAMILIES[i]!;
    if (re.test(base)) return rule;
  }
  return undefined;
}
