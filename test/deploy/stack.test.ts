/**
 * The deployment as CloudFormation and IAM would take it, offline: `serverless package` of the project with a
 * configuration naming a cluster of every kind, its template checked against AWS's resource schemas, and every AWS
 * call the code makes simulated against the policies of the role of the function that makes it.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config/parse-config.js";
import { INDEX_NAME, TTL_ATTRIBUTE, tableDefinition } from "../../src/store/dynamo/table.js";
import { codeCalls, type IamCall, type Targets } from "./aws-calls.js";
import { type EvaluatedStack, evaluateStack, STACK } from "./cfn-eval.js";
import { checkTemplate } from "./cfn-schema.js";
import { FUNCTIONS, type FunctionKey, PACKAGE_CONFIG, type Packaged, packageProject } from "./package.js";

const run = promisify(execFile);

/** The configuration's SSM parameter the stack is packaged with (both roles may read it, nothing else of SSM). */
const CONFIG_PARAMETER = "/pns/prod/config";

let pkg: Packaged;
beforeAll(async () => {
  pkg = await packageProject({ args: ["--param", `configParameter=${CONFIG_PARAMETER}`] });
}, 240_000);
afterAll(async () => {
  await pkg?.remove();
});

const LOGICAL_ID: Record<FunctionKey, string> = {
  slack: "SlackLambdaFunction",
  worker: "WorkerLambdaFunction",
  janitor: "JanitorLambdaFunction",
};

