/** The call table of test/deploy/aws-calls.ts covers the code, and the packaging's grants cover each secret form. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classify, NOT_CALLS, SDK_CALLS, scanSdkImports } from "./aws-calls.js";

const require = createRequire(import.meta.url);
const grants = require("../../build/serverless/grants.cjs") as {
  secretResources: (id: string) => unknown[];
  clusterStatements: (clusters: Record<string, unknown>) => { Sid: string; Resource: unknown[] }[];
  configStatements: (parameter: string) => { Sid: string; Action: string; Resource: unknown }[];
};

describe("the AWS call table", () => {
  it("has an entry for every AWS SDK export the deployed code imports, and no entry the code does not use", () => {
    const imports = scanSdkImports();
    expect(imports.filter((i) => classify(i) === undefined)).toEqual([]);
    const used = (m: string, n: string, file?: string) =>
      imports.some((i) => i.module === m && i.name === n && (!file || i.file === file));
    expect(SDK_CALLS.filter((c) => !used(c.module, c.name, c.file))).toEqual([]);
    expect(NOT_CALLS.filter((c) => !used(c.module, c.name))).toEqual([]);
  });

  it("flags a new command, a namespace import and a dynamic import, but not type-only imports", async () => {
    const root = await mkdtemp(join(tmpdir(), "pns-scan-"));
    try {
      await mkdir(join(root, "src/aws"), { recursive: true });
      await mkdir(join(root, "src/local"), { recursive: true });
      await writeFile(
        join(root, "src/aws/new.ts"),
        `import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { type GetCommandInput, GetCommand as Get } from "@aws-sdk/lib-dynamodb";
import * as ssm from "@aws-sdk/client-ssm";
const later = () => import("@aws-sdk/client-sts");
`,
      );
      await writeFile(
        join(root, "src/local/dev.ts"),
        `import { CreateTableCommand } from "@aws-sdk/client-dynamodb";\n`,
      );
      const imports = scanSdkImports(root);
      expect(imports.map((i) => `${i.module} ${i.name}`)).toEqual([
        "@aws-sdk/lib-dynamodb DynamoDBDocumentClient",
        "@aws-sdk/lib-dynamodb UpdateCommand",
        "@aws-sdk/lib-dynamodb GetCommand",
        "@aws-sdk/client-ssm * as ssm",
        "@aws-sdk/client-sts import()",
      ]);
      expect(imports.filter((i) => classify(i) === undefined).map((i) => i.name)).toEqual([
        "UpdateCommand",
        "* as ssm",
        "import()",
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("grants.cjs secret resources", () => {
  it.each([
    ["a name", "pns/slack", [{ "Fn::Sub": expect.stringMatching(/:secret:pns\/slack-\?{6}$/) }]],
    [
      "a complete ARN",
      "arn:aws:secretsmanager:eu-west-1:1:secret:pns/slack-AbC123",
      ["arn:aws:secretsmanager:eu-west-1:1:secret:pns/slack-AbC123"],
    ],
    [
      "a partial ARN",
      "arn:aws:secretsmanager:eu-west-1:1:secret:pns/slack",
      ["arn:aws:secretsmanager:eu-west-1:1:secret:pns/slack-??????"],
    ],
  ])("matches %s with the 6-character suffix", (_name, id, expected) => {
    expect(grants.secretResources(id)).toEqual(expected);
  });
});

describe("grants.cjs cluster statements", () => {
  it("grants nothing for clusters reached by a kubeconfig file (the built-in default), so the policy is left out", () => {
    expect(grants.clusterStatements({})).toEqual([]);
    expect(grants.clusterStatements({ default: { kind: "kubeconfig", path: null, context: null } })).toEqual([]);
  });

  it("describes clusters without a role, assumes the roles of the others, once each", () => {
    const eks = (name: string, roleArn: string | null) => ({ kind: "eks", name, region: "eu-west-1", roleArn });
    const statements = grants.clusterStatements({
      a: eks("a", null),
      b: eks("a", null),
      c: eks("c", "arn:aws:iam::2:role/x"),
      d: eks("d", "arn:aws:iam::2:role/x"),
    });
    expect(statements.map((s) => [s.Sid, s.Resource.length])).toEqual([
      ["DescribeClusters", 1],
      ["AssumeClusterRoles", 1],
    ]);
  });
});

describe("grants.cjs configuration parameter", () => {
  it("grants nothing without a parameter, so the policy is left out", () => {
    expect(grants.configStatements("")).toEqual([]);
  });

  it.each([
    ["a hierarchical name", "/pns/prod/config", { "Fn::Sub": expect.stringMatching(/:parameter\/pns\/prod\/config$/) }],
    ["a plain name", "pns-config", { "Fn::Sub": expect.stringMatching(/:parameter\/pns-config$/) }],
    [
      "an ARN",
      "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/pns",
      "arn:aws:ssm:eu-west-1:123456789012:parameter/shared/pns",
    ],
  ])("lets both roles read %s, only with ssm:GetParameter", (_name, parameter, resource) => {
    expect(grants.configStatements(parameter)).toEqual([
      { Sid: "ReadConfigParameter", Effect: "Allow", Action: "ssm:GetParameter", Resource: resource },
    ]);
  });

  it("refuses a name SSM would refuse, before anything is deployed", () => {
    expect(() => grants.configStatements("pns config")).toThrow(/not an SSM parameter name/);
    expect(() => grants.configStatements("/pns/{stage}")).toThrow(/not an SSM parameter name/);
  });
});
