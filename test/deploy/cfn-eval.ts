/**
 * Evaluates a template's intrinsic functions the way CloudFormation would for one stack: pseudo parameters,
 * parameter values, conditions, and the physical IDs and attributes of the resources the policies name
 * (docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html; each resource type's
 * "Return values" section for Ref and GetAtt).
 */
import type { Template } from "./package.js";

/** Where the evaluated stack is. */
export interface StackPlace {
  partition: string;
  region: string;
  account: string;
  stackName: string;
}

/** The place the checks evaluate the stack in. */
export const STACK: StackPlace = {
  partition: "aws",
  region: "eu-west-1",
  account: "123456789012",
  stackName: "pns-prod",
};

const NO_VALUE = Symbol("AWS::NoValue");

/** A template evaluated for one stack: resource properties with every intrinsic function replaced by its value. */
export interface EvaluatedStack {
  place: StackPlace;
  /** Evaluates any part of the template. */
  value(v: unknown): unknown;
  /** A resource's properties, evaluated. */
  properties(logicalId: string): Record<string, unknown>;
  /** `Ref` of a resource or parameter. */
  ref(logicalId: string): unknown;
  /** `Fn::GetAtt`. */
  getAtt(logicalId: string, attribute: string): unknown;
  condition(name: string): boolean;
}

