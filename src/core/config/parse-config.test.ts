import { describe, expect, it } from "vitest";
import { SIGNAL_NAMES } from "../signals.js";
import { defaultConfig } from "./defaults.js";
import { parseConfig } from "./parse-config.js";

const minimal = `
clusters:
  prod:
    eks: {name: prod, region: eu-west-1}
channels:
  C0123:
    namespaces: [shop]
`;

function errorsOf(yaml: string): string[] {
  const result = parseConfig(yaml);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
}

describe("parseConfig", () => {
  it.each([
    ["an empty file", ""],
    ["a comment only", "# nothing\n"],
    ["an empty document", "---\n"],
  ])("gives the defaults for %s", (_, text) => {
    expect(parseConfig(text, { KUBECONFIG: "/tmp/k" })).toEqual({
      ok: true,
      config: defaultConfig({ KUBECONFIG: "/tmp/k" }),
    });
  });

  it("fills defaults around a minimal file", () => {
    const result = parseConfig(minimal);
    expect(result).toMatchObject({
      ok: true,
      config: {
        clusters: { prod: { kind: "eks", name: "prod", region: "eu-west-1", roleArn: null } },
        defaultCluster: "prod",
        channels: {
          C0123: { cluster: "prod", namespaces: ["shop"], defaultNamespace: "shop", approvalsChannel: null },
        },
        signals: [{ namespaces: ["*"], allowed: SIGNAL_NAMES, approval: "required", approvalTtlMs: 900_000 }],
        debug: {
          image: "public.ecr.aws/docker/library/busybox:1.36",
          profile: "baseline",
          readProfile: "general",
          containerLifetimeMs: 900_000,
          strategy: "auto",
          maxFileBytes: 65536,
          execTimeoutMs: 20_000,
        },
        redaction: { patterns: [] },
        output: { ps: "ephemeral" },
      },
    });
  });

  it('fails closed: an omitted people entry is nobody, and omitted channels bind none (no "*")', () => {
    const result = parseConfig(minimal);
    if (!result.ok) throw new Error(result.errors.join("\n"));
    const nobody = { everyone: false, users: [], groups: [] };
    expect(result.config.people).toEqual({
      ps: nobody,
      cat: nobody,
      inspect: nobody,
      catSecrets: nobody,
      signal: nobody,
      approve: nobody,
      admin: nobody,
      copy: nobody,
    });
    expect(parseConfig("people: {ps: '*'}\n")).toMatchObject({
      ok: true,
      config: { channels: {}, people: { ps: { everyone: true }, cat: nobody, admin: nobody } },
    });
    expect(Object.keys(defaultConfig().channels)).toEqual([]);
  });

  it.each([
    ["ephemeral", "output: {ps: ephemeral}\n", "ephemeral"],
    ["public", "output: {ps: public}\n", "public"],
  ])("reads output.ps %s", (_, yaml, ps) => {
    expect(parseConfig(yaml)).toMatchObject({ ok: true, config: { output: { ps } } });
  });

  it("refuses an unknown output mode, naming the choices", () => {
    expect(errorsOf("output: {ps: loud}\n")).toEqual([
      'output.ps: expected one of ephemeral, public, got "loud" (line 1)',
    ]);
  });

  it.each([
    [
      "kubeconfig with path and context",
      "kubeconfig: {path: /k, context: c}",
      { kind: "kubeconfig", path: "/k", context: "c" },
    ],
    ["kubeconfig empty takes KUBECONFIG", "kubeconfig: {}", { kind: "kubeconfig", path: "/env/k", context: null }],
    ["kubeconfig null takes KUBECONFIG", "kubeconfig:", { kind: "kubeconfig", path: "/env/k", context: null }],
    [
      "kubeconfigSecret",
      "kubeconfigSecret: {secretId: pns/kc}",
      { kind: "kubeconfigSecret", secretId: "pns/kc", context: null },
    ],
    [
      "eks with role",
      "eks: {name: p, region: us-east-1, roleArn: 'arn:aws:iam::123456789012:role/pns'}",
      { kind: "eks", name: "p", region: "us-east-1", roleArn: "arn:aws:iam::123456789012:role/pns" },
    ],
  ])("reads cluster access: %s", (_, access, expected) => {
    const result = parseConfig(`clusters:\n  c:\n    ${access}\n`, { KUBECONFIG: "/env/k" });
    expect(result).toMatchObject({ ok: true, config: { clusters: { c: expected }, defaultCluster: "c" } });
  });

  it("leaves a KUBECONFIG list to default loading", () => {
    const result = parseConfig("clusters:\n  c:\n    kubeconfig: {}\n", { KUBECONFIG: "/a:/b" });
    expect(result).toMatchObject({ ok: true, config: { clusters: { c: { path: null } } } });
    expect(defaultConfig({ KUBECONFIG: "/a:/b" }).clusters.default).toEqual({
      kind: "kubeconfig",
      path: null,
      context: null,
    });
  });

  it.each([
    ["everyone as a string", 'ps: "*"', { everyone: true, users: [], groups: [] }],
    ["everyone in a list", 'ps: ["*", U1AB]', { everyone: true, users: ["U1AB"], groups: [] }],
    [
      "users and groups, deduplicated",
      "ps: [U1AB, W2CD, S3EF, U1AB]",
      { everyone: false, users: ["U1AB", "W2CD"], groups: ["S3EF"] },
    ],
    ["nobody", "ps: []", { everyone: false, users: [], groups: [] }],
  ])("reads people: %s", (_, line, expected) => {
    expect(parseConfig(`people:\n  ${line}\n`)).toMatchObject({ ok: true, config: { people: { ps: expected } } });
  });

  it("normalises signal names and durations", () => {
    const result = parseConfig(`
signals:
  - namespaces: [shop]
    allowed: [HUP, SIGUSR1, sigterm, 9, "15", hup]
    approval: self
    approvalTtl: 1h30m
    approvers: {users: [U1AB], groups: [S1AB]}
  - namespaces: ["*"]
    allowed: "*"
    approval: none
`);
    expect(result).toMatchObject({
      ok: true,
      config: {
        signals: [
          {
            allowed: ["HUP", "USR1", "TERM", "KILL"],
            approval: "self",
            approvalTtlMs: 5_400_000,
            approvers: { users: ["U1AB"], groups: ["S1AB"] },
          },
          { allowed: SIGNAL_NAMES, approval: "none", approvers: { users: [], groups: [] } },
        ],
      },
    });
  });

  it("keeps an empty signals list: every signal refused", () => {
    expect(parseConfig("signals: []\n")).toMatchObject({ ok: true, config: { signals: [] } });
  });

  it.each([
    ["first plain name", "namespaces: [shop-*, shop, web]", "shop"],
    ["first plain name that is a namespace name", "namespaces: [a.b, web]", "web"],
    ["default when it matches a glob", 'namespaces: ["*"]', "default"],
    ["explicit", "namespaces: [shop-*]\n    defaultNamespace: shop-web", "shop-web"],
  ])("picks the channel's default namespace: %s", (_, lines, expected) => {
    const result = parseConfig(`channels:\n  C1AB:\n    ${lines}\n`);
    expect(result).toMatchObject({ ok: true, config: { channels: { C1AB: { defaultNamespace: expected } } } });
  });

  it("reads debug settings", () => {
    const result = parseConfig(
      "debug: {image: 'registry.example.com/tools/busybox@sha256:abc', profile: restricted, containerLifetime: 30m, strategy: copy, maxProcesses: 10, maxFileBytes: 1024, maxFileLines: 5, execTimeout: 5s}\n",
    );
    expect(result).toMatchObject({
      ok: true,
      config: {
        debug: {
          image: "registry.example.com/tools/busybox@sha256:abc",
          profile: "restricted",
          containerLifetimeMs: 1_800_000,
          strategy: "copy",
          maxProcesses: 10,
          maxFileBytes: 1024,
          maxFileLines: 5,
          execTimeoutMs: 5000,
        },
      },
    });
  });

  it("reads the debug copy's resources, the same-node switch and the ephemeral-container cap, over the defaults", () => {
    const result = parseConfig(
      "debug:\n  maxEphemeralContainers: 3\n  copySameNode: true\n  resources:\n    requests: {cpu: 50m}\n    limits: {memory: 128Mi, cpu: 1}\n",
    );
    expect(result).toMatchObject({
      ok: true,
      config: {
        debug: {
          maxEphemeralContainers: 3,
          copySameNode: true,
          resources: { requests: { cpu: "50m", memory: "16Mi" }, limits: { cpu: "1", memory: "128Mi" } },
        },
      },
    });
  });

  it("reads what a copy may take, whether its init containers run, and the per-channel cap", () => {
    expect(
      parseConfig(
        "debug:\n  copy:\n    allow: [hostPath, writableVolumes, hostPath]\n    initContainers: true\n    maxPerChannel: 5\n",
      ),
    ).toMatchObject({
      ok: true,
      config: { debug: { copy: { allow: ["hostPath", "writableVolumes"], initContainers: true, maxPerChannel: 5 } } },
    });
    expect(parseConfig("")).toMatchObject({
      ok: true,
      config: { debug: { copy: { allow: [], initContainers: false, maxPerChannel: 3 } } },
    });
  });

  it("lets only the admins make copies unless people.copy says otherwise", () => {
    const admins = parseConfig("people:\n  ps: '*'\n  admin: [U0ALICE1, S0SRE001]\n");
    expect(admins).toMatchObject({
      ok: true,
      config: { people: { copy: { everyone: false, users: ["U0ALICE1"], groups: ["S0SRE001"] } } },
    });
    expect(parseConfig("people:\n  admin: [U0ALICE1]\n  copy: [U0BOB001]\n")).toMatchObject({
      ok: true,
      config: { people: { copy: { everyone: false, users: ["U0BOB001"], groups: [] } } },
    });
  });

  it("defaults to 5 ephemeral containers, other nodes allowed, and small requests and limits", () => {
    expect(parseConfig("")).toMatchObject({
      ok: true,
      config: {
        debug: {
          maxEphemeralContainers: 5,
          copySameNode: false,
          resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "250m", memory: "64Mi" } },
        },
      },
    });
  });
});

