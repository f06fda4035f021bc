import * as z from "zod";
import {
  clip,
  isClusterName,
  isDnsLabel,
  isSlackChannelId,
  isSlackGroupId,
  isSlackUserId,
} from "../command/kube-names.js";
import { closest } from "../command/suggest.js";
import { checkRedactPattern } from "../redact/redactor.js";
import { normalizeSignal, SIGNAL_NAMES } from "../signals.js";
import { DEBUG_PROFILE_NAMES } from "./debug-profiles.js";
import { formatDuration, parseDuration } from "./duration.js";
import { COPY_RISKS } from "./types.js";

/** Bounds of each duration setting, in milliseconds. */
export const DURATION_BOUNDS = {
  approvalTtl: { min: 30_000, max: 86_400_000 },
  containerLifetime: { min: 60_000, max: 86_400_000 },
  execTimeout: { min: 1_000, max: 300_000 },
} as const;

/** A mapping that rejects unknown keys, suggesting the closest known one. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === "unrecognized_keys") {
        // One line per key, in `keys` order: the formatter pairs them up to name each key's own path.
        return iss.keys
          .map((key) => {
            const near = closest(key, known);
            return near ? `unknown key, did you mean "${near}"?` : `unknown key; expected one of: ${known.join(", ")}`;
          })
          .join("\n");
      }
      if (iss.code === "invalid_type") {
        return iss.input === undefined ? "required" : `expected a mapping (key: value), got ${describe(iss.input)}`;
      }
      return undefined;
    },
  });
}

/** Names a YAML value's type for messages. */
export function describe(value: unknown): string {
  if (value === null) return "nothing (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `"${clip(value, 40)}"`;
  return String(value);
}

const nonEmpty = (what: string) => z.string().min(1, `${what} must not be empty`);

const glob = z
  .string()
  .min(1, "a namespace pattern must not be empty")
  .max(253, "a namespace pattern is at most 253 characters")
  .regex(/^[a-z0-9*?{}[\],!.-]+$/, 'use namespace names or globs like "shop-*" (lowercase letters, digits, -, *, ?)');

const globs = z.array(glob).min(1, 'list at least one namespace or glob, like ["*"]');

const duration = (bounds: { min: number; max: number }) =>
  z
    .string({
      error: (iss) =>
        iss.code === "invalid_type" && iss.input !== undefined
          ? `expected a duration like 15m, 900s or 1h30m, got ${describe(iss.input)}`
          : undefined,
    })
    .superRefine((s, ctx) => {
      const ms = parseDuration(s);
      if (ms === null) {
        ctx.addIssue({
          code: "custom",
          message: `"${clip(s, 40)}" is not a duration: write it like 15m, 900s or 1h30m`,
        });
      } else if (ms < bounds.min || ms > bounds.max) {
        ctx.addIssue({
          code: "custom",
          message: `${s} is out of range: use ${formatDuration(bounds.min)} to ${formatDuration(bounds.max)}`,
        });
      }
    });

const int = (min: number, max: number) =>
  z.number().int("must be a whole number").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

/** A Kubernetes resource quantity (`100m`, `0.5`, `64Mi`, `1G`), as YAML gives it: a string or a number. */
const quantity = z
  .union([z.string(), z.number().nonnegative()], {
    error: (iss) =>
      iss.input === undefined ? undefined : `expected a quantity like 100m or 64Mi, got ${describe(iss.input)}`,
  })
  .transform((q) => String(q))
  .refine(
    (q) => /^(?:\d+(?:\.\d+)?|\.\d+)(?:m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.test(q),
    "expected a quantity like 100m (cpu) or 64Mi (memory)",
  );

const copyRisk = z.string().superRefine((s, ctx) => {
  if ((COPY_RISKS as readonly string[]).includes(s)) return;
  const near = closest(s, COPY_RISKS);
  ctx.addIssue({
    code: "custom",
    message: `"${clip(s, 40)}" is not something a copy may be allowed${near ? ` (did you mean ${near}?)` : ""}; use ${COPY_RISKS.join(", ")}`,
  });
});

const cpuMemory = strict({ cpu: quantity.optional(), memory: quantity.optional() });

const userId = z.string().refine(isSlackUserId, "expected a Slack user ID (U… or W…); find it in the user's profile");
const groupId = z.string().refine(isSlackGroupId, "expected a Slack user-group ID (S…)");

const audienceEntry = z
  .string()
  .refine(
    (s) => s === "*" || isSlackUserId(s) || isSlackGroupId(s),
    'expected "*", a Slack user ID (U…/W…) or a user-group ID (S…)',
  );

const audience = z.preprocess(
  (v) => (v === "*" ? ["*"] : v),
  z.array(audienceEntry, {
    error: (iss) =>
      iss.code === "invalid_type" && iss.input !== undefined
        ? `expected "*" or a list of Slack user and user-group IDs, got ${describe(iss.input)}`
        : undefined,
  }),
);

const signalEntry = z.preprocess(
  (v) => (typeof v === "number" ? String(v) : v),
  z.string().superRefine((s, ctx) => {
    if (normalizeSignal(s) !== null) return;
    const near = closest(s.toUpperCase().replace(/^SIG/, ""), SIGNAL_NAMES);
    ctx.addIssue({
      code: "custom",
      message: `"${clip(s, 40)}" is not a signal pns sends${near ? ` (did you mean ${near}?)` : ""}; use ${SIGNAL_NAMES.join(", ")} or "*"`,
    });
  }),
);

const regexSource = z.string().superRefine((source, ctx) => {
  // The redactor's own check, so that the config accepts exactly what it can compile (including a `(?i)` prefix).
  const problem = checkRedactPattern(source);
  if (problem !== null) {
    const message = problem.includes("empty string")
      ? "the pattern matches the empty string: make it match at least one character"
      : `not a valid regular expression: ${problem}`;
    ctx.addIssue({ code: "custom", message });
    return;
  }
  // It can still match nothing somewhere other than at the start of the empty string (`x|`, `\\b`).
  const insensitive = source.startsWith("(?i)");
  const re = new RegExp(insensitive ? source.slice(4) : source, insensitive ? "gi" : "g");
  for (const sample of ["x", "a b", "token=abc123", "\n"]) {
    for (const m of sample.matchAll(re)) {
      if (m[0] === "") {
        ctx.addIssue({
          code: "custom",
          message: "the pattern can match the empty string: make it match at least one character",
        });
        return;
      }
    }
  }
});

const cluster = strict({
  kubeconfig: strict({ path: nonEmpty("path").optional(), context: nonEmpty("context").optional() })
    .nullable()
    .optional(),
  kubeconfigSecret: strict({ secretId: nonEmpty("secretId"), context: nonEmpty("context").optional() }).optional(),
  eks: strict({
    name: z.string().regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, "expected an EKS cluster name"),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "expected an AWS region like eu-west-1"),
    roleArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
        "expected an IAM role ARN like arn:aws:iam::123456789012:role/pns",
      )
      .optional(),
  }).optional(),
}).superRefine((c, ctx) => {
  const set = (["kubeconfig", "kubeconfigSecret", "eks"] as const).filter((k) => c[k] !== undefined);
  if (set.length !== 1) {
    ctx.addIssue({
      code: "custom",
      message: `set exactly one of kubeconfig, kubeconfigSecret, eks (found ${set.length === 0 ? "none" : set.join(" and ")})`,
    });
  }
});