/** Evaluates `template` in `place` with these parameter values (others take their defaults). */
export function evaluateStack(
  template: Template,
  parameters: Record<string, string> = {},
  place: StackPlace = STACK,
): EvaluatedStack {
  const { partition, region, account, stackName } = place;
  const pseudo: Record<string, unknown> = {
    "AWS::Partition": partition,
    "AWS::Region": region,
    "AWS::AccountId": account,
    "AWS::StackName": stackName,
    "AWS::StackId": `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/00000000-0000-0000-0000-000000000000`,
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NotificationARNs": [],
    "AWS::NoValue": NO_VALUE,
  };
  const resources = template.Resources;
  const paramValue = (name: string): unknown => {
    const p = template.Parameters?.[name];
    if (!p) throw new Error(`no parameter ${name}`);
    const raw = parameters[name] ?? (p.Default === undefined ? undefined : String(p.Default));
    if (raw === undefined) throw new Error(`parameter ${name} has no value and no default`);
    return p.Type === "CommaDelimitedList" || p.Type.startsWith("List<") ? raw.split(",") : raw;
  };
  // CloudFormation names what the template does not: <stack>-<logical ID>-<random>.
  const generated = (id: string) => `${stackName}-${id}-1A2B3C4D5E6F`;
  const prop = (id: string, name: string) => {
    const v = evaluate(resources[id]?.Properties?.[name]);
    return v === undefined ? generated(id) : v;
  };

  const ref = (id: string): unknown => {
    if (id in pseudo) return pseudo[id];
    if (template.Parameters?.[id]) return paramValue(id);
    const r = resources[id];
    if (!r) throw new Error(`no resource ${id}`);
    switch (r.Type) {
      case "AWS::DynamoDB::Table":
        return prop(id, "TableName");
      case "AWS::Logs::LogGroup":
        return prop(id, "LogGroupName");
      case "AWS::Lambda::Function":
        return prop(id, "FunctionName");
      case "AWS::IAM::Role":
        return prop(id, "RoleName");
      case "AWS::SQS::Queue":
        return `https://sqs.${region}.amazonaws.com/${account}/${prop(id, "QueueName")}`;
      case "AWS::ApiGatewayV2::Api":
        return "a1b2c3d4e5";
      case "AWS::S3::Bucket":
        return String(prop(id, "BucketName")).toLowerCase();
      default:
        throw new Error(`Ref of ${r.Type} (${id}) is not modelled`);
    }
  };

  const getAtt = (id: string, attribute: string): unknown => {
    const r = resources[id];
    if (!r) throw new Error(`no resource ${id}`);
    const key = `${r.Type}.${attribute}`;
    switch (key) {
      case "AWS::DynamoDB::Table.Arn":
        return `arn:${partition}:dynamodb:${region}:${account}:table/${ref(id)}`;
      case "AWS::Logs::LogGroup.Arn":
        return `arn:${partition}:logs:${region}:${account}:log-group:${ref(id)}:*`;
      case "AWS::Lambda::Function.Arn":
        return `arn:${partition}:lambda:${region}:${account}:function:${ref(id)}`;
      case "AWS::IAM::Role.Arn":
        return `arn:${partition}:iam::${account}:role/${ref(id)}`;
      case "AWS::SQS::Queue.Arn":
        return `arn:${partition}:sqs:${region}:${account}:${prop(id, "QueueName")}`;
      case "AWS::SQS::Queue.QueueName":
        return prop(id, "QueueName");
      case "AWS::ApiGatewayV2::Api.ApiEndpoint":
        return `https://${ref(id)}.execute-api.${region}.amazonaws.com`;
      default:
        throw new Error(`GetAtt ${key} (${id}) is not modelled`);
    }
  };

  const conditions = new Map<string, boolean>();
  const condition = (name: string): boolean => {
    if (!conditions.has(name)) {
      const c = template.Conditions?.[name];
      if (c === undefined) throw new Error(`no condition ${name}`);
      conditions.set(name, Boolean(evaluate(c)));
    }
    return conditions.get(name)!;
  };

  const sub = (text: string, vars: Record<string, unknown>): string =>
    text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
      if (name.startsWith("!")) return `\${${name.slice(1)}}`;
      if (name in vars) return String(evaluate(vars[name]));
      const dot = name.indexOf(".");
      if (dot > 0 && !name.startsWith("AWS::")) return String(getAtt(name.slice(0, dot), name.slice(dot + 1)));
      const v = ref(name);
      if (typeof v !== "string") throw new Error(`Sub ${whole} is not a string`);
      return v;
    });

  function evaluate(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(evaluate).filter((x) => x !== NO_VALUE);
    if (typeof v !== "object" || v === null) return v;
    const entries = Object.entries(v);
    if (entries.length === 1) {
      const [fn, arg] = entries[0]! as [string, unknown];
      const args = arg as unknown[];
      switch (fn) {
        case "Ref":
          return ref(String(arg));
        case "Fn::GetAtt":
          return typeof arg === "string"
            ? getAtt(arg.slice(0, arg.indexOf(".")), arg.slice(arg.indexOf(".") + 1))
            : getAtt(String(args[0]), String(args[1]));
        case "Fn::Sub":
          return Array.isArray(arg) ? sub(String(args[0]), args[1] as Record<string, unknown>) : sub(String(arg), {});
        case "Fn::Join":
          return (evaluate(args[1]) as unknown[]).join(String(args[0]));
        case "Fn::Select":
          return (evaluate(args[1]) as unknown[])[Number(evaluate(args[0]))];
        case "Fn::Split":
          return String(evaluate(args[1])).split(String(args[0]));
        case "Fn::If":
          return evaluate(condition(String(args[0])) ? args[1] : args[2]);
        case "Fn::Equals":
          return JSON.stringify(evaluate(args[0])) === JSON.stringify(evaluate(args[1]));
        case "Fn::Not":
          return !evaluate(args[0]);
        case "Fn::And":
          return args.every((a) => evaluate(a));
        case "Fn::Or":
          return args.some((a) => evaluate(a));
        case "Condition":
          return condition(String(arg));
      }
      if (fn.startsWith("Fn::")) throw new Error(`${fn} is not modelled`);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of entries) {
      const e = evaluate(x);
      if (e !== NO_VALUE) out[k] = e;
    }
    return out;
  }

  return {
    place,
    value: evaluate,
    properties: (id) => {
      const r = resources[id];
      if (!r) throw new Error(`no resource ${id}`);
      return evaluate(r.Properties ?? {}) as Record<string, unknown>;
    },
    ref,
    getAtt,
    condition,
  };
}
