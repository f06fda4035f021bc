import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "./parse-config.js";

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
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalars, tie("list"), tie("map")),
  list: fc.array(tie("value"), { maxLength: 4 }),
  map: fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), tie("value"), { maxKeys: 5 }),
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
      fc.property(fc.dictionary(fc.constantFrom(...keys), configish, { maxKeys: 6 }), (obj) =>
        checkTotal(stringify(obj)),
      ),
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
