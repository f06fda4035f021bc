import { CAPABILITY_NAMES } from "../../../core/inspect/capabilities.js";

/** How the kubelet and containerd turn a container's securityContext into the process the runtime starts. */

// biome-ignore lint/suspicious/noExplicitAny: pod specs are free-form JSON, as the API server receives them
type Json = any;

/**
 * containerd's default capability set for CRI containers (containerd pkg/oci/spec.go `defaultUnixCaps`), without the
 * `CAP_` prefix as Kubernetes spells them.
 */
export const DEFAULT_CAPS = [
  "CHOWN",
  "DAC_OVERRIDE",
  "FSETID",
  "FOWNER",
  "MKNOD",
  "NET_RAW",
  "SETGID",
  "SETUID",
  "SETFCAP",
  "SETPCAP",
  "NET_BIND_SERVICE",
  "SYS_CHROOT",
  "KILL",
  "AUDIT_WRITE",
] as const;

/** Every capability of this kernel generation, index = bit (what `privileged` gets): core's one list. */
export const ALL_CAPS = CAPABILITY_NAMES;

/**
 * The capability set of a container: `ALL` added, `ALL` dropped, then single adds, then single drops, in containerd's
 * order (containerd internal/cri/opts/spec_linux_opts.go `WithCapabilities`); `privileged` gets every one.
 */
export function capabilitiesOf(sc: Json): string[] {
  if (sc?.privileged === true) return [...ALL_CAPS];
  const add: string[] = (sc?.capabilities?.add ?? []).map((c: string) => String(c).toUpperCase());
  const drop: string[] = (sc?.capabilities?.drop ?? []).map((c: string) => String(c).toUpperCase());
  let caps: string[] = [...DEFAULT_CAPS];
  if (add.includes("ALL")) caps = [...ALL_CAPS];
  if (drop.includes("ALL")) caps = [];
  for (const c of add) if (c !== "ALL" && !caps.includes(c)) caps.push(c);
  return caps.filter((c) => !drop.includes(c));
}

/** The capabilities in a bounding-set mask (`CapBnd` of /proc/PID/status, hex), numbered as the kernel does. */
export function capsInMask(hex: string): string[] {
  const mask = BigInt(`0x${hex}`);
  return ALL_CAPS.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}

/** What an image runs as when the pod does not say (its `USER`). */
export interface ImageUser {
  uid: number;
  gid: number;
}

/** The identity and privileges a container's processes get. */
export interface ProcessIdentity {
  uid: number;
  gid: number;
  additionalGids: number[];
  /** The container's capability set (bounding); a non-root process loses them at execve. */
  caps: string[];
  noNewPrivileges: boolean;
  readOnlyRoot: boolean;
  privileged: boolean;
}

/** A container the kubelet refuses to create: the waiting reason and message. */
export interface ConfigError {
  reason: "CreateContainerConfigError";
  message: string;
}

/**
 * The process identity of a container (container securityContext over the pod's, over the image's user), or the
 * kubelet's refusal when `runAsNonRoot` cannot hold (kubernetes pkg/kubelet/kuberuntime/security_context_others.go
 * `verifyRunAsNonRoot`).
 */
export function identityOf(
  pod: { name: string; namespace: string; uid: string; spec: Json },
  container: Json,
  image: ImageUser,
): ProcessIdentity | ConfigError {
  const psc = pod.spec.securityContext ?? {};
  const csc = container.securityContext ?? {};
  const runAsUser: number | undefined = csc.runAsUser ?? psc.runAsUser;
  const runAsGroup: number | undefined = csc.runAsGroup ?? psc.runAsGroup;
  const nonRoot: boolean = csc.runAsNonRoot ?? psc.runAsNonRoot ?? false;
  const where = `(pod: "${pod.name}_${pod.namespace}(${pod.uid})", container: ${container.name})`;
  const uid = runAsUser ?? image.uid;
  const gid = runAsGroup ?? (runAsUser === undefined ? image.gid : 0);
  if (nonRoot) {
    if (runAsUser === 0)
      return { reason: "CreateContainerConfigError", message: `container's runAsUser breaks non-root policy ${where}` };
    if (runAsUser === undefined && image.uid === 0)
      return {
        reason: "CreateContainerConfigError",
        message: `container has runAsNonRoot and image will run as root ${where}`,
      };
  }
  // containerd lists the primary group among the supplementary ones, so `id` shows it in groups=.
  const extra: number[] = [gid, ...(psc.supplementalGroups ?? [])];
  if (typeof psc.fsGroup === "number") extra.push(psc.fsGroup);
  const privileged = csc.privileged === true;
  return {
    uid,
    gid,
    additionalGids: [...new Set(extra)],
    caps: capabilitiesOf(csc),
    // The kubelet asks for no_new_privs only when allowPrivilegeEscalation is false (and the container not privileged).
    noNewPrivileges: csc.allowPrivilegeEscalation === false && !privileged,
    readOnlyRoot: csc.readOnlyRootFilesystem === true,
    privileged,
  };
}

/** True when the identity is a refusal. */
export function isConfigError(x: ProcessIdentity | ConfigError): x is ConfigError {
  return (x as ConfigError).reason === "CreateContainerConfigError";
}

/** The capabilities a process of this identity holds after execve: none unless it runs as root. */
export function effectiveCaps(identity: Pick<ProcessIdentity, "uid" | "caps">): string[] {
  return identity.uid === 0 ? identity.caps : [];
}

/** The pod's QoS class as the API computes it (kubernetes pkg/apis/core/helper/qos/qos.go). */
export function qosClassOf(spec: Json): "BestEffort" | "Burstable" | "Guaranteed" {
  const all: Json[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const r of ["cpu", "memory"]) {
      const want = req[r] ?? lim[r];
      if (lim[r] === undefined || String(want) !== String(lim[r])) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}