/** The optional parameters, all given. */
const ALL_OPTIONS = {
  KmsKeyArn: `arn:aws:kms:${STACK.region}:${STACK.account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  AlarmTopicArn: `arn:aws:sns:${STACK.region}:${STACK.account}:oncall`,
  VpcSubnetIds: "subnet-0a1b2c3d,subnet-4e5f6a7b",
  VpcSecurityGroupIds: "sg-0c1d2e3f",
};
const VARIANTS = [
  { name: "default parameters", parameters: {} },
  { name: "a KMS key, an alarm topic and a VPC", parameters: ALL_OPTIONS },
];

describe("the packaged template", () => {
  it("fits AWS's CloudFormation resource schemas and has no dependency cycle", () => {
    expect(checkTemplate(pkg.template)).toEqual([]);
  });

  it("fails the checker where CloudFormation would: issue 12's cycle, unknown, missing and invalid values", () => {
    const bad = structuredClone(pkg.template);
    const worker = bad.Resources.WorkerRole!.Properties as { Policies: { PolicyDocument: { Statement: unknown[] } }[] };
    worker.Policies[0]!.PolicyDocument.Statement.push({
      Effect: "Allow",
      Action: "lambda:InvokeFunction",
      Resource: { "Fn::GetAtt": ["WorkerLambdaFunction", "Arn"] },
    });
    bad.Resources.PnsTable!.Properties!.BilingMode = "PAY_PER_REQUEST";
    delete bad.Resources.WorkerEventInvokeConfig!.Properties!.Qualifier;
    bad.Resources.SlackLogGroup!.Properties!.RetentionInDays = 31;
    bad.Resources.WorkerErrorsAlarm!.Properties!.Threshold = { "Fn::GetAtt": ["PnsTable", "Name"] };
    bad.Resources.JanitorErrorsAlarm!.Properties!.AlarmActions = { "Fn::If": ["NoSuchCondition", [], []] };
    const problems = checkTemplate(bad);
    expect(problems).toHaveLength(6);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Resources\.WorkerEventInvokeConfig\.Properties\.Qualifier: required, missing/),
        expect.stringMatching(/^Resources\.WorkerErrorsAlarm\.Properties\.Threshold.*has no attribute Name/),
        expect.stringMatching(/^Resources\.JanitorErrorsAlarm\.Properties\.AlarmActions.*no condition NoSuchCondition/),
        expect.stringMatching(/^Resources\.SlackLogGroup\.Properties\.RetentionInDays: 31 is not one of 1, 3, 5/),
        expect.stringMatching(/^Resources\.PnsTable\.Properties\.BilingMode: no such property/),
        "Resources: dependency cycle: WorkerLambdaFunction → WorkerRole → WorkerLambdaFunction",
      ]),
    );
  });

  it("keeps the table when the stack goes or the table would be replaced", () => {
    const table = pkg.template.Resources.PnsTable!;
    expect(table).toMatchObject({
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
      Properties: {
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      },
    });
  });

  it("runs every function on nodejs22.x, the worker and the janitor with source maps, which only their zips carry", async () => {
    const stack = evaluateStack(pkg.template);
    for (const fn of FUNCTIONS) {
      const props = stack.properties(LOGICAL_ID[fn]) as {
        Runtime: string;
        Environment: { Variables: Record<string, string> };
      };
      expect(props.Runtime, fn).toBe("nodejs22.x");
      const { stdout } = await run("unzip", ["-Z1", pkg.zips[fn]]);
      const files = stdout.trim().split("\n").sort();
      const maps = fn !== "slack";
      expect(props.Environment.Variables.NODE_OPTIONS, fn).toBe(maps ? "--enable-source-maps" : undefined);
      expect(files, fn).toEqual(
        ["pns.config.yaml", `src/handlers/${fn}.mjs`, ...(maps ? [`src/handlers/${fn}.mjs.map`] : [])].sort(),
      );
    }
  });

  it.each(VARIANTS)("with $name: hands failed worker jobs to a queue, never retries, alarms", ({ parameters }) => {
    const stack = evaluateStack(pkg.template, parameters);
    const queue = stack.getAtt("WorkerFailedJobs", "Arn");
    expect(stack.properties("WorkerEventInvokeConfig")).toEqual({
      FunctionName: "pns-prod-worker",
      Qualifier: "$LATEST",
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 300,
      DestinationConfig: { OnFailure: { Destination: queue } },
    });
    expect(stack.properties("JanitorEventInvokeConfig")).toMatchObject({ MaximumRetryAttempts: 0 });
    const topic = "AlarmTopicArn" in parameters ? [parameters.AlarmTopicArn] : undefined;
    for (const [alarm, metric] of [
      ["WorkerFailedJobsAlarm", { Namespace: "AWS/SQS", MetricName: "NumberOfMessagesSent" }],
      [
        "WorkerErrorsAlarm",
        {
          Namespace: "AWS/Lambda",
          MetricName: "Errors",
          Dimensions: [{ Name: "FunctionName", Value: "pns-prod-worker" }],
        },
      ],
      [
        "JanitorErrorsAlarm",
        {
          Namespace: "AWS/Lambda",
          MetricName: "Errors",
          Dimensions: [{ Name: "FunctionName", Value: "pns-prod-janitor" }],
        },
      ],
    ] as const) {
      const props = stack.properties(alarm);
      expect(props, alarm).toMatchObject(metric);
      expect(props.AlarmActions, alarm).toEqual(topic);
    }
  });

  it.each(VARIANTS)("with $name: puts only the worker and the janitor in the VPC", ({ parameters }) => {
    const stack = evaluateStack(pkg.template, parameters);
    const inVpc = "VpcSubnetIds" in parameters;
    for (const fn of FUNCTIONS) {
      const vpc = stack.properties(LOGICAL_ID[fn]).VpcConfig;
      expect(vpc, fn).toEqual(
        inVpc && fn !== "slack"
          ? { SubnetIds: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"], SecurityGroupIds: ["sg-0c1d2e3f"] }
          : undefined,
      );
    }
  });
});

describe("serverless.yml's table", () => {
  it("is tableDefinition() of src/store/dynamo/table.ts, with the TTL attribute the stores write", () => {
    const props = evaluateStack(pkg.template).properties("PnsTable") as Record<string, unknown> & { TableName: string };
    const expected = tableDefinition(props.TableName);
    const byName = (a: { AttributeName?: string }, b: { AttributeName?: string }) =>
      String(a.AttributeName).localeCompare(String(b.AttributeName));
    expect({
      TableName: props.TableName,
      BillingMode: props.BillingMode,
      AttributeDefinitions: [...(props.AttributeDefinitions as { AttributeName: string }[])].sort(byName),
      KeySchema: props.KeySchema,
      GlobalSecondaryIndexes: props.GlobalSecondaryIndexes,
    }).toEqual({ ...expected, AttributeDefinitions: [...(expected.AttributeDefinitions ?? [])].sort(byName) });
    expect(props.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
  });
});

/** What the packaged configuration makes the code call, as ARNs in {@link STACK}. */
function targets(stack: EvaluatedStack, configText: string): Targets {
  const parsed = parseConfig(configText, {});
  if (!parsed.ok) throw new Error(parsed.errors.join("\n"));
  const { partition, region, account } = STACK;
  // What Secrets Manager calls a secret: its name plus `-` and 6 random characters.
  const secretArn = (id: string) =>
    id.startsWith("arn:") ? id : `arn:${partition}:secretsmanager:${region}:${account}:secret:${id}-Xy12Zq`;
  const env = (stack.properties("SlackLambdaFunction").Environment as { Variables: Record<string, string> }).Variables;
  const access = Object.values(parsed.config.clusters);
  const table = String(stack.getAtt("PnsTable", "Arn"));
  return {
    table,
    index: `${table}/index/${INDEX_NAME}`,
    worker: `arn:${partition}:lambda:${region}:${account}:function:${env.PNS_WORKER_FUNCTION}`,
    slackSecret: secretArn(env.PNS_SLACK_SECRET_ARN!),
    kubeconfigSecrets: access.flatMap((a) => (a.kind === "kubeconfigSecret" ? [secretArn(a.secretId)] : [])),
    clusters: access.flatMap((a) =>
      a.kind === "eks" && !a.roleArn ? [`arn:${partition}:eks:${a.region}:${account}:cluster/${a.name}`] : [],
    ),
    roles: access.flatMap((a) => (a.kind === "eks" && a.roleArn ? [a.roleArn] : [])),
    configParameter: env.PNS_CONFIG_PARAMETER
      ? `arn:${partition}:ssm:${region}:${account}:parameter${env.PNS_CONFIG_PARAMETER}`
      : null,
  };
}

/** Calls Lambda itself makes with the function's role: its logs, its on-failure destination, its VPC interfaces. */
function platformCalls(stack: EvaluatedStack, fn: FunctionKey, code: IamCall[]): IamCall[] {
  const props = stack.properties(LOGICAL_ID[fn]) as { FunctionName: string; VpcConfig?: unknown };
  const { partition, region, account } = STACK;
  const stream = `arn:${partition}:logs:${region}:${account}:log-group:/aws/lambda/${props.FunctionName}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`;
  const calls: IamCall[] = [
    { action: "logs:CreateLogStream", resource: stream, why: "Lambda writes the function's logs" },
    { action: "logs:PutLogEvents", resource: stream, why: "Lambda writes the function's logs" },
  ];
  for (const [id, r] of Object.entries(pkg.template.Resources)) {
    if (r.Type !== "AWS::Lambda::EventInvokeConfig") continue;
    const config = stack.properties(id) as {
      FunctionName: string;
      DestinationConfig?: { OnFailure?: { Destination: string } };
    };
    const destination = config.DestinationConfig?.OnFailure?.Destination;
    if (config.FunctionName === props.FunctionName && destination) {
      calls.push({
        action: "sqs:SendMessage",
        resource: destination,
        why: "Lambda sends a failed job to its destination",
      });
    }
  }
  const kmsKey = stack.ref("KmsKeyArn");
  if (kmsKey && code.some((c) => c.action === "secretsmanager:GetSecretValue")) {
    calls.push({
      action: "kms:Decrypt",
      resource: String(kmsKey),
      context: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` },
      why: "Secrets Manager decrypts a secret read with the caller's permission",
    });
  }
  if (props.VpcConfig) {
    for (const action of [
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DescribeSubnets",
      "ec2:DeleteNetworkInterface",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ]) {
      calls.push({ action, resource: "*", why: "Lambda manages the function's network interfaces" });
    }
  }
  return calls;
}

