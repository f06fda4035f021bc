/**
 * A Pod Security admission refusal, read from the API server's message, and the one sentence pns says about it.
 *
 * The message, as kubernetes staging/src/k8s.io/pod-security-admission words it: admission/admission.go
 * `violates PodSecurity %q: %s` (newer releases `pod violates PodSecurity %q: %s`; the apiserver plugin prefixes
 * `pods "x" is forbidden: `), the level as `<level>:<version>` (api.LevelVersion), then policy/checks.go
 * `ForbiddenDetail`: `reason (detail), reason (detail)`, each check's detail naming its containers
 * (`container "a"`, `containers "a", "b"`, policy/helpers.go pluralize and joinQuote) and, for capabilities,
 * `must not include "SYS_PTRACE" in securityContext.capabilities.add` (check_capabilities_baseline.go).
 */
import type { DebugProfile } from "../config/debug-profiles.js";

/** A Pod Security level; `privileged` enforces nothing. */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** One failed check: its reason (`runAsNonRoot != true`), its detail, and the containers it names. */
export interface PodSecurityCheck {
  reason: string;
  detail: string;
  containers: string[];
  /** Capabilities named (`"SYS_PTRACE"`), for the capability checks. */
  capabilities: string[];
}

/** A parsed refusal: the enforced level and version, and each failed check. */
export interface PodSecurityRefusal {
  /** The level as the server named it (`baseline`, `restricted`). */
  level: string;
  /** `latest` or `v1.30`. */
  version: string;
  checks: PodSecurityCheck[];
}

