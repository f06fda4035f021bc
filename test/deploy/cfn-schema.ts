/**
 * Checks a CloudFormation template against AWS's resource schemas as `@aws-cdk/aws-service-spec` carries them
 * (property names, types, required properties, allowed values, GetAtt attributes) and against the template rules
 * CloudFormation applies before creating anything: references that resolve, conditions that exist, no dependency
 * cycle (docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html).
 */
import { loadAwsServiceSpecSync } from "@aws-cdk/aws-service-spec";
import type { PropertyType, Resource, TypeDefinition } from "@aws-cdk/service-spec-types";
import type { Template } from "./package.js";

type SpecDb = ReturnType<typeof loadAwsServiceSpecSync>;

let loaded: SpecDb | undefined;
/** The schema database (about a second to load; loaded once). */
export function specDb(): SpecDb {
  loaded ??= loadAwsServiceSpecSync();
  return loaded;
}

/** Pseudo parameters (docs: pseudo-parameter-reference). */
export const PSEUDO_PARAMETERS = [
  "AWS::AccountId",
  "AWS::NotificationARNs",
  "AWS::NoValue",
  "AWS::Partition",
  "AWS::Region",
  "AWS::StackId",
  "AWS::StackName",
  "AWS::URLSuffix",
];

const TOP_LEVEL = [
  "AWSTemplateFormatVersion",
  "Description",
  "Metadata",
  "Parameters",
  "Rules",
  "Mappings",
  "Conditions",
  "Transform",
  "Resources",
  "Outputs",
];
const RESOURCE_KEYS = [
  "Type",
  "Properties",
  "DependsOn",
  "Condition",
  "DeletionPolicy",
  "UpdateReplacePolicy",
  "Metadata",
  "CreationPolicy",
  "UpdatePolicy",
];
const DELETION_POLICIES = ["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"];
const PARAMETER_TYPES = /^(String|Number|List<Number>|CommaDelimitedList|AWS::[A-Za-z0-9:]+|List<AWS::[A-Za-z0-9:]+>)$/;
const VALUE_FUNCTIONS = [
  "Ref",
  "Fn::GetAtt",
  "Fn::Sub",
  "Fn::Join",
  "Fn::If",
  "Fn::Select",
  "Fn::Split",
  "Fn::GetAZs",
  "Fn::ImportValue",
  "Fn::FindInMap",
  "Fn::Base64",
  "Fn::Cidr",
  "Fn::Length",
  "Fn::ToJsonString",
];
const CONDITION_FUNCTIONS = ["Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition"];

/** What an intrinsic function gives: a scalar, a list of scalars, an attribute of a known type, or anything. */
type Produced = { kind: "scalar" } | { kind: "list" } | { kind: "typed"; type: PropertyType } | { kind: "any" };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The one key of `{ "Fn::X": … }` or `{ Ref: … }`, when `value` is an intrinsic function call. */
function intrinsicName(value: unknown, names: string[]): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && names.includes(keys[0]!) ? keys[0] : undefined;
}

