import type { V1Pod, V1SecurityContext } from "@kubernetes/client-node";
import type { DebugProfile } from "../core/config/debug-profiles.js";
import { PnsError } from "../core/errors.js";

/** The uid and gid the target container's processes run as, when the pod spec says; null when it is the image's. */
export interface TargetIdentity {
  uid: number | null;
  gid: number | null;
}

/** The nobody user and group: what `restricted` runs as when the target's own ids are unknown or root. */
export const NOBODY = 65534;

/** The securityContext of the debug container for each profile, as `kubectl debug --profile` sets it. */
const PROFILES: Record<DebugProfile, (target: TargetIdentity) => V1SecurityContext | undefined> = {
  // general adds SYS_PTRACE so the debug container may read other users' /proc/PID/root and fds.
  general: () => ({ capabilities: { add: ["SYS_PTRACE"] } }),
  baseline: () => undefined,
  // Without capabilities, only the same uid may signal or read the target's processes: run as the target's uid.
  // runAsNonRoot needs a runAsUser, or the kubelet refuses busybox (it runs as root): CreateContainerConfigError.
  restricted: (target) => ({
    runAsNonRoot: true,
    runAsUser: target.uid !== null && target.uid > 0 ? target.uid : NOBODY,
    runAsGroup: target.gid ?? NOBODY,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  }),
  netadmin: () => ({ capabilities: { add: ["NET_ADMIN", "NET_RAW"] } }),
  sysadmin: () => ({ privileged: true }),
};

/**
 * The debug container's securityContext for a profile, given the target's identity (for `restricted`); throws
 * invalid_config listing the known names.
 */
export function securityContextFor(
  profile: string,
  target: TargetIdentity = { uid: null, gid: null },
): V1SecurityContext | undefined {
  const make = Object.hasOwn(PROFILES, profile) ? PROFILES[profile as DebugProfile] : undefined;
  if (!make) {
    throw new PnsError("invalid_config", `Unknown debug profile "${profile}".`, {
      hint: `Use one of: ${Object.keys(PROFILES).join(", ")}.`,
    });
  }
  return make(target);
}

/**
 * The uid and gid a container of the pod runs as: its own securityContext, else the pod's (the kubelet's order);
 * null where neither says (the image's USER decides, which the API does not show).
 */
export function targetIdentity(pod: V1Pod, container: string | null): TargetIdentity {
  const spec = pod.spec;
  const c = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].find((x) => x.name === container);
  const podContext = spec?.securityContext;
  return {
    uid: c?.securityContext?.runAsUser ?? podContext?.runAsUser ?? null,
    gid: c?.securityContext?.runAsGroup ?? podContext?.runAsGroup ?? null,
  };
}

/** Compares two securityContexts as pns writes them (key order and empty values do not matter). */
export function sameSecurityContext(a: V1SecurityContext | undefined, b: V1SecurityContext | undefined): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return `[${value.map(canonical).sort().join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([x], [y]) => x.localeCompare(y));
    return entries.length === 0 ? "" : `{${entries.map(([k, v]) => `${k}:${canonical(v)}`).join(",")}}`;
  }
  return String(value);
}