const VIOLATES = /violates PodSecurity "([^":]+)(?::([^"]*))?": (.*)$/s;

/** Splits `reason (detail), reason (detail)` at the top-level commas, keeping quoted text and nested parentheses. */
function splitChecks(text: string): { reason: string; detail: string }[] {
  const out: { reason: string; detail: string }[] = [];
  let depth = 0;
  let quoted = false;
  let reason = "";
  let detail = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '"' && text[i - 1] !== "\\") quoted = !quoted;
    if (!quoted && ch === "(") {
      depth++;
      if (depth === 1) continue;
    }
    if (!quoted && ch === ")") {
      depth--;
      if (depth === 0) continue;
    }
    if (!quoted && depth === 0 && ch === "," && text[i + 1] === " ") {
      out.push({ reason: reason.trim(), detail: detail.trim() });
      reason = "";
      detail = "";
      i++;
      continue;
    }
    if (depth > 0) detail += ch;
    else reason += ch;
  }
  if (reason.trim() || detail.trim()) out.push({ reason: reason.trim(), detail: detail.trim() });
  return out;
}

const CONTAINERS = /\bcontainers? ((?:"[^"]*"(?:, )?)+)/g;
const CAPABILITIES = /must not include ((?:"[^"]*"(?:, )?)+) in securityContext\.capabilities\.add/g;

function quotedList(list: string): string[] {
  return [...list.matchAll(/"([^"]*)"/g)].map((m) => m[1] ?? "");
}

/** Reads a Pod Security refusal from a server message; null when the message is not one. */
export function parsePodSecurityRefusal(message: string): PodSecurityRefusal | null {
  const m = VIOLATES.exec(message.replace(/\s+/g, " ").trim());
  if (!m) return null;
  const checks = splitChecks(m[3] ?? "").map(({ reason, detail }) => ({
    reason,
    detail,
    containers: [...new Set([...detail.matchAll(CONTAINERS)].flatMap((c) => quotedList(c[1] ?? "")))],
    capabilities: [...new Set([...detail.matchAll(CAPABILITIES)].flatMap((c) => quotedList(c[1] ?? "")))],
  }));
  return { level: m[1] ?? "", version: m[2] || "latest", checks };
}

// SYS_PTRACE is not among baseline's allowed capabilities (policy/check_capabilities_baseline.go), so `general`
// passes only `privileged`; `restricted` sets everything policy/check_*.go asks of the restricted level.
const LEVEL_OF_PROFILE: Record<DebugProfile, PodSecurityLevel> = {
  general: "privileged",
  baseline: "baseline",
  restricted: "restricted",
  netadmin: "privileged",
  sysadmin: "privileged",
};
const RANK: Record<PodSecurityLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };

/** The highest Pod Security level a debug profile's container passes. */
export function levelOfProfile(profile: DebugProfile): PodSecurityLevel {
  return LEVEL_OF_PROFILE[profile];
}

/** A level named by the server, as one pns knows; an unknown name counts as `restricted` (the strictest). */
export function knownLevel(level: string): PodSecurityLevel {
  return level === "privileged" || level === "baseline" ? level : "restricted";
}

/** The profiles a retry may offer, most capable first: kubectl's three Pod Security-shaped ones. */
export const RETRY_PROFILES = ["general", "baseline", "restricted"] as const satisfies readonly DebugProfile[];

/** One of {@link RETRY_PROFILES}. */
export type RetryProfile = (typeof RETRY_PROFILES)[number];

/** What the command needs its debug container for. */
export type DebugAction = "list" | "signal" | "read";

/**
 * Whether a profile's debug container can do the action. Listing and signalling need no SYS_PTRACE (CAP_KILL is in
 * the default set; `restricted` runs as the target's uid); reading another uid's files does, so a read is served
 * by `general`, or by a profile that runs as the target's own uid (`restricted` takes a non-root target uid,
 * `baseline` runs as root like a root target).
 */
export function servesAction(profile: DebugProfile, action: DebugAction, targetUid: number | null): boolean {
  if (action !== "read") return true;
  if (profile === "general" || profile === "sysadmin") return true;
  if (profile === "restricted") return targetUid !== null && targetUid > 0;
  if (profile === "baseline") return targetUid === 0;
  return false;
}

/**
 * True when a retry may use `profile` instead of the configured one: it is one of {@link RETRY_PROFILES} and passes
 * a stricter Pod Security level than `configured`, so a retry (or a forged button) only ever lowers privilege.
 */
export function isRetryProfile(profile: string, configured: DebugProfile): profile is DebugProfile {
  const known = (RETRY_PROFILES as readonly string[]).includes(profile);
  return known && RANK[LEVEL_OF_PROFILE[profile as DebugProfile]] > RANK[LEVEL_OF_PROFILE[configured]];
}

/** True when a check names a container that is not pns's debug container (the pod itself violates the level). */
function namesOthers(check: PodSecurityCheck, isDebugContainer: (name: string) => boolean): boolean {
  return check.containers.some((c) => !isDebugContainer(c));
}

/** What pns makes of a refusal: the sentence's parts, and the profile a retry would use (null: none helps). */
export interface PodSecurityAdvice {
  level: string;
  /** The fields that failed, as short phrases: `capabilities "SYS_PTRACE"`, `runAsNonRoot != true`. */
  fields: string[];
  /** The profile pns tried. */
  tried: DebugProfile;
  /** A profile that passes the level and serves the action; null when none does. */
  retry: RetryProfile | null;
  /** Containers of the pod itself that violate the level: no debug profile helps then. */
  podContainers: string[];
}

/** The failed field of one check, in a few words. */
function fieldOf(check: PodSecurityCheck): string {
  if (check.capabilities.length > 0) {
    return `capabilities ${check.capabilities.map((c) => `"${c}"`).join(", ")}`;
  }
  if (/capabilities/.test(check.reason) && /drop=\["ALL"\]/.test(check.detail)) return 'capabilities drop ["ALL"]';
  return check.reason;
}

/**
 * Reads what to do about a refusal of the debug container of profile `tried`: the failed fields, and the most
 * capable of {@link RETRY_PROFILES} that passes the level, serves the action and is less privileged than `tried`.
 */
export function adviseOnRefusal(
  refusal: PodSecurityRefusal,
  input: {
    tried: DebugProfile;
    action: DebugAction;
    targetUid: number | null;
    isDebugContainer: (name: string) => boolean;
  },
): PodSecurityAdvice {
  const level = knownLevel(refusal.level);
  const podContainers = [
    ...new Set(
      refusal.checks
        .filter((c) => namesOthers(c, input.isDebugContainer))
        .flatMap((c) => c.containers.filter((n) => !input.isDebugContainer(n))),
    ),
  ];
  const fields = [...new Set(refusal.checks.map(fieldOf))];
  const retry =
    podContainers.length > 0
      ? null
      : (RETRY_PROFILES.find(
          (p) =>
            RANK[LEVEL_OF_PROFILE[p]] >= RANK[level] &&
            RANK[LEVEL_OF_PROFILE[p]] > RANK[LEVEL_OF_PROFILE[input.tried]] &&
            servesAction(p, input.action, input.targetUid),
        ) ?? null);
  return { level: refusal.level, fields, tried: input.tried, retry, podContainers };
}

const ACTION_WORDS: Record<DebugAction, string> = {
  list: "lists processes",
  signal: "signals processes",
  read: "reads files",
};

function andList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** The one sentence about a refusal: the level, the fields that failed, what pns tried. Plain text. */
export function podSecuritySentence(advice: PodSecurityAdvice, namespace: string): string {
  const fields = advice.fields.length > 0 ? andList(advice.fields) : "a check it did not name";
  if (advice.podContainers.length > 0) {
    const which = advice.podContainers.join(", ");
    return `Namespace ${namespace} enforces Pod Security \`${advice.level}\`, which the pod's own ${advice.podContainers.length === 1 ? "container" : "containers"} ${which} already fail (${fields}), so Kubernetes refuses any debug container pns adds to it (pns tried the \`${advice.tried}\` profile).`;
  }
  return `Namespace ${namespace} enforces Pod Security \`${advice.level}\`, which refused pns's debug container for ${fields} (pns tried the \`${advice.tried}\` profile).`;
}

/** What the retry with `profile` gives up, as a clause after "it"; empty when nothing. */
export function retryNote(profile: DebugProfile, action: DebugAction): string {
  switch (profile) {
    case "restricted":
      return `drops every capability and runs as the target's uid, so it ${ACTION_WORDS[action]} of that uid only`;
    case "baseline":
      return "adds no SYS_PTRACE, so reading other users' files may fail";
    default:
      return "";
  }
}

/** What a pns admin changes so every command uses a profile the namespace admits. */
export function adminFix(advice: PodSecurityAdvice, namespace: string): string {
  if (advice.podContainers.length > 0) {
    return `The namespace's admins fix the pod's own securityContext, or relax the \`pod-security.kubernetes.io/enforce\` label of namespace ${namespace}.`;
  }
  const profile = advice.retry ?? "restricted";
  return `A pns admin sets \`debug.profile: ${profile}\` in the pns config (it applies to every namespace), or the namespace's admins relax its \`pod-security.kubernetes.io/enforce\` label.`;
}