/** Every problem of `template`, each as "path: what is wrong"; empty when CloudFormation would accept it. */
export function checkTemplate(template: Template, db: SpecDb = specDb()): string[] {
  const problems: string[] = [];
  const report = (path: string, message: string) => problems.push(`${path}: ${message}`);
  const resources = template.Resources ?? {};
  const parameters = template.Parameters ?? {};
  const conditions = template.Conditions ?? {};
  const specs = new Map<string, Resource | undefined>();
  const specOf = (type: string): Resource | undefined => {
    if (!specs.has(type)) {
      specs.set(type, db.lookup("resource", "cloudFormationType", "equals", type)[0]);
    }
    return specs.get(type);
  };
  /** Resource → resources it depends on (Ref, GetAtt, Sub, DependsOn), for the cycle check. */
  const edges = new Map<string, Set<string>>();
  const depend = (from: string | undefined, to: string) => {
    if (!from) return;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from)!.add(to);
  };

  for (const key of Object.keys(template)) if (!TOP_LEVEL.includes(key)) report(key, "not a template section");
  for (const [name, p] of Object.entries(parameters)) {
    if (!PARAMETER_TYPES.test(p.Type)) report(`Parameters.${name}.Type`, `${p.Type} is not a parameter type`);
  }

  const refTarget = (target: unknown, path: string, owner: string | undefined, inCondition: boolean): Produced => {
    if (typeof target !== "string") {
      report(path, "Ref takes a logical ID");
      return { kind: "any" };
    }
    if (PSEUDO_PARAMETERS.includes(target))
      return target === "AWS::NotificationARNs" ? { kind: "list" } : { kind: "scalar" };
    const param = parameters[target];
    if (param) return /^(List<|CommaDelimitedList)/.test(param.Type) ? { kind: "list" } : { kind: "scalar" };
    if (resources[target] && !inCondition) {
      depend(owner, target);
      return { kind: "scalar" };
    }
    report(path, `Ref ${target}: no such ${inCondition ? "parameter" : "parameter or resource"}`);
    return { kind: "any" };
  };

  const getAtt = (resource: string, attribute: string, path: string, owner: string | undefined): Produced => {
    const target = resources[resource];
    if (!target) {
      report(path, `GetAtt ${resource}.${attribute}: no such resource`);
      return { kind: "any" };
    }
    depend(owner, resource);
    const spec = specOf(target.Type);
    const attr = spec?.attributes[attribute];
    if (spec && !attr) {
      report(
        path,
        `GetAtt ${resource}.${attribute}: ${target.Type} has no attribute ${attribute} (it has ${Object.keys(spec.attributes).join(", ") || "none"})`,
      );
      return { kind: "any" };
    }
    return attr ? { kind: "typed", type: attr.type } : { kind: "any" };
  };

  /** Checks an intrinsic function call and says what it gives. */
  const intrinsic = (name: string, arg: unknown, path: string, owner: string | undefined): Produced => {
    const at = `${path}.${name}`;
    switch (name) {
      case "Ref":
        return refTarget(arg, at, owner, false);
      case "Fn::GetAtt": {
        const parts = typeof arg === "string" ? [arg.slice(0, arg.indexOf(".")), arg.slice(arg.indexOf(".") + 1)] : arg;
        if (
          !Array.isArray(parts) ||
          parts.length !== 2 ||
          typeof parts[0] !== "string" ||
          typeof parts[1] !== "string"
        ) {
          report(at, "GetAtt takes [resource, attribute]");
          return { kind: "any" };
        }
        return getAtt(parts[0], parts[1], at, owner);
      }
      case "Fn::Sub": {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        if (typeof text !== "string" || !isObject(vars)) {
          report(at, "Sub takes a string, or [string, variables]");
          return { kind: "scalar" };
        }
        for (const v of Object.values(vars)) walk(v, `${at}[1]`, owner);
        for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const ref = m[1]!.trim();
          if (ref in vars) continue;
          const dot = ref.indexOf(".");
          if (dot > 0 && !ref.startsWith("AWS::")) getAtt(ref.slice(0, dot), ref.slice(dot + 1), at, owner);
          else refTarget(ref, at, owner, false);
        }
        return { kind: "scalar" };
      }
      case "Fn::Join":
        if (!Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== "string") {
          report(at, "Join takes [delimiter, list]");
        } else {
          checkValue(arg[1], { type: "array", element: { type: "string" } }, `${at}[1]`, owner);
        }
        return { kind: "scalar" };
      case "Fn::If": {
        if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== "string") {
          report(at, "If takes [condition, then, else]");
          return { kind: "any" };
        }
        if (!(arg[0] in conditions)) report(at, `no condition ${arg[0]}`);
        return { kind: "any" };
      }
      case "Fn::Split":
        walk(arg, at, owner);
        return { kind: "list" };
      case "Fn::GetAZs":
      case "Fn::Cidr":
        walk(arg, at, owner);
        return { kind: "list" };
      default:
        walk(arg, at, owner);
        return name === "Fn::Select" || name === "Fn::ImportValue" || name === "Fn::FindInMap"
          ? { kind: "any" }
          : { kind: "scalar" };
    }
  };

  /** Checks the references in a value of no particular type (JSON properties, outputs). */
  const walk = (value: unknown, path: string, owner: string | undefined): void => {
    const name = intrinsicName(value, VALUE_FUNCTIONS);
    if (name === "Fn::If") {
      const arg = (value as Record<string, unknown>)[name];
      intrinsic(name, arg, path, owner);
      if (Array.isArray(arg)) for (const branch of arg.slice(1)) walk(branch, `${path}.Fn::If`, owner);
      return;
    }
    if (name) {
      intrinsic(name, (value as Record<string, unknown>)[name], path, owner);
      return;
    }
    if (Array.isArray(value)) for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`, owner);
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`, owner);
  };

  const definition = (type: PropertyType & { type: "ref" }): TypeDefinition | undefined =>
    db.get("typeDefinition", (type.reference as { $ref: string }).$ref) as TypeDefinition | undefined;

  /** Problems of `value` as a `type`, collected apart (for unions), without reporting them. */
  const tryValue = (value: unknown, type: PropertyType, path: string, owner: string | undefined): string[] => {
    const before = problems.length;
    checkValue(value, type, path, owner);
    return problems.splice(before);
  };

  const produces = (p: Produced, type: PropertyType): boolean => {
    if (p.kind === "any") return true;
    if (type.type === "json" || type.type === "union") return true;
    const wantsList = type.type === "array";
    if (p.kind === "list") return wantsList;
    if (p.kind === "scalar") return ["string", "number", "integer", "boolean", "date-time"].includes(type.type);
    return (p.type.type === "array") === wantsList;
  };

  /** Checks `value` against a schema type, reporting what does not fit. */
  function checkValue(value: unknown, type: PropertyType, path: string, owner: string | undefined): void {
    const fn = intrinsicName(value, VALUE_FUNCTIONS);
    if (fn === "Fn::If") {
      const arg = (value as Record<string, unknown>)[fn];
      intrinsic(fn, arg, path, owner);
      if (Array.isArray(arg) && arg.length === 3) {
        for (const [i, branch] of [arg[1], arg[2]].entries()) {
          if (intrinsicName(branch, ["Ref"]) && (branch as { Ref: unknown }).Ref === "AWS::NoValue") continue;
          checkValue(branch, type, `${path}.Fn::If[${i + 1}]`, owner);
        }
      }
      return;
    }
    if (fn) {
      const produced = intrinsic(fn, (value as Record<string, unknown>)[fn], path, owner);
      if (!produces(produced, type)) report(path, `${fn} does not give a ${describe(type)}`);
      return;
    }
    switch (type.type) {
      case "string":
      case "date-time":
        if (!["string", "number", "boolean"].includes(typeof value))
          report(path, `expected a string, got ${show(value)}`);
        else if (type.type === "string" && type.allowedValues && !type.allowedValues.includes(String(value))) {
          report(path, `${show(value)} is not one of ${type.allowedValues.join(", ")}`);
        }
        return;
      case "number":
      case "integer": {
        // CloudFormation takes numbers given as strings.
        const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
        if (typeof n !== "number" || Number.isNaN(n)) report(path, `expected a ${type.type}, got ${show(value)}`);
        else if (type.type === "integer" && !Number.isInteger(n))
          report(path, `expected an integer, got ${show(value)}`);
        else if (type.type === "integer" && type.allowedValues && !type.allowedValues.includes(n)) {
          report(path, `${n} is not one of ${type.allowedValues.join(", ")}`);
        }
        return;
      }
      case "boolean":
        if (typeof value !== "boolean" && value !== "true" && value !== "false") {
          report(path, `expected a boolean, got ${show(value)}`);
        }
        return;
      case "null":
        if (value !== null) report(path, `expected null, got ${show(value)}`);
        return;
      case "json":
        walk(value, path, owner);
        return;
      case "tag":
        checkObject(
          value,
          { Key: { type: { type: "string" }, required: true }, Value: { type: { type: "string" }, required: true } },
          path,
          owner,
        );
        return;
      case "array":
        if (!Array.isArray(value)) report(path, `expected a list, got ${show(value)}`);
        else for (const [i, v] of value.entries()) checkValue(v, type.element, `${path}[${i}]`, owner);
        return;
      case "map":
        if (!isObject(value)) report(path, `expected a map, got ${show(value)}`);
        else for (const [k, v] of Object.entries(value)) checkValue(v, type.element, `${path}.${k}`, owner);
        return;
      case "ref": {
        const def = definition(type);
        if (!def) report(path, "the schema names a type it does not define");
        else checkObject(value, def.properties, path, owner);
        return;
      }
      case "union": {
        // A "json" alternative stands for the schema's loose form; a value of the shape of a typed alternative must
        // fit that one.
        const shape = Array.isArray(value) ? "array" : isObject(value) ? "object" : "scalar";
        const typed = type.types.filter((t) => t.type !== "json");
        const sameShape = typed.filter((t) =>
          shape === "array"
            ? t.type === "array"
            : shape === "object"
              ? ["ref", "map", "tag"].includes(t.type)
              : !["array", "ref", "map", "tag"].includes(t.type),
        );
        const candidates = sameShape.length > 0 || typed.length === type.types.length ? sameShape : [];
        if (candidates.length === 0) {
          if (type.types.some((t) => t.type === "json")) walk(value, path, owner);
          else report(path, `expected ${describe(type)}, got ${show(value)}`);
          return;
        }
        const tries = candidates.map((t) => tryValue(value, t, path, owner));
        if (tries.some((t) => t.length === 0)) {
          // Keep the reference checks (they did run): re-run the fitting alternative for its side effects only.
          checkValue(value, candidates[tries.findIndex((t) => t.length === 0)]!, path, owner);
          return;
        }
        problems.push(...tries.reduce((a, b) => (b.length < a.length ? b : a)));
        return;
      }
    }
  }

  function checkObject(
    value: unknown,
    properties: Record<string, { type: PropertyType; required?: boolean; previousTypes?: PropertyType[] }>,
    path: string,
    owner: string | undefined,
  ): void {
    if (!isObject(value)) {
      report(path, `expected an object, got ${show(value)}`);
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      const prop = properties[key];
      if (!prop) {
        report(`${path}.${key}`, `no such property (known: ${Object.keys(properties).join(", ")})`);
        continue;
      }
      const current = tryValue(v, prop.type, `${path}.${key}`, owner);
      const fitsOlder =
        current.length > 0 &&
        (prop.previousTypes ?? []).some((t) => tryValue(v, t, `${path}.${key}`, owner).length === 0);
      if (!fitsOlder) problems.push(...current);
    }
    for (const [key, prop] of Object.entries(properties)) {
      if (prop.required && !(key in value)) report(`${path}.${key}`, "required, missing");
    }
  }

  const checkCondition = (value: unknown, path: string): void => {
    const name = intrinsicName(value, CONDITION_FUNCTIONS);
    if (name === "Condition") {
      const target = (value as Record<string, unknown>).Condition;
      if (typeof target !== "string" || !(target in conditions)) report(path, `no condition ${String(target)}`);
      return;
    }
    if (name) {
      const args = (value as Record<string, unknown>)[name];
      if (!Array.isArray(args)) report(path, `${name} takes a list`);
      else for (const [i, a] of args.entries()) checkCondition(a, `${path}.${name}[${i}]`);
      return;
    }
    const ref = intrinsicName(value, VALUE_FUNCTIONS);
    if (ref === "Ref") refTarget((value as { Ref: unknown }).Ref, `${path}.Ref`, undefined, true);
    else if (ref === "Fn::GetAtt") report(path, "conditions cannot use GetAtt");
    else if (ref) walk(value, path, undefined);
  };
  for (const [name, condition] of Object.entries(conditions)) checkCondition(condition, `Conditions.${name}`);

  for (const [id, resource] of Object.entries(resources)) {
    const path = `Resources.${id}`;
    for (const key of Object.keys(resource))
      if (!RESOURCE_KEYS.includes(key)) report(`${path}.${key}`, "not a resource attribute");
    for (const policy of ["DeletionPolicy", "UpdateReplacePolicy"] as const) {
      const v = resource[policy];
      if (v !== undefined && !DELETION_POLICIES.includes(String(v)))
        report(`${path}.${policy}`, `${show(v)} is not a policy`);
    }
    if (resource.Condition !== undefined && !(String(resource.Condition) in conditions)) {
      report(`${path}.Condition`, `no condition ${show(resource.Condition)}`);
    }
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    for (const target of dependsOn) {
      if (typeof target !== "string" || !resources[target]) report(`${path}.DependsOn`, `no resource ${show(target)}`);
      else depend(id, target);
    }
    const spec = specOf(resource.Type);
    if (!spec) {
      report(`${path}.Type`, `${resource.Type} is not a CloudFormation resource type`);
      continue;
    }
    checkObject(resource.Properties ?? {}, spec.properties, `${path}.Properties`, id);
  }

  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (!("Value" in output)) report(`Outputs.${name}`, "has no Value");
    walk(output.Value, `Outputs.${name}.Value`, undefined);
  }

  for (const cycle of cycles(edges)) report("Resources", `dependency cycle: ${cycle.join(" → ")}`);
  return problems;
}

/** The dependency cycles of a graph, each as the path that closes it. */
export function cycles(edges: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

function describe(type: PropertyType): string {
  switch (type.type) {
    case "array":
      return `list of ${describe(type.element)}`;
    case "map":
      return `map of ${describe(type.element)}`;
    case "union":
      return type.types.map(describe).join(" or ");
    case "ref":
      return "structure";
    default:
      return type.type;
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