const channel = strict({
  cluster: z.string().optional(),
  namespaces: globs,
  defaultNamespace: z
    .string()
    .refine(isDnsLabel, "expected a namespace name (lowercase letters, digits and -)")
    .optional(),
  approvalsChannel: z.string().refine(isSlackChannelId, "expected a Slack channel ID (C… or G…)").optional(),
});

const signalPolicy = strict({
  namespaces: globs,
  allowed: z.preprocess(
    (v) => (v === "*" ? [...SIGNAL_NAMES] : v),
    z.array(signalEntry).min(1, 'list at least one signal, or "*" for all; to refuse signals leave the namespaces out'),
  ),
  approval: z.enum(["required", "self", "none"]).optional(),
  approvalTtl: duration(DURATION_BOUNDS.approvalTtl).optional(),
  approvers: strict({ users: z.array(userId).optional(), groups: z.array(groupId).optional() }).optional(),
});

/** The shape of `pns.config.yaml`, before defaults and cross-references are applied. */
export const configFileSchema = strict({
  clusters: z
    .record(z.string().refine(isClusterName, 'not a valid cluster name: use letters, digits, "-", "_" or "."'), cluster)
    .optional(),
  defaultCluster: z.string().optional(),
  channels: z
    .record(
      z.string().refine((k) => k === "*" || isSlackChannelId(k), 'expected a Slack channel ID (C… or G…) or "*"'),
      channel,
    )
    .optional(),
  people: strict({
    ps: audience.optional(),
    cat: audience.optional(),
    inspect: audience.optional(),
    catSecrets: audience.optional(),
    signal: audience.optional(),
    approve: audience.optional(),
    admin: audience.optional(),
    copy: audience.optional(),
  }).optional(),
  signals: z.array(signalPolicy).optional(),
  debug: strict({
    image: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,254}$/, "expected a container image like busybox:1.36")
      .optional(),
    profile: z.enum(DEBUG_PROFILE_NAMES as [string, ...string[]]).optional(),
    readProfile: z.enum(DEBUG_PROFILE_NAMES as [string, ...string[]]).optional(),
    containerLifetime: duration(DURATION_BOUNDS.containerLifetime).optional(),
    strategy: z.enum(["auto", "ephemeral", "copy"]).optional(),
    maxProcesses: int(1, 100_000).optional(),
    maxFileBytes: int(1, 10 * 1024 * 1024).optional(),
    maxFileLines: int(1, 10_000).optional(),
    execTimeout: duration(DURATION_BOUNDS.execTimeout).optional(),
    maxEphemeralContainers: int(1, 100).optional(),
    copySameNode: z.boolean({ error: "expected true or false" }).optional(),
    resources: strict({ requests: cpuMemory.optional(), limits: cpuMemory.optional() }).optional(),
    copy: strict({
      allow: z.array(copyRisk).optional(),
      initContainers: z.boolean({ error: "expected true or false" }).optional(),
      maxPerChannel: int(1, 100).optional(),
    }).optional(),
  }).optional(),
  redaction: strict({ patterns: z.array(regexSource).optional() }).optional(),
  slack: strict({
    team: z
      .string()
      .regex(/^T[A-Z0-9]{2,20}$/, "expected a Slack workspace (team) ID like T0123ABCD")
      .optional(),
    enterprise: z
      .string()
      .regex(/^E[A-Z0-9]{2,20}$/, "expected a Slack Enterprise Grid organization ID like E0123ABCD")
      .optional(),
    allowExternalUsers: z.boolean().optional(),
  }).optional(),
  output: strict({ ps: z.enum(["ephemeral", "public"]).optional() }).optional(),
});

/** `pns.config.yaml` as written, validated for shape. */
export type ConfigFile = z.infer<typeof configFileSchema>;