type Policy = { name: string; policy: { Version: string; Statement: Statement[] } };
type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
  Sid?: string;
};

/** The function's role: its name and its inline policies (evaluated). */
function roleOf(stack: EvaluatedStack, fn: FunctionKey): { id: string; arn: string; policies: Policy[] } {
  const role = (pkg.template.Resources[LOGICAL_ID[fn]]!.Properties as { Role: { "Fn::GetAtt": [string, string] } })
    .Role;
  const id = role["Fn::GetAtt"][0];
  const props = stack.properties(id) as {
    ManagedPolicyArns?: unknown;
    Policies: { PolicyName: string; PolicyDocument: Policy["policy"] }[];
  };
  // Managed policies would hide their statements from the simulation.
  expect(props.ManagedPolicyArns, id).toBeUndefined();
  return {
    id,
    arn: String(stack.getAtt(id, "Arn")),
    policies: props.Policies.map((p) => ({ name: p.PolicyName, policy: p.PolicyDocument })),
  };
}

/** Roles that trust the worker role, as DEPLOY.md has you set up each configured `eks.roleArn`. */
let trusting: string[] = [];

/**
 * The resource policies of the calls' targets: the trust policy of a configured role names the worker role (any other
 * role's leaves it to its account's IAM policies); a KMS key has the default key policy.
 */