const refused: { name: string; yaml: string; errors: string[] }[] = [
  {
    name: "a required EKS region",
    yaml: "clusters:\n  prod:\n    eks: {name: prod}\n",
    errors: ["clusters.prod.eks.region: required (line 3)"],
  },
  {
    name: "an unknown key, with a suggestion",
    yaml: "clusters:\n  prod:\n    eks: {name: p, region: eu-west-1}\n    ekss: {}\n",
    errors: ['clusters.prod.ekss: unknown key, did you mean "eks"? (line 4)'],
  },
  {
    name: "an unknown top-level key far from all",
    yaml: "frobnicate: 1\n",
    errors: [
      "frobnicate: unknown key; expected one of: clusters, defaultCluster, channels, people, signals, debug, redaction, slack, output (line 1)",
    ],
  },
  {
    name: "a misspelt top-level key",
    yaml: "chanels: {}\nsignal: []\n",
    errors: [
      'chanels: unknown key, did you mean "channels"? (line 1)',
      'signal: unknown key, did you mean "signals"? (line 2)',
    ],
  },
  {
    name: "two ways to reach a cluster",
    yaml: "clusters:\n  a:\n    kubeconfig: {}\n    eks: {name: a, region: eu-west-1}\n",
    errors: ["clusters.a: set exactly one of kubeconfig, kubeconfigSecret, eks (found kubeconfig and eks) (line 3)"],
  },
  {
    name: "no way to reach a cluster",
    yaml: "clusters:\n  a: {}\n",
    errors: ["clusters.a: set exactly one of kubeconfig, kubeconfigSecret, eks (found none) (line 2)"],
  },
  {
    name: "a cluster that is not a mapping",
    yaml: "clusters:\n  a: 3\n",
    errors: ["clusters.a: expected a mapping (key: value), got 3 (line 2)"],
  },
  {
    name: "an invalid cluster name",
    yaml: "clusters:\n  -bad: {kubeconfig: {}}\n",
    errors: ['clusters.-bad: not a valid cluster name: use letters, digits, "-", "_" or "." (line 2)'],
  },
  {
    name: "no clusters at all",
    yaml: "clusters: {}\n",
    errors: ["clusters: list at least one cluster, or leave clusters out to use KUBECONFIG's current context (line 1)"],
  },
  {
    name: "a bad region and role ARN",
    yaml: "clusters:\n  a:\n    eks: {name: a, region: Europe, roleArn: admin}\n",
    errors: [
      "clusters.a.eks.region: expected an AWS region like eu-west-1 (line 3)",
      "clusters.a.eks.roleArn: expected an IAM role ARN like arn:aws:iam::123456789012:role/pns (line 3)",
    ],
  },
  {
    name: "defaultCluster naming no cluster",
    yaml: "clusters:\n  prod: {kubeconfig: {}}\n  dev: {kubeconfig: {}}\ndefaultCluster: prd\n",
    errors: ['defaultCluster: "prd" is not a cluster in clusters; did you mean "prod"? (line 4)'],
  },
  {
    name: "defaultCluster missing with two clusters",
    yaml: "clusters:\n  prod: {kubeconfig: {}}\n  dev: {kubeconfig: {}}\n",
    errors: ["defaultCluster: required when there is more than one cluster (prod, dev) (line 1)"],
  },
  {
    name: "a bad channel ID",
    yaml: "channels:\n  general: {namespaces: [a]}\n",
    errors: ['channels.general: expected a Slack channel ID (C… or G…) or "*" (line 2)'],
  },
  {
    name: "a channel naming no cluster",
    yaml: "channels:\n  C1AB: {cluster: nope, namespaces: [a]}\n",
    errors: ['channels.C1AB.cluster: "nope" is not a cluster in clusters; clusters are default (line 2)'],
  },
  {
    name: "a default namespace outside the channel's namespaces",
    yaml: 'channels:\n  "*": {namespaces: [shop-*], defaultNamespace: web}\n',
    errors: ['channels["*"].defaultNamespace: "web" is not among the allowed namespaces (shop-*) (line 2)'],
  },
  {
    name: "no plain namespace to default to",
    yaml: "channels:\n  C1AB: {namespaces: [shop-*]}\n",
    errors: ["channels.C1AB.defaultNamespace: required, because every entry in namespaces is a glob (line 2)"],
  },
  {
    name: "no namespaces",
    yaml: "channels:\n  C1AB: {namespaces: []}\n",
    errors: ['channels.C1AB.namespaces: list at least one namespace or glob, like ["*"] (line 2)'],
  },
  {
    name: "namespaces missing",
    yaml: "channels:\n  C1AB: {}\n",
    errors: ["channels.C1AB.namespaces: required (line 2)"],
  },
  {
    name: "a namespace pattern with odd characters",
    yaml: "channels:\n  C1AB: {namespaces: [Shop Web]}\n",
    errors: [
      'channels.C1AB.namespaces[0]: use namespace names or globs like "shop-*" (lowercase letters, digits, -, *, ?) (line 2)',
    ],
  },
  {
    name: "a bad approvals channel",
    yaml: "channels:\n  C1AB: {namespaces: [a], approvalsChannel: '#ops'}\n",
    errors: ["channels.C1AB.approvalsChannel: expected a Slack channel ID (C… or G…) (line 2)"],
  },
  {
    name: "a bad person",
    yaml: "people:\n  cat: [U1AB, bob]\n",
    errors: ['people.cat[1]: expected "*", a Slack user ID (U…/W…) or a user-group ID (S…) (line 2)'],
  },
  {
    name: "people as a number",
    yaml: "people:\n  admin: 5\n",
    errors: ['people.admin: expected "*" or a list of Slack user and user-group IDs, got 5 (line 2)'],
  },
  {
    name: "an unknown people key",
    yaml: "people:\n  aprove: []\n",
    errors: ['people.aprove: unknown key, did you mean "approve"? (line 2)'],
  },
  {
    name: "an unknown signal",
    yaml: "signals:\n  - namespaces: [a]\n    allowed: [HUPP]\n",
    errors: [
      'signals[0].allowed[0]: "HUPP" is not a signal pns sends (did you mean HUP?); use HUP, INT, QUIT, KILL, USR1, USR2, TERM, CONT, STOP, WINCH or "*" (line 3)',
    ],
  },
  {
    name: "no allowed signals",
    yaml: "signals:\n  - namespaces: [a]\n    allowed: []\n",
    errors: [
      'signals[0].allowed: list at least one signal, or "*" for all; to refuse signals leave the namespaces out (line 3)',
    ],
  },
  {
    name: "a misspelt approval mode",
    yaml: "signals:\n  - namespaces: [a]\n    allowed: [HUP]\n    approval: requird\n",
    errors: [
      'signals[0].approval: expected one of required, self, none, got "requird" (did you mean required?) (line 4)',
    ],
  },
  {
    name: "a duration as a number",
    yaml: "signals:\n  - namespaces: [a]\n    allowed: [HUP]\n    approvalTtl: 15\n",
    errors: ["signals[0].approvalTtl: expected a duration like 15m, 900s or 1h30m, got 15 (line 4)"],
  },
  {
    name: "a malformed duration",
    yaml: "signals:\n  - namespaces: [a]\n    allowed: [HUP]\n    approvalTtl: 15 minutes\n",
    errors: ['signals[0].approvalTtl: "15 minutes" is not a duration: write it like 15m, 900s or 1h30m (line 4)'],
  },
  {
    name: "a duration out of range",
    yaml: "signals:\n  - namespaces: [a]\n    allowed: [HUP]\n    approvalTtl: 2d\n  - namespaces: [b]\n    allowed: [HUP]\n    approvalTtl: 25h\n",
    errors: [
      'signals[0].approvalTtl: "2d" is not a duration: write it like 15m, 900s or 1h30m (line 4)',
      "signals[1].approvalTtl: 25h is out of range: use 30s to 24h (line 7)",
    ],
  },
  {
    name: "approvers with approval none",
    yaml: "signals:\n  - namespaces: [a]\n    allowed: [HUP]\n    approval: none\n    approvers: {users: [U1AB]}\n",
    errors: ["signals[0].approvers: approvers apply only when approval is required or self (line 5)"],
  },
  {
    name: "a group given as a user approver",
    yaml: "signals:\n  - namespaces: [a]\n    allowed: [HUP]\n    approvers: {users: [S1AB]}\n",
    errors: [
      "signals[0].approvers.users[0]: expected a Slack user ID (U… or W…); find it in the user's profile (line 4)",
    ],
  },
  {
    name: "bad debug settings",
    yaml: "debug:\n  profile: generl\n  strategy: shared\n  maxFileLines: 2.5\n  maxProcesses: 0\n  execTimeout: 10m\n  image: 'bad image'\n",
    errors: [
      "debug.image: expected a container image like busybox:1.36 (line 7)",
      'debug.profile: expected one of general, baseline, restricted, netadmin, sysadmin, got "generl" (did you mean general?) (line 2)',
      'debug.strategy: expected one of auto, ephemeral, copy, got "shared" (line 3)',
      "debug.maxProcesses: must be at least 1 (line 5)",
      "debug.maxFileLines: must be a whole number (line 4)",
      "debug.execTimeout: 10m is out of range: use 1s to 5m (line 6)",
    ],
  },
  {
    name: "bad debug copy settings",
    yaml: "debug:\n  maxEphemeralContainers: 0\n  copySameNode: sometimes\n  resources:\n    requests: {cpu: lots, gpu: 1}\n    limits: {memory: [64]}\n",
    errors: [
      "debug.maxEphemeralContainers: must be at least 1 (line 2)",
      "debug.copySameNode: expected true or false (line 3)",
      "debug.resources.requests.cpu: expected a quantity like 100m (cpu) or 64Mi (memory) (line 5)",
      'debug.resources.requests.gpu: unknown key, did you mean "cpu"? (line 5)',
      "debug.resources.limits.memory: expected a quantity like 100m or 64Mi, got a list (line 6)",
    ],
  },
  {
    name: "bad debug.copy settings",
    yaml: "debug:\n  copy:\n    allow: [hostpath, everything]\n    initContainers: yes please\n    maxPerChannel: 0\n",
    errors: [
      'debug.copy.allow[0]: "hostpath" is not something a copy may be allowed (did you mean hostPath?); use hostPath, privileged, hostNamespaces, writableVolumes (line 3)',
      'debug.copy.allow[1]: "everything" is not something a copy may be allowed; use hostPath, privileged, hostNamespaces, writableVolumes (line 3)',
      "debug.copy.initContainers: expected true or false (line 4)",
      "debug.copy.maxPerChannel: must be at least 1 (line 5)",
    ],
  },
  {
    name: "bad redaction patterns",
    yaml: "redaction:\n  patterns: ['a*', '(', 'x|', 'ok[0-9]+', '(?i)acme-[a-z]+', '\\b']\n",
    errors: [
      "redaction.patterns[0]: the pattern matches the empty string: make it match at least one character (line 2)",
      "redaction.patterns[1]: not a valid regular expression: Invalid regular expression: /(/dg: Unterminated group (line 2)",
      "redaction.patterns[2]: the pattern matches the empty string: make it match at least one character (line 2)",
      "redaction.patterns[5]: the pattern can match the empty string: make it match at least one character (line 2)",
    ],
  },
  {
    name: "a top level that is not a mapping",
    yaml: "- a\n- b\n",
    errors: ["(top level): expected a mapping (key: value), got a list (line 1)"],
  },
  {
    name: "YAML syntax errors with line and column",
    yaml: "clusters:\n  a: [1,\nb: {\n",
    errors: [
      "line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]",
      "line 4, column 1: Flow map in block collection must be sufficiently indented and end with a }",
    ],
  },
  { name: "a duplicate key", yaml: "debug: {}\ndebug: {}\n", errors: ["line 2, column 1: Map keys must be unique"] },
  {
    name: "a huge file",
    yaml: `# ${"x".repeat(1_000_000)}`,
    errors: ["the configuration is 1000002 characters long; at most 1000000 are allowed"],
  },
];

describe("parseConfig refuses, naming the path", () => {
  it.each(refused)("$name", ({ yaml, errors }) => {
    expect(errorsOf(yaml)).toEqual(errors);
  });

  it("lists every shape error at once", () => {
    const errors = errorsOf("clusters:\n  a: {}\npeople:\n  ps: [x]\ndebug:\n  maxFileLines: 0\nextra: 1\n");
    expect(errors.map((e) => e.split(":")[0])).toEqual(["clusters.a", "people.ps[0]", "debug.maxFileLines", "extra"]);
  });

  it("does not let __proto__ keys through", () => {
    const errors = errorsOf("__proto__: {polluted: 1}\nclusters:\n  __proto__: {kubeconfig: {}}\n");
    expect(errors.length).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
