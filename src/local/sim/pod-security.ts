import { failureStatus, StatusError } from "./status.js";
import type { Json } from "./world.js";

/** Capabilities the `baseline` Pod Security level allows to add. */
const BASELINE_CAPS = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

/** The enforced Pod Security level of a namespace's labels, or null (privileged). */
export function enforcedLevel(labels: Record<string, string>): "baseline" | "restricted" | null {
  const level = labels["pod-security.kubernetes.io/enforce"];
  return level === "baseline" || level === "restricted" ? level : null;
}

function quoteList(items: string[]): string {
  return items.map((i) => `"${i}"`).join(", ");
}

/** `container "a"` or `containers "a", "b"`, as Pod Security words a list (pod-security-admission policy/helpers). */
function containersPhrase(names: string[]): string {
  return `${names.length === 1 ? "container" : "containers"} ${quoteList(names)}`;
}

/**
 * The failed checks of a level over every container of a pod, as Pod Security Admission words them: one reason per
 * check with its detail (kubernetes staging/src/k8s.io/pod-security-admission/policy/check_*.go).
 */
function violations(level: "baseline" | "restricted", containers: Json[], podSpec: Json): [string, string][] {
  const out: [string, string][] = [];
  const caps = (c: Json): string[] => (c.securityContext?.capabilities?.add ?? []).map((x: string) => String(x));
  const privileged = containers.filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
  if (privileged.length > 0)
    out.push(["privileged", `${containersPhrase(privileged)} must not set securityContext.privileged=true`]);
  if (level === "baseline") {
    const bad = containers.filter((c) => caps(c).some((cap) => !BASELINE_CAPS.has(cap)));
    if (bad.length > 0) {
      const which = [...new Set(bad.flatMap((c) => caps(c).filter((cap) => !BASELINE_CAPS.has(cap))))].sort();
      out.push([
        "non-default capabilities",
        `${containersPhrase(bad.map((c) => c.name))} must not include ${quoteList(which)} in securityContext.capabilities.add`,
      ]);
    }
    return out;
  }
  const escalating = containers.filter((c) => c.securityContext?.allowPrivilegeEscalation !== false);
  if (escalating.length > 0)
    out.push([
      "allowPrivilegeEscalation != false",
      `${containersPhrase(escalating.map((c) => c.name))} must set securityContext.allowPrivilegeEscalation=false`,
    ]);
  const noDrop = containers.filter((c) => !(c.securityContext?.capabilities?.drop ?? []).includes("ALL"));
  const extra = containers.filter((c) => caps(c).some((cap) => cap !== "NET_BIND_SERVICE"));
  const capDetails: string[] = [];
  if (noDrop.length > 0)
    capDetails.push(
      `${containersPhrase(noDrop.map((c) => c.name))} must set securityContext.capabilities.drop=["ALL"]`,
    );
  if (extra.length > 0) {
    const which = [...new Set(extra.flatMap((c) => caps(c).filter((cap) => cap !== "NET_BIND_SERVICE")))].sort();
    capDetails.push(
      `${containersPhrase(extra.map((c) => c.name))} must not include ${quoteList(which)} in securityContext.capabilities.add`,
    );
  }
  if (capDetails.length > 0) out.push(["unrestricted capabilities", capDetails.join("; ")]);
  const podNonRoot = podSpec.securityContext?.runAsNonRoot === true;
  const rootish = containers.filter((c) => c.securityContext?.runAsNonRoot !== true && !podNonRoot);
  if (rootish.length > 0)
    out.push([
      "runAsNonRoot != true",
      `pod or ${containersPhrase(rootish.map((c) => c.name))} must set securityContext.runAsNonRoot=true`,
    ]);
  const podSeccomp = podSpec.securityContext?.seccompProfile?.type;
  const noSeccomp = containers.filter((c) => {
    const t = c.securityContext?.seccompProfile?.type ?? podSeccomp;
    return t !== "RuntimeDefault" && t !== "Localhost";
  });
  if (noSeccomp.length > 0)
    out.push([
      "seccompProfile",
      `pod or ${containersPhrase(noSeccomp.map((c) => c.name))} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    ]);
  return out;
}

/**
 * Rejects a pod whose containers violate the namespace's enforced Pod Security level with the API server's 403:
 * `pods "x" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (…)`. Give it every
 * container of the pod: on an ephemeral-containers update the whole pod is evaluated, old debug containers included
 * (pod-security-admission admission.go: ephemeralcontainers is not an ignored subresource).
 */
export function checkPodSecurity(
  labels: Record<string, string>,
  podName: string,
  containers: Json[],
  podSpec: Json,
): void {
  const level = enforcedLevel(labels);
  if (!level || containers.length === 0) return;
  const found = violations(level, containers, podSpec);
  if (found.length === 0) return;
  const version = labels["pod-security.kubernetes.io/enforce-version"] || "latest";
  const parts = found.map(([check, detail]) => `${check} (${detail})`);
  const message = `pods "${podName}" is forbidden: violates PodSecurity "${level}:${version}": ${parts.join(", ")}`;
  throw new StatusError(failureStatus(403, message, "Forbidden", { name: podName, kind: "pods" }));
}
