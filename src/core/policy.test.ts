import { describe, expect, it } from "vitest";
import { defaultConfig } from "./config/defaults.js";
import { parseConfig } from "./config/parse-config.js";
import type { PnsConfig } from "./config/types.js";
import { bindingFor, checkIdentity, may, resolveCluster, resolveNamespace, signalPolicyFor } from "./policy.js";

function configOf(yaml: string): PnsConfig {
  const result = parseConfig(yaml);
  if (!result.ok) throw new Error(result.errors.join("\n"));
  return result.config;
}

const config = configOf(`
clusters:
  prod: {eks: {name: prod, region: eu-west-1}}
  dev: {kubeconfig: {context: kind}}
defaultCluster: prod
channels:
  C0SHOP: {namespaces: [shop, shop-*], approvalsChannel: C0APPROVE}
  C0DEV: {cluster: dev, namespaces: ["*"], defaultNamespace: default}
people:
  ps: "*"
  cat: [S0ONCALL, U0ALICE]
  catSecrets: [S0SRE]
  signal: [S0ONCALL]
  approve: [S0ONCALL, S0SRE]
  admin: [U0ALICE]
signals:
  - namespaces: [dev-*]
    allowed: "*"
    approval: self
    approvalTtl: 30m
  - namespaces: [shop, shop-*]
    allowed: [HUP, USR1]
    approvers: {groups: [S0SRE], users: [U0BOB]}
  - namespaces: [kube-system]
    allowed: [HUP]
    approval: none
`);

describe("bindingFor", () => {
  it("binds a configured channel, defaulting cluster and namespace", () => {
    expect(bindingFor(config, "C0SHOP")).toEqual({
      ok: true,
      value: {
        channel: "C0SHOP",
        cluster: "prod",
        clusterAccess: { kind: "eks", name: "prod", region: "eu-west-1", roleArn: null },
        namespaces: ["shop", "shop-*"],
        defaultNamespace: "shop",
        approvalsChannel: "C0APPROVE",
      },
    });
  });

  it("sends approvals to the channel itself when none is configured", () => {
    expect(bindingFor(config, "C0DEV")).toMatchObject({
      ok: true,
      value: { cluster: "dev", approvalsChannel: "C0DEV" },
    });
  });

  it("binds no channel without a channels entry", () => {
    for (const c of [defaultConfig(), configOf("people: {ps: '*'}\n")]) {
      expect(bindingFor(c, "C0ANY")).toEqual({
        ok: false,
        message: expect.stringContaining("pns is not set up for this channel (C0ANY)"),
      });
      expect(bindingFor(c, "D0DIRECT").ok).toBe(false);
    }
  });

  it.each(["C0OTHER", "constructor", "__proto__", "toString"])(
    'refuses channel %s when there is no "*" entry',
    (id) => {
      const result = bindingFor(config, id);
      expect(result).toMatchObject({ ok: false });
      if (!result.ok) expect(result.message).toContain(`pns is not set up for this channel (${id})`);
    },
  );

  it('uses the "*" entry for any other channel', () => {
    const open = configOf('channels:\n  "*": {namespaces: ["*"]}\n');
    expect(bindingFor(open, "C0ANY")).toMatchObject({
      ok: true,
      value: {
        channel: "C0ANY",
        cluster: "default",
        namespaces: ["*"],
        defaultNamespace: "default",
        approvalsChannel: "C0ANY",
      },
    });
  });
});

describe("resolveNamespace", () => {
  const shop = bindingFor(config, "C0SHOP");
  if (!shop.ok) throw new Error(shop.message);
  it.each([
    ["the default when none is asked", undefined, { ok: true, value: "shop" }],
    ["the default for null", null, { ok: true, value: "shop" }],
    ["a listed name", "shop", { ok: true, value: "shop" }],
    ["a glob match", "shop-web", { ok: true, value: "shop-web" }],
    [
      "a namespace outside the list",
      "kube-system",
      { ok: false, message: "Namespace kube-system is not allowed in this channel: use one of shop, shop-*." },
    ],
    [
      "a prefix that does not match the glob",
      "shopping",
      { ok: false, message: "Namespace shopping is not allowed in this channel: use one of shop, shop-*." },
    ],
  ])("gives %s", (_, requested, expected) => {
    expect(resolveNamespace(shop.value, requested)).toEqual(expected);
  });
});

