import type { V1SecurityContext } from "@kubernetes/client-node";
import type { DebugProfile } from "../core/config/debug-profiles.js";
import { PnsError } from "../core/errors.js";

/** The securityContext of the debug container for each profile, as `kubectl debug --profile` sets it. */
const PROFILES: Record<DebugProfile, () => V1SecurityContext | undefined> = {
  // general adds SYS_PTRACE so the debug container may signal and read other containers' processes.
  general: () => ({ capabilities: { add: ["SYS_PTRACE"] } }),
  baseline: () => undefined,
  restricted: () => ({
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  }),
  netadmin: () => ({ capabilities: { add: ["NET_ADMIN", "NET_RAW"] } }),
  sysadmin: () => ({ privileged: true }),
};

/** The debug container's securityContext for a profile; throws invalid_config listing the known names. */
export function securityContextFor(profile: string): V1SecurityContext | undefined {
  const make = Object.hasOwn(PROFILES, profile) ? PROFILES[profile as DebugProfile] : undefined;
  if (!make) {
    throw new PnsError("invalid_config", `Unknown debug profile "${profile}".`, {
      hint: `Use one of: ${Object.keys(PROFILES).join(", ")}.`,
    });
  }
  return make();
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
