/** `/pns doctor`: what pns found about a pod and its namespace, and what each finding means and how to fix it. */
import type { DebugProfile } from "../config/debug-profiles.js";
import type { DebugStrategy } from "../model.js";

/** One permission pns asked the API server about (a SelfSubjectAccessReview). */
export interface AccessCheck {
  verb: string;
  /** `pods`, `pods/exec`, `pods/ephemeralcontainers`, `services` … */
  resource: string;
  group: string;
  /** What pns needs it for, in words. */
  purpose: string;
  /** Whether pns needs it for every command (`ps`) or only for one. */
  required: boolean;
  /** The server's answer; null when the review itself failed. */
  allowed: boolean | null;
  /** The authorizer's reason or the review's error. */
  reason: string | null;
}

/** The Pod Security labels of the namespace (pod-security.kubernetes.io/enforce, warn, audit). */
export interface PodSecurityLabels {
  enforce: string | null;
  warn: string | null;
  audit: string | null;
}

/** An admission denial found in the pod's events. */
export interface DenialEvent {
  reason: string;
  message: string;
  /** Epoch milliseconds; null when unknown. */
  at: number | null;
  count: number;
}

/** Everything the doctor read, as plain data (the adapter fills it). */
export interface DoctorFacts {
  namespace: string;
  pod: string;
  phase: string;
  access: AccessCheck[];
  /** Null when pns could not read the namespace; `podSecurityProblem` says why. */
  podSecurity: PodSecurityLabels | null;
  podSecurityProblem: string | null;
  /**
   * A server-side dry run of the ephemeral debug container pns would add (validation and admission, nothing stored):
   * admitted, or refused with the server's message; null when not tried (no `patch` right, or a copy is used).
   */
  dryRun: { admitted: true } | { admitted: false; message: string } | null;
  /** The configured debug profile, and the strategy pns will take for this pod. */
  profile: DebugProfile;
  strategy: DebugStrategy;
  /** The container an ephemeral debug container targets (null for a shared namespace). */
  targetContainer: string | null;
  /** The target's uid as the spec says (its container's, else the pod's); null: the image's USER decides. */
  targetUid: number | null;
  runAsNonRoot: boolean | null;
  /** `spec.hostUsers`: false runs the pod in its own user namespace. Null when unset (true). */
  hostUsers: boolean | null;
  hostPID: boolean;
  shareProcessNamespace: boolean;
  /** `windows` when the pod is pinned to Windows nodes (`spec.os.name`, the `kubernetes.io/os` node selector). */
  os: string | null;
  /** Init containers with `restartPolicy: Always`. */
  nativeSidecars: string[];
  /** pns's ephemeral debug containers in the pod: all it carries (ended ones count: they are never removed). */
  debugContainers: { total: number; running: number; max: number };
  /** Admission denials among the pod's recent events; null when pns could not read events. */
  denials: DenialEvent[] | null;
  /** The optional exec in a running pns debug container: how it went; null when none runs (nothing was added). */
  exec: { ok: true; ms: number } | { ok: false; message: string } | null;
  /** Milliseconds the doctor's reads took. */
  elapsedMs: number;
}

/** One finding: how bad, what, and what to do. */
export interface Finding {
  level: "ok" | "warning" | "problem";
  title: string;
  detail: string;
  /** Empty when nothing needs doing. */
  fix: string;
}

/** What the doctor concludes: whether `/pns ps` should work here, and each finding. */
export interface Diagnosis {
  /** True when nothing stops `/pns ps` (warnings may remain). */
  ready: boolean;
  findings: Finding[];
}

// SYS_PTRACE is not among baseline's allowed capabilities (pod-security-admission policy/check_capabilities_baseline.go),
// so `general` passes only `privileged`.
const PSA_LEVEL_OF_PROFILE: Record<DebugProfile, "privileged" | "baseline" | "restricted"> = {
  general: "privileged",
  baseline: "baseline",
  restricted: "restricted",
  netadmin: "privileged",
  sysadmin: "privileged",
};
const PSA_RANK = { privileged: 0, baseline: 1, restricted: 2 } as const;

/** The Pod Security level a debug profile's container passes (pod-security-admission's baseline and restricted). */
export function podSecurityLevelOf(profile: DebugProfile): "privileged" | "baseline" | "restricted" {
  return PSA_LEVEL_OF_PROFILE[profile];
}

