import { type Document, isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { isDnsLabel, isSlackGroupId, isSlackUserId } from "../command/kube-names.js";
import { closest } from "../command/suggest.js";
import { normalizeSignal, type SignalName } from "../signals.js";
import type { DebugProfile } from "./debug-profiles.js";
import {
  DEFAULT_APPROVAL_TTL_MS,
  DEFAULT_CLUSTER_NAME,
  DEFAULT_DEBUG,
  DEFAULT_NAMESPACE,
  DEFAULT_OUTPUT,
  defaultConfig,
  defaultKubeconfigPath,
  nobody,
} from "./defaults.js";
import { parseDuration } from "./duration.js";
import { globProblem, isGlob, namespaceMatches } from "./namespace-glob.js";
import { type ConfigFile, configFileSchema, describe } from "./schema.js";
import type {
  Audience,
  ChannelConfig,
  ClusterAccess,
  ConfigEnv,
  CopyRisk,
  ParseConfigResult,
  PnsConfig,
} from "./types.js";

/** Largest configuration text accepted. */
export const MAX_CONFIG_LENGTH = 1_000_000;

type Path = readonly PropertyKey[];

interface Problem {
  path: Path;
  message: string;
}

/** `clusters.prod.eks.region`, `signals[0].allowed[1]`, `channels["*"].cluster`. */
export function formatPath(path: Path): string {
  if (path.length === 0) return "(top level)";
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (typeof seg === "string" && /^[A-Za-z0-9_-]+$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** Messages for zod's own issues, in the words of a YAML file. */
function messageFor(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case "invalid_type": {
      if (iss.input === undefined) return "required";
      const expected: Record<string, string> = {
        object: "a mapping (key: value)",
        array: "a list",
        string: "text",
        number: "a number",
        int: "a whole number",
        boolean: "true or false",
      };
      return `expected ${expected[iss.expected] ?? iss.expected}, got ${describe(iss.input)}`;
    }
    case "invalid_value": {
      const values = iss.values.map(String);
      const near = typeof iss.input === "string" ? closest(iss.input, values) : null;
      return `expected one of ${values.join(", ")}, got ${describe(iss.input)}${near ? ` (did you mean ${near}?)` : ""}`;
    }
    default:
      return undefined;
  }
}

/** The line of the YAML node at `path` (or of its nearest existing parent), for error messages. */
function lineOf(doc: Document, lines: LineCounter, path: Path, unknownKey?: string): number | null {
  const keys = path.map((p) => (typeof p === "symbol" ? String(p) : p));
  for (let n = keys.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    if (node && typeof node === "object" && "range" in node && Array.isArray(node.range)) {
      if (unknownKey !== undefined && n === keys.length && isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === unknownKey);
        if (pair && isScalar(pair.key) && pair.key.range) return lines.linePos(pair.key.range[0]).line;
      }
      return lines.linePos(node.range[0] as number).line;
    }
  }
  return null;
}

function issueMessages(issues: z.core.$ZodIssue[], where: (path: Path, key?: string) => string): string[] {
  const out: string[] = [];
  for (const iss of issues) {
    if (iss.code === "unrecognized_keys") {
      const lines = iss.message.split("\n");
      iss.keys.forEach((key, i) => {
        out.push(`${formatPath([...iss.path, key])}: ${lines[i] ?? "unknown key"}${where(iss.path, key)}`);
      });
    } else if (iss.code === "invalid_key") {
      out.push(`${formatPath(iss.path)}: ${iss.issues[0]?.message ?? iss.message}${where(iss.path)}`);
    } else if (iss.code === "invalid_union") {
      out.push(`${formatPath(iss.path)}: ${iss.message}${where(iss.path)}`);
    } else {
      out.push(`${formatPath(iss.path)}: ${iss.message}${where(iss.path)}`);
    }
  }
  return out;
}

/** An audience as written; an omitted one is nobody (fail closed: a forgotten key grants nothing). */
function audienceOf(entries: string[] | undefined): Audience {
  if (entries === undefined) return nobody();
  return {
    everyone: entries.includes("*"),
    users: [...new Set(entries.filter(isSlackUserId))],
    groups: [...new Set(entries.filter(isSlackGroupId))],
  };
}

function clusterAccessOf(c: NonNullable<ConfigFile["clusters"]>[string], env: ConfigEnv): ClusterAccess {
  if (c.eks) return { kind: "eks", name: c.eks.name, region: c.eks.region, roleArn: c.eks.roleArn ?? null };
  if (c.kubeconfigSecret) {
    return {
      kind: "kubeconfigSecret",
      secretId: c.kubeconfigSecret.secretId,
      context: c.kubeconfigSecret.context ?? null,
    };
  }
  return {
    kind: "kubeconfig",
    path: c.kubeconfig?.path ?? defaultKubeconfigPath(env),
    context: c.kubeconfig?.context ?? null,
  };
}

/** Applies defaults and checks what refers to what (clusters, namespaces); `file` has the right shape already. */
function resolve(file: ConfigFile, env: ConfigEnv, problems: Problem[]): PnsConfig {
  const base = defaultConfig(env);
  const report = (path: Path, message: string): void => {
    problems.push({ path, message });
  };
  const clusters: Record<string, ClusterAccess> = {};
  if (file.clusters) {
    for (const [name, c] of Object.entries(file.clusters)) clusters[name] = clusterAccessOf(c, env);
    if (Object.keys(clusters).length === 0) {
      report(["clusters"], "list at least one cluster, or leave clusters out to use KUBECONFIG's current context");
    }
  } else {
    Object.assign(clusters, base.clusters);
  }
  const names = Object.keys(clusters);
  const knownCluster = (name: string, path: Path): void => {
    if (Object.hasOwn(clusters, name)) return;
    const near = closest(name, names);
    const hint = near ? `; did you mean "${near}"?` : `; clusters are ${names.join(", ") || "(none)"}`;
    report(path, `"${name}" is not a cluster in clusters${hint}`);
  };
  let defaultCluster = file.defaultCluster ?? (names.length === 1 ? names[0]! : null);
  if (file.defaultCluster !== undefined) {
    knownCluster(file.defaultCluster, ["defaultCluster"]);
  } else if (defaultCluster === null && names.length > 1) {
    report(["defaultCluster"], `required when there is more than one cluster (${names.join(", ")})`);
  }
  defaultCluster ??= DEFAULT_CLUSTER_NAME;

  let channels: Record<string, ChannelConfig>;
  if (file.channels) {
    channels = {};
    for (const [id, ch] of Object.entries(file.channels)) {
      const cluster = ch.cluster ?? defaultCluster;
      if (ch.cluster !== undefined) knownCluster(ch.cluster, ["channels", id, "cluster"]);
      ch.namespaces.forEach((p, i) => {
        const problem = globProblem(p);
        if (problem) report(["channels", id, "namespaces", i], problem);
      });
      let defaultNamespace = ch.defaultNamespace;
      if (defaultNamespace !== undefined && !namespaceMatches(defaultNamespace, ch.namespaces)) {
        report(
          ["channels", id, "defaultNamespace"],
          `"${defaultNamespace}" is not among the allowed namespaces (${ch.namespaces.join(", ")})`,
        );
      }
      if (defaultNamespace === undefined) {
        defaultNamespace = ch.namespaces.find((p) => !isGlob(p) && isDnsLabel(p));
        if (defaultNamespace === undefined && namespaceMatches(DEFAULT_NAMESPACE, ch.namespaces))
          defaultNamespace = DEFAULT_NAMESPACE;
        if (defaultNamespace === undefined) {
          report(["channels", id, "defaultNamespace"], "required, because every entry in namespaces is a glob");
          defaultNamespace = DEFAULT_NAMESPACE;
        }
      }
      channels[id] = {
        cluster,
        namespaces: ch.namespaces,
        defaultNamespace,
        approvalsChannel: ch.approvalsChannel ?? null,
      };
    }
  } else {
    // No channels: none is bound, so every command is refused with "pns is not set up for this channel".
    channels = { ...base.channels };
  }

  const signals = file.signals
    ? file.signals.map((s, i) => {
        if (s.approval === "none" && s.approvers) {
          report(["signals", i, "approvers"], "approvers apply only when approval is required or self");
        }
        const allowed = [
          ...new Set(s.allowed.map((a) => normalizeSignal(String(a))).filter((a): a is SignalName => a !== null)),
        ];
        return {
          namespaces: s.namespaces,
          allowed,
          approval: s.approval ?? "required",
          approvalTtlMs: s.approvalTtl
            ? (parseDuration(s.approvalTtl) ?? DEFAULT_APPROVAL_TTL_MS)
            : DEFAULT_APPROVAL_TTL_MS,
          approvers: { users: [...new Set(s.approvers?.users ?? [])], groups: [...new Set(s.approvers?.groups ?? [])] },
        };
      })
    : base.signals;

  const d = file.debug ?? {};
  const ms = (s: string | undefined, fallback: number): number => (s ? (parseDuration(s) ?? fallback) : fallback);
  return {
    clusters,
    defaultCluster,
    channels,
    people: {
      ps: audienceOf(file.people?.ps),
      cat: audienceOf(file.people?.cat),
      // A process's environment holds what its command line does not: only the admins, unless the file says.
      inspect: file.people?.inspect ? audienceOf(file.people.inspect) : audienceOf(file.people?.admin),
      catSecrets: audienceOf(file.people?.catSecrets ?? []),
      signal: audienceOf(file.people?.signal),
      approve: audienceOf(file.people?.approve),
      admin: audienceOf(file.people?.admin),
      // Copies run a second instance of the app: unless named, only admins may make them.
      copy: file.people?.copy === undefined ? audienceOf(file.people?.admin) : audienceOf(file.people.copy),
    },
    signals,
    debug: {
      image: d.image ?? DEFAULT_DEBUG.image,
      profile: (d.profile as DebugProfile | undefined) ?? DEFAULT_DEBUG.profile,
      readProfile: (d.readProfile as DebugProfile | undefined) ?? DEFAULT_DEBUG.readProfile,
      containerLifetimeMs: ms(d.containerLifetime, DEFAULT_DEBUG.containerLifetimeMs),
      strategy: d.strategy ?? DEFAULT_DEBUG.strategy,
      maxProcesses: d.maxProcesses ?? DEFAULT_DEBUG.maxProcesses,
      maxFileBytes: d.maxFileBytes ?? DEFAULT_DEBUG.maxFileBytes,
      maxFileLines: d.maxFileLines ?? DEFAULT_DEBUG.maxFileLines,
      execTimeoutMs: ms(d.execTimeout, DEFAULT_DEBUG.execTimeoutMs),
      maxEphemeralContainers: d.maxEphemeralContainers ?? DEFAULT_DEBUG.maxEphemeralContainers,
      copySameNode: d.copySameNode ?? DEFAULT_DEBUG.copySameNode,
      resources: {
        requests: { ...DEFAULT_DEBUG.resources.requests, ...d.resources?.requests },
        limits: { ...DEFAULT_DEBUG.resources.limits, ...d.resources?.limits },
      },
      copy: {
        allow: [...new Set((d.copy?.allow ?? []) as CopyRisk[])],
        initContainers: d.copy?.initContainers ?? DEFAULT_DEBUG.copy.initContainers,
        maxPerChannel: d.copy?.maxPerChannel ?? DEFAULT_DEBUG.copy.maxPerChannel,
      },
    },
    redaction: { patterns: file.redaction?.patterns ?? [] },
    slack: {
      team: file.slack?.team ?? null,
      enterprise: file.slack?.enterprise ?? null,
      allowExternalUsers: file.slack?.allowExternalUsers ?? false,
    },
    output: { ps: file.output?.ps ?? DEFAULT_OUTPUT.ps },
  };
}

/**
 * Parses and validates the text of `pns.config.yaml`. Never throws: every problem is listed at once, each naming its
 * path (`clusters.prod.eks.region: required (line 4)`); an empty file gives {@link defaultConfig}, which serves nobody.
 */
export function parseConfig(yamlText: string, env: ConfigEnv = {}): ParseConfigResult {
  if (yamlText.length > MAX_CONFIG_LENGTH) {
    return {
      ok: false,
      errors: [`the configuration is ${yamlText.length} characters long; at most ${MAX_CONFIG_LENGTH} are allowed`],
    };
  }
  const lines = new LineCounter();
  let data: unknown;
  let doc: Document;
  try {
    // logLevel "error": odd keys (a map as a key) would print a process warning; the schema refuses them anyway.
    doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
    if (doc.errors.length > 0) {
      return {
        ok: false,
        errors: doc.errors.map((e) => {
          const pos = lines.linePos(e.pos[0]);
          return `line ${pos.line}, column ${pos.col}: ${e.message}`;
        }),
      };
    }
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, errors: [`the configuration is not valid YAML: ${(err as Error).message}`] };
  }
  return validateConfig(data, env, (path, key) => {
    const line = lineOf(doc, lines, path, key);
    return line === null ? "" : ` (line ${line})`;
  });
}

/**
 * Validates an already-parsed configuration object (what the YAML file holds) and fills in defaults; `null` or
 * `undefined` give the defaults. `where` adds a location to each message, like ` (line 4)`.
 */
export function validateConfig(
  data: unknown,
  env: ConfigEnv = {},
  where: (path: Path, key?: string) => string = () => "",
): ParseConfigResult {
  const parsed = configFileSchema.safeParse(data ?? {}, { error: messageFor });
  if (!parsed.success) return { ok: false, errors: issueMessages(parsed.error.issues, where) };
  const problems: Problem[] = [];
  const config = resolve(parsed.data, env, problems);
  if (problems.length === 0) return { ok: true, config };
  return { ok: false, errors: problems.map((p) => `${formatPath(p.path)}: ${p.message}${where(p.path)}`) };
}