function resourcePolicy(call: IamCall, workerRoleArn: string): unknown {
  if (call.action === "sts:AssumeRole") {
    const principal = trusting.includes(call.resource)
      ? workerRoleArn
      : `arn:aws:iam::${call.resource.split(":")[4]}:root`;
    return {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "sts:AssumeRole" }],
    };
  }
  if (call.action.startsWith("kms:")) {
    return {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${STACK.account}:root` }, Action: "kms:*", Resource: "*" },
      ],
    };
  }
  return undefined;
}

/** IAM's answer for `call` made by `fn`'s role session with `policies`. */
async function decide(
  fn: FunctionKey,
  role: { arn: string },
  policies: Policy[],
  call: IamCall,
  workerRoleArn: string,
) {
  const roleName = role.arn.slice(role.arn.lastIndexOf("/") + 1);
  const result = await runSimulation(
    {
      request: {
        // Lambda's session of the function's role is named after the function.
        principal: `arn:aws:sts::${STACK.account}:assumed-role/${roleName}/pns-prod-${fn}`,
        action: call.action,
        resource: {
          resource: call.resource,
          accountId: call.resource === "*" ? STACK.account : call.resource.split(":")[4]!,
        },
        contextVariables: call.context ?? {},
      },
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: resourcePolicy(call, workerRoleArn),
    },
    {},
  );
  if (result.resultType === "error")
    throw new Error(`${call.action} ${call.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

const key = (c: IamCall) => `${c.action} ${c.resource}`;

/** Calls no function's code makes, on the stack's own resources and on ones next to them. */
function neverCalls(t: Targets): IamCall[] {
  const { partition, region, account } = STACK;
  return [
    ...["dynamodb:UpdateItem", "dynamodb:Scan", "dynamodb:BatchWriteItem", "dynamodb:DeleteTable"].map((action) => ({
      action,
      resource: t.table,
      why: "no code calls it",
    })),
    {
      action: "lambda:InvokeFunction",
      resource: `arn:${partition}:lambda:${region}:${account}:function:pns-prod-slack`,
      why: "nobody invokes slack",
    },
    {
      action: "secretsmanager:GetSecretValue",
      resource: `arn:${partition}:secretsmanager:${region}:${account}:secret:pns/other-Xy12Zq`,
      why: "not configured",
    },
    {
      action: "eks:DescribeCluster",
      resource: `arn:${partition}:eks:${region}:${account}:cluster/other`,
      why: "not configured",
    },
    {
      action: "eks:DescribeCluster",
      resource: `arn:${partition}:eks:eu-central-1:${account}:cluster/partner`,
      why: "its role describes it",
    },
    { action: "sts:AssumeRole", resource: `arn:${partition}:iam::${account}:role/other`, why: "not configured" },
    {
      action: "ssm:GetParameter",
      resource: `arn:${partition}:ssm:${region}:${account}:parameter/pns/prod/other`,
      why: "not the configuration's",
    },
    ...(t.configParameter
      ? ["ssm:PutParameter", "ssm:GetParameters", "ssm:GetParametersByPath"].map((action) => ({
          action,
          resource: t.configParameter!,
          why: "pns only reads its parameter",
        }))
      : []),
  ];
}

describe("IAM, simulated from the template's policies", () => {
  it.each(VARIANTS)(
    "with $name: each role is allowed exactly what its functions' code and Lambda call",
    async ({ parameters }) => {
      const stack = evaluateStack(pkg.template, parameters);
      const t = targets(stack, await readFile(PACKAGE_CONFIG, "utf8"));
      trusting = t.roles;
      const expected = {} as Record<FunctionKey, IamCall[]>;
      for (const fn of FUNCTIONS) {
        const code = codeCalls(pkg.inputs[fn], t);
        expected[fn] = [...code, ...platformCalls(stack, fn, code)];
      }
      const workerRole = roleOf(stack, "worker");
      const wrong: string[] = [];
      for (const fn of FUNCTIONS) {
        const role = roleOf(stack, fn);
        // The worker and the janitor share one role (one trust level): each may make the other's calls.
        const sameRole = FUNCTIONS.filter((other) => roleOf(stack, other).id === role.id);
        const mine = new Set(sameRole.flatMap((other) => expected[other]).map(key));
        for (const call of expected[fn]) {
          const answer = await decide(fn, role, role.policies, call, workerRole.arn);
          if (answer !== "Allowed") wrong.push(`${fn} is ${answer} ${key(call)} (${call.why})`);
        }
        const others = FUNCTIONS.flatMap((other) => expected[other]).filter((c) => !mine.has(key(c)));
        for (const call of [...others, ...neverCalls(t)]) {
          const answer = await decide(fn, role, role.policies, call, workerRole.arn);
          if (answer === "Allowed") wrong.push(`${fn} is allowed ${key(call)}, which no code of its role calls`);
        }
      }
      // Every action and resource a role grants serves a call of a function with that role.
      for (const roleId of new Set(FUNCTIONS.map((fn) => roleOf(stack, fn).id))) {
        const users = FUNCTIONS.filter((fn) => roleOf(stack, fn).id === roleId);
        const role = roleOf(stack, users[0]!);
        for (const { name, policy } of role.policies) {
          for (const s of policy.Statement) {
            expect(s.Effect, `${roleId} ${name} ${s.Sid}`).toBe("Allow");
            for (const action of [s.Action].flat()) {
              for (const resource of [s.Resource].flat()) {
                const single: Policy[] = [
                  {
                    name,
                    policy: { Version: "2012-10-17", Statement: [{ ...s, Action: action, Resource: resource }] },
                  },
                ];
                let used = false;
                for (const fn of users) {
                  for (const call of expected[fn].filter((c) => c.action === action)) {
                    if ((await decide(fn, role, single, call, workerRole.arn)) === "Allowed") used = true;
                  }
                }
                if (!used)
                  wrong.push(`${roleId} grants ${action} on ${resource}, which no call of ${users.join("/")} needs`);
              }
            }
          }
        }
      }
      expect(wrong).toEqual([]);
    },
  );

  it("denies the slack function every cluster: eks:DescribeCluster, sts:AssumeRole and the kubeconfig secrets", async () => {
    const stack = evaluateStack(pkg.template, ALL_OPTIONS);
    const t = targets(stack, await readFile(PACKAGE_CONFIG, "utf8"));
    trusting = t.roles;
    const worker = roleOf(stack, "worker");
    const slack = roleOf(stack, "slack");
    expect(slack.id).not.toBe(worker.id);
    const clusterCalls: IamCall[] = [
      ...t.clusters.map((resource) => ({ action: "eks:DescribeCluster", resource, why: "" })),
      ...t.roles.map((resource) => ({ action: "sts:AssumeRole", resource, why: "" })),
      ...t.kubeconfigSecrets.map((resource) => ({ action: "secretsmanager:GetSecretValue", resource, why: "" })),
    ];
    // One of each kind in the configuration (test/deploy/fixtures/pns.config.yaml), both secret forms.
    expect(clusterCalls.map((c) => c.action)).toEqual([
      "eks:DescribeCluster",
      "eks:DescribeCluster",
      "sts:AssumeRole",
      "secretsmanager:GetSecretValue",
      "secretsmanager:GetSecretValue",
    ]);
    for (const call of clusterCalls) {
      expect(await decide("slack", slack, slack.policies, call, worker.arn), key(call)).toBe("ImplicitlyDenied");
      expect(await decide("worker", worker, worker.policies, call, worker.arn), key(call)).toBe("Allowed");
    }
  });

  it("outputs the worker role, the one identity to map into clusters", () => {
    const stack = evaluateStack(pkg.template);
    expect(stack.value(pkg.template.Outputs?.WorkerRoleArn?.Value)).toBe(roleOf(stack, "worker").arn);
    const outputs = JSON.stringify(pkg.template.Outputs);
    expect(outputs).not.toContain("SlackRole");
  });
});