/** Turns the facts into findings, worst first. */
export function diagnose(facts: DoctorFacts): Diagnosis {
  const findings: Finding[] = [];
  const problem = (title: string, detail: string, fix: string) =>
    findings.push({ level: "problem", title, detail, fix });
  const warning = (title: string, detail: string, fix: string) =>
    findings.push({ level: "warning", title, detail, fix });
  const ok = (title: string, detail: string) => findings.push({ level: "ok", title, detail, fix: "" });

  if (facts.os === "windows") {
    problem(
      "Windows node",
      `Pod ${facts.pod} runs on Windows, which has no shared process namespace or /proc.`,
      "pns debugs Linux pods only; use `kubectl exec` into the Windows container instead.",
    );
  }
  if (facts.phase !== "Running") {
    problem(
      `Pod is ${facts.phase}`,
      "pns looks into running pods only.",
      "Wait for it to run, or use `--copy` to debug a copy of it.",
    );
  }

  const denied = facts.access.filter((a) => a.allowed === false);
  const unknown = facts.access.filter((a) => a.allowed === null);
  const grant = (a: AccessCheck) => `\`${a.verb}\` on \`${a.resource}\`${a.group ? ` (${a.group})` : ""}`;
  for (const a of denied) {
    (a.required ? problem : warning)(
      `May not ${a.verb} ${a.resource}`,
      `pns needs it to ${a.purpose}${a.reason ? ` (${a.reason})` : ""}.`,
      `Grant pns ${grant(a)} in namespace ${facts.namespace}: infra/rbac.yaml has every rule.`,
    );
  }
  if (unknown.length > 0) {
    warning(
      "Could not check pns's rights",
      `The access reviews failed: ${unknown[0]?.reason ?? "no reason given"}.`,
      "SelfSubjectAccessReview is allowed to every authenticated user by the default `system:basic-user` role: check that binding.",
    );
  }
  if (denied.length === 0 && unknown.length === 0) {
    ok("Rights", `pns may do all ${facts.access.length} things it needs in namespace ${facts.namespace}.`);
  }

  const needs = podSecurityLevelOf(facts.profile);
  if (facts.podSecurity) {
    const enforce = facts.podSecurity.enforce ?? "privileged";
    const known = (Object.hasOwn(PSA_RANK, enforce) ? enforce : "privileged") as keyof typeof PSA_RANK;
    if (PSA_RANK[known] > PSA_RANK[needs]) {
      problem(
        `Pod Security \`${enforce}\` refuses the \`${facts.profile}\` profile`,
        `Namespace ${facts.namespace} enforces Pod Security ${enforce}; pns's debug container (profile ${facts.profile}) passes only ${needs}.`,
        enforce === "restricted"
          ? "Set `debug.profile: restricted` in the pns config (it lists and reads the target uid's processes only)."
          : "Set `debug.profile: baseline` in the pns config (no SYS_PTRACE: reading other users' files may fail).",
      );
    } else {
      ok(
        "Pod Security",
        `Namespace ${facts.namespace} enforces ${facts.podSecurity.enforce ?? "nothing (privileged)"}; the \`${facts.profile}\` profile passes ${needs}.`,
      );
    }
  } else {
    findings.push({
      level: "ok",
      title: "Pod Security level unknown",
      detail: `pns could not read namespace ${facts.namespace}'s labels${facts.podSecurityProblem ? ` (${facts.podSecurityProblem})` : ""}; pns's rules grant no \`get namespaces\` on purpose.${facts.dryRun ? " The dry run below says whether admission takes the debug container." : ""}`,
      fix: "",
    });
  }
  if (facts.dryRun?.admitted === true) {
    ok(
      "Admission (dry run)",
      `The API server admits the debug container pns would add to ${facts.pod} (nothing was stored).`,
    );
  } else if (facts.dryRun?.admitted === false) {
    problem(
      "Admission refuses the debug container",
      `A dry run of the debug container was refused: ${facts.dryRun.message}`,
      /PodSecurity/.test(facts.dryRun.message)
        ? `Choose a \`debug.profile\` the namespace's Pod Security admits (restricted passes every level), or debug with \`--copy\` where allowed.`
        : "Ask the owners of the admission policy to allow pns's debug containers (named pns-debug-…), or use `--copy`.",
    );
  }

  const strategyWords: Record<DebugStrategy, string> = {
    shared: "an ephemeral container in the pod's shared process namespace (it sees every container)",
    ephemeral: `an ephemeral container targeting container ${facts.targetContainer ?? "?"} (it sees that container's processes only)`,
    copy: "a copy of the pod that shares its process namespace",
  };
  ok("Debug container", `pns will use ${strategyWords[facts.strategy]}, profile \`${facts.profile}\`.`);

  if (facts.profile === "restricted" || facts.runAsNonRoot === true) {
    const uid = facts.targetUid;
    if (facts.profile === "restricted" && (uid === null || uid === 0)) {
      warning(
        "Target uid unknown to the restricted profile",
        `The spec sets no non-root runAsUser for ${facts.targetContainer ?? "the target"}, so the restricted debug container runs as 65534 and can read and signal only that uid's processes.`,
        "Set `runAsUser` in the target container's securityContext (the image's USER is invisible to the API).",
      );
    } else {
      ok(
        "Target identity",
        `The target runs as uid ${uid ?? "(the image's USER)"}${facts.runAsNonRoot ? " with runAsNonRoot" : ""}.`,
      );
    }
  } else if (facts.targetUid !== null) {
    ok("Target identity", `The target runs as uid ${facts.targetUid}.`);
  }
  if (facts.hostUsers === false) {
    warning(
      "User namespace (hostUsers: false)",
      "The pod runs in its own user namespace: uids inside map to other uids on the node, and a debug container's capabilities count only inside it.",
      "Nothing to change for listing; signalling and reading files work within the pod's user namespace.",
    );
  }
  if (facts.hostPID) {
    warning(
      "hostPID",
      "The pod shares the node's process namespace: pns would list and could signal every process on the node.",
      "Prefer debugging a pod without hostPID; if you must, restrict `people.signal` for this namespace.",
    );
  }
  if (facts.nativeSidecars.length > 0) {
    ok(
      "Native sidecars",
      `${facts.nativeSidecars.join(", ")} ${facts.nativeSidecars.length === 1 ? "is a native sidecar" : "are native sidecars"}: \`-c\` may name ${facts.nativeSidecars.length === 1 ? "it" : "them"}.`,
    );
  }
  const { total, running, max } = facts.debugContainers;
  if (total >= max) {
    warning(
      "Debug container limit reached",
      `Pod ${facts.pod} carries ${total} pns debug containers (${running} running); pns adds at most ${max} and ephemeral containers can never be removed.`,
      running > 0
        ? "pns reuses a running one; when it ends, use `--copy` or restart the pod (`kubectl rollout restart`)."
        : "Use `--copy`, or restart the pod through its controller for a clean one.",
    );
  } else {
    ok(
      "Debug containers",
      `Pod ${facts.pod} carries ${total} of at most ${max} pns debug containers (${running} running).`,
    );
  }
  if (facts.denials === null) {
    warning("Events unread", "pns could not list the pod's events.", "Grant pns `list` on `events` (infra/rbac.yaml).");
  } else if (facts.denials.length > 0) {
    for (const d of facts.denials.slice(0, 3)) {
      warning(
        `Recent denial: ${d.reason}`,
        `${d.message}${d.count > 1 ? ` (${d.count} times)` : ""}`,
        "The debug container or a container of the pod was refused: fix what the message names (profile, quota, policy).",
      );
    }
  }
  if (facts.exec?.ok === true) {
    ok("Exec", `pns ran a command in its running debug container in ${facts.exec.ms} ms.`);
  } else if (facts.exec?.ok === false) {
    problem(
      "Exec fails",
      `Running a command in pns's debug container failed: ${facts.exec.message}`,
      "Check `create` on `pods/exec`, and that the API server reaches the kubelet.",
    );
  }
  const order = { problem: 0, warning: 1, ok: 2 } as const;
  findings.sort((a, b) => order[a.level] - order[b.level]);
  return { ready: !findings.some((f) => f.level === "problem"), findings };
}

/** The Pod Security labels of a namespace's labels. */
export function podSecurityLabels(labels: Record<string, string> | undefined): PodSecurityLabels {
  const l = labels ?? {};
  return {
    enforce: l["pod-security.kubernetes.io/enforce"] ?? null,
    warn: l["pod-security.kubernetes.io/warn"] ?? null,
    audit: l["pod-security.kubernetes.io/audit"] ?? null,
  };
}

/** An event message that says admission (or the kubelet's own admission) refused something. */
export function isDenialMessage(reason: string, message: string): boolean {
  return (
    /forbidden|denied|violates PodSecurity|exceeded quota|failed quota|runAsNonRoot|not permitted/i.test(message) &&
    /^(Failed|FailedCreate|FailedCreatePodSandBox|FailedAdmission|Forbidden|BackOff|FailedKillPod)/.test(reason)
  );
}
