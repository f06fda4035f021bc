import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { SIGNAL_NAMES } from "../signals.js";
import { namespaceMatches } from "./namespace-glob.js";
import { parseConfig, validateConfig } from "./parse-config.js";

function checkTotal(text: string): void {
  const result = parseConfig(text, { KUBECONFIG: "/k" });
  if (result.ok) {
    expect(Object.keys(result.config.clusters)).toContain(result.config.defaultCluster);
  } else {
    expect(result.errors.length).toBeGreaterThan(0);
    for (const e of result.errors) expect(e).toMatch(/\S/);
  }
}

const keys = [
  "clusters",
  "defaultCluster",
  "channels",
  "people",
  "signals",
  "debug",
  "redaction",
  "prod",
  "eks",
  "name",
  "region",
  "roleArn",
  "kubeconfig",
  "path",
  "context",
  "kubeconfigSecret",
  "secretId",
  "C0123",
  "G9",
  "*",
  "cluster",
  "namespaces",
  "defaultNamespace",
  "approvalsChannel",
  "ps",
  "cat",
  "signal",
  "approve",
  "admin",
  "allowed",
  "approval",
  "approvalTtl",
  "approvers",
  "users",
  "groups",
  "image",
  "profile",
  "strategy",
  "maxFileBytes",
  "execTimeout",
  "patterns",
  "__proto__",
  "constructor",
  "toString",
];
const scalars = fc.oneof(
  fc.constantFrom(
    "*",
    "HUP",
    "SIGKILL",
    "15m",
    "eu-west-1",
    "U1AB",
    "S1AB",
    "shop-*",
    "required",
    "general",
    "a*",
    "(",
    "",
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const { value: configish } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "xsmall", withCrossShrink: true }, scalars, tie("list"), tie("map")),
  list: fc.array(tie("value"), { maxLength: 4 }),
  map: fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), tie("value"), { maxKeys: 4 }),
}));

const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(...keys.map((k) => `${k}:`)),
      fc.constantFrom(
        " ",
        "  ",
        "\n",
        "\n  ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "!!binary ",
        "? ",
        "|",
        ">",
        "#",
        '"',
        "'",
        "---",
        "...",
        "\t",
        "%YAML 1.2\n",
        "<<: *a",
      ),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(""));

describe("parseConfig never throws", () => {
  it("on arbitrary strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 200 }), checkTotal), { numRuns: 10_000 });
  });

  it("on YAML-ish text", () => {
    fc.assert(fc.property(yamlish, checkTotal), { numRuns: 10_000 });
  });

  it("on random objects serialised to YAML", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), configish, { maxKeys: 4 }), (obj) =>
        checkTotal(stringify(obj)),
      ),
      { numRuns: 10_000 },
    );
  });

  // Objects straight to validation: YAML parsing is covered above and would dominate the run time here.
  it("on near-valid configs, and what it accepts is consistent", () => {
    const name = fc.constantFrom("prod", "dev", "local", "Bad Name", "");
    const ns = fc.constantFrom("shop", "shop-*", "*", "default", "kube-system", "web", "Bad", "");
    const access = fc.oneof(
      fc.constant({ kubeconfig: {} }),
      fc.record({ kubeconfig: fc.record({ context: fc.constantFrom("a", "") }) }),
      fc.record({ eks: fc.record({ name: name, region: fc.constantFrom("eu-west-1", "mars") }) }),
      fc.record({ kubeconfigSecret: fc.record({ secretId: fc.constantFrom("pns/kc", "") }) }),
      fc.constant({}),
    );
    const channel = fc.record(
      {
        cluster: name,
        namespaces: fc.array(ns, { maxLength: 3 }),
        defaultNamespace: ns,
        approvalsChannel: fc.constantFrom("C0APPROVE", "#ops"),
      },
      { requiredKeys: ["namespaces"] },
    );
    const policy = fc.record(
      {
        namespaces: fc.array(ns, { maxLength: 3 }),
        allowed: fc.oneof(
          fc.constant("*"),
          fc.array(fc.constantFrom("HUP", "SIGTERM", 9, "hupp", "kill"), { maxLength: 3 }),
        ),
        approval: fc.constantFrom("required", "self", "none", "maybe"),
        approvalTtl: fc.constantFrom("15m", "900s", "1s", "2d", 15),
        approvers: fc.record({
          users: fc.array(fc.constantFrom("U0A", "S0B")),
          groups: fc.array(fc.constantFrom("S0B", "x")),
        }),
      },
      { requiredKeys: ["namespaces", "allowed"] },
    );
    const file = fc.record(
      {
        clusters: fc.dictionary(name, access, { maxKeys: 3 }),
        defaultCluster: name,
        channels: fc.dictionary(fc.constantFrom("C0A", "G0B", "*", "general"), channel, { maxKeys: 3 }),
        people: fc.record({ ps: fc.constantFrom("*", [], ["U0A", "S0B"], ["bob"]) }, { requiredKeys: [] }),
        signals: fc.array(policy, { maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(file, (obj) => {
        const result = validateConfig(obj);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          return;
        }
        const { config } = result;
        expect(Object.hasOwn(config.clusters, config.defaultCluster)).toBe(true);
        for (const ch of Object.values(config.channels)) {
          expect(Object.hasOwn(config.clusters, ch.cluster)).toBe(true);
          expect(namespaceMatches(ch.defaultNamespace, ch.namespaces)).toBe(true);
        }
        for (const p of config.signals) for (const sig of p.allowed) expect(SIGNAL_NAMES).toContain(sig);
      }),
      { numRuns: 10_000 },
    );
  });

  it("on alias bombs", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      ...Array.from({ length: 9 }, (_, i) => {
        const prev = String.fromCharCode(97 + i);
        const next = String.fromCharCode(98 + i);
        return `${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
      }),
    ].join("\n");
    expect(parseConfig(bomb)).toEqual({
      ok: false,
      errors: ["the configuration is not valid YAML: Excessive alias count indicates a resource exhaustion attack"],
    });
  });
});