describe("resolveCluster", () => {
  const shop = bindingFor(config, "C0SHOP");
  if (!shop.ok) throw new Error(shop.message);
  it.each([
    ["the channel's cluster by default", null, { ok: true, value: "prod" }],
    ["the channel's cluster when restated", "prod", { ok: true, value: "prod" }],
    [
      "a refusal for another configured cluster",
      "dev",
      {
        ok: false,
        message: "This channel works with cluster prod, not dev: run the command in a channel bound to dev.",
      },
    ],
    [
      "a refusal for an unknown cluster",
      "nope",
      { ok: false, message: "There is no cluster nope: this channel works with cluster prod." },
    ],
  ])("gives %s", (_, requested, expected) => {
    expect(resolveCluster(config, shop.value, requested)).toEqual(expected);
  });
});

describe("may", () => {
  it.each([
    ["anyone lists processes", { user: "U0ANY", groups: [] }, "ps", true],
    ["a listed user reads files", { user: "U0ALICE", groups: [] }, "cat", true],
    ["a group member reads files", { user: "U0CAROL", groups: ["S0X", "S0ONCALL"] }, "cat", true],
    ["others do not read files", { user: "U0ANY", groups: ["S0X"] }, "cat", false],
    ["SRE reads secret files", { user: "U0DAN", groups: ["S0SRE"] }, "catSecrets", true],
    ["reading files is not reading secrets", { user: "U0ALICE", groups: [] }, "catSecrets", false],
    ["on-call requests signals", { user: "U0CAROL", groups: ["S0ONCALL"] }, "signal", true],
    ["SRE approves", { user: "U0DAN", groups: ["S0SRE"] }, "approve", true],
    ["an admin is an admin", { user: "U0ALICE", groups: [] }, "admin", true],
    ["on-call is not admin", { user: "U0CAROL", groups: ["S0ONCALL"] }, "admin", false],
  ] as const)("%s", (_, actor, action, allowed) => {
    expect(may(config, actor, action).ok).toBe(allowed);
  });

  it("names the action and the setting in a refusal", () => {
    expect(may(config, { user: "U0ANY", groups: [] }, "admin")).toEqual({
      ok: false,
      message: "You may not run admin commands (cleanup, audit) with pns: ask an admin to add you under people.admin.",
    });
  });

  it("lets nobody do anything that the configuration leaves out", () => {
    for (const action of ["ps", "cat", "signal", "approve", "admin"] as const) {
      expect(may(defaultConfig(), { user: "U0ANY", groups: [] }, action)).toEqual({
        ok: false,
        message: expect.stringContaining(`ask an admin to add you under people.${action}`),
      });
      expect(may(configOf("people: {}\n"), { user: "U0ANY", groups: ["S0ANY"] }, action).ok).toBe(false);
    }
  });

  it('lets everyone do what an audience of "*" grants', () => {
    const open = configOf('people: {ps: "*", cat: "*", signal: "*", approve: "*", admin: "*"}\n');
    for (const action of ["ps", "cat", "signal", "approve", "admin"] as const) {
      expect(may(open, { user: "U0ANY", groups: [] }, action).ok).toBe(true);
    }
  });

  it("lets nobody read secret files unless people.catSecrets names them, with or without a file", () => {
    expect(may(defaultConfig(), { user: "U0ANY", groups: [] }, "catSecrets").ok).toBe(false);
    const parsed = parseConfig("people:\n  cat: '*'\n");
    expect(parsed.ok && may(parsed.config, { user: "U0ANY", groups: [] }, "catSecrets")).toEqual({
      ok: false,
      message: "You may not read secret files with pns: ask an admin to add you under people.catSecrets.",
    });
  });
});

