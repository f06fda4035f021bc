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

/** The violations of one container against a level, as Pod Security Admission words them (grouped by check). */
function violations(level: "baseline" | "restricted", containers: Json[], podSpec: Json): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (check: string, msg: string) => out.set(check, [...(out.get(check) ?? []), msg]);
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    const name = c.name;
    if (sc.privileged === true) add("privileged", `container "${name}" must not set securityContext.privileged=true`);
    const added: string[] = (sc.capabilities?.add ?? []).map((x: string) => String(x));
    if (level === "baseline") {
      const bad = added.filter((cap) => !BASELINE_CAPS.has(cap.replace(/^CAP_/, "")));
      if (bad.length > 0)
        add(
          "non-default capabilities",
          `container "${name}" must not include ${quoteList(bad)} in securityContext.capabilities.add`,
        );
    } else {
      if (sc.allowPrivilegeEscalation !== false)
        add(
          "allowPrivilegeEscalation != false",
          `container "${name}" must set securityContext.allowPrivilegeEscalation=false`,
        );
      const drops: string[] = sc.capabilities?.drop ?? [];
      const bad = added.filter((cap) => cap !== "NET_BIND_SERVICE");
      if (!drops.includes("ALL"))
        add("unrestricted capabilities", `container "${name}" must set securityContext.capabilities.drop=["ALL"]`);
      if (bad.length > 0)
        add(
          "unrestricted capabilities",
          `container "${name}" must not include ${quoteList(bad)} in securityContext.capabilities.add`,
        );
      if (sc.runAsNonRoot !== true && podSpec.securityContext?.runAsNonRoot !== true)
        add("runAsNonRoot != true", `container "${name}" must set securityContext.runAsNonRoot=true`);
      const seccomp = sc.seccompProfile?.type ?? podSpec.securityContext?.seccompProfile?.type;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
        add(
          "seccompProfile",
          `container "${name}" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        );
    }
  }
  return out;
}

/**
 * Rejects containers that violate the namespace's enforced Pod Security level with the API server's 403:
 * `pods "x" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (…)`.
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
  if (found.size === 0) return;
  const parts = [...found].map(([check, msgs]) => `${check} (${msgs.join("; ")})`);
  const message = `pods "${podName}" is forbidden: violates PodSecurity "${level}:latest": ${parts.join(", ")}`;
  throw new StatusError(failureStatus(403, message, "Forbidden", { name: podName, kind: "pods" }));
}