describe("signalPolicyFor", () => {
  it.each([
    [
      "self approval in dev",
      "dev-1",
      "KILL",
      { ok: true, value: { signal: "KILL", approval: "self", ttlMs: 1_800_000, approvers: { users: [], groups: [] } } },
    ],
    [
      "named approvers in shop",
      "shop-web",
      "HUP",
      {
        ok: true,
        value: {
          signal: "HUP",
          approval: "required",
          ttlMs: 900_000,
          approvers: { users: ["U0BOB"], groups: ["S0SRE"] },
        },
      },
    ],
    [
      "no approval in kube-system",
      "kube-system",
      "HUP",
      { ok: true, value: { signal: "HUP", approval: "none", ttlMs: 900_000, approvers: { users: [], groups: [] } } },
    ],
    [
      "a signal outside the list",
      "shop",
      "KILL",
      { ok: false, message: "SIGKILL is not allowed in namespace shop: allowed are SIGHUP, SIGUSR1." },
    ],
    [
      "a namespace no policy matches",
      "default",
      "HUP",
      { ok: false, message: "pns sends no signals in namespace default: no policy under signals covers it." },
    ],
  ] as const)("gives %s", (_, namespace, signal, expected) => {
    expect(signalPolicyFor(config, namespace, signal)).toEqual(expected);
  });

  it("takes the first matching policy", () => {
    const c = configOf("signals:\n  - {namespaces: [a-*], allowed: [HUP]}\n  - {namespaces: ['*'], allowed: '*'}\n");
    expect(signalPolicyFor(c, "a-1", "KILL").ok).toBe(false);
    expect(signalPolicyFor(c, "b", "KILL").ok).toBe(true);
  });

  it("refuses everything with an empty list", () => {
    expect(signalPolicyFor(configOf("signals: []\n"), "default", "HUP").ok).toBe(false);
  });

  it("requires someone else's approval within 15 minutes without a config file", () => {
    expect(signalPolicyFor(defaultConfig(), "anything", "TERM")).toEqual({
      ok: true,
      value: { signal: "TERM", approval: "required", ttlMs: 900_000, approvers: { users: [], groups: [] } },
    });
  });
});

describe("checkIdentity: whom pns serves at all", () => {
  const base = defaultConfig({});
  const pinned = { ...base, slack: { team: "T0HOME", enterprise: "E0ORG", allowExternalUsers: false } };
  const open = { ...pinned, slack: { ...pinned.slack, allowExternalUsers: true } };
  const person = { user: "U0ALICE", team: "T0HOME", enterprise: "E0ORG", externalChannel: false };
  it.each([
    ["a person of the home workspace", pinned, person, true],
    ["a Grid user (W…)", pinned, { ...person, user: "W0GRID" }, true],
    ["a bot", pinned, { ...person, user: "B0BOT" }, false],
    ["an empty user id", pinned, { ...person, user: "" }, false],
    ["a user id with lowercase letters", pinned, { ...person, user: "U0alice" }, false],
    ["another workspace", pinned, { ...person, team: "T0OTHER" }, false],
    ["no workspace at all", pinned, { ...person, team: null }, false],
    ["another organization", pinned, { ...person, enterprise: "E0OTHER" }, false],
    ["a Slack Connect channel", pinned, { ...person, externalChannel: true }, false],
    ["another workspace, external users allowed", open, { ...person, team: "T0OTHER" }, true],
    ["a Slack Connect channel, external users allowed", open, { ...person, externalChannel: true }, true],
    ["a bot, external users allowed", open, { ...person, user: "B0BOT" }, false],
    ["any workspace when none is pinned", base, { ...person, team: "T0ANY", enterprise: null }, true],
  ] as const)("%s", (_name, config, who, served) => {
    const got = checkIdentity(config, who);
    expect(got.ok).toBe(served);
    if (!got.ok) expect(got.message.length).toBeGreaterThan(20);
  });
});
