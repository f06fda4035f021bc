/** Linux capabilities by bit number (include/uapi/linux/capability.h), and the decoding of `CapEff:` masks. */

/** Capability names without `CAP_`, index = bit. */
export const CAPABILITY_NAMES: readonly string[] = [
  "CHOWN",
  "DAC_OVERRIDE",
  "DAC_READ_SEARCH",
  "FOWNER",
  "FSETID",
  "KILL",
  "SETGID",
  "SETUID",
  "SETPCAP",
  "LINUX_IMMUTABLE",
  "NET_BIND_SERVICE",
  "NET_BROADCAST",
  "NET_ADMIN",
  "NET_RAW",
  "IPC_LOCK",
  "IPC_OWNER",
  "SYS_MODULE",
  "SYS_RAWIO",
  "SYS_CHROOT",
  "SYS_PTRACE",
  "SYS_PACCT",
  "SYS_ADMIN",
  "SYS_BOOT",
  "SYS_NICE",
  "SYS_RESOURCE",
  "SYS_TIME",
  "SYS_TTY_CONFIG",
  "MKNOD",
  "LEASE",
  "AUDIT_WRITE",
  "AUDIT_CONTROL",
  "SETFCAP",
  "MAC_OVERRIDE",
  "MAC_ADMIN",
  "SYSLOG",
  "WAKE_ALARM",
  "BLOCK_SUSPEND",
  "AUDIT_READ",
  "PERFMON",
  "BPF",
  "CHECKPOINT_RESTORE",
];

/** The set containerd and CRI-O give a container by default (containerd pkg/oci `defaultUnixCaps`). */
export const RUNTIME_DEFAULT_CAPABILITIES: readonly string[] = [
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
];

/** The capabilities of a hex mask as /proc/PID/status prints it (`000001ffffffffff`); null when it is not hex. */
export function decodeCapabilities(hex: string): string[] | null {
  if (!/^[0-9a-fA-F]{1,32}$/.test(hex)) return null;
  const mask = BigInt(`0x${hex}`);
  const names: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((mask >> BigInt(bit)) & 1n) names.push(CAPABILITY_NAMES[bit] ?? `cap${bit}`);
  }
  return names;
}

/** How a capability set compares with the runtime's default: all of them, `default`, or what it adds and drops. */
export function describeCapabilities(caps: readonly string[]): string {
  if (caps.length === 0) return "none";
  if (caps.length >= CAPABILITY_NAMES.length) return "all (privileged)";
  const added = caps.filter((c) => !RUNTIME_DEFAULT_CAPABILITIES.includes(c));
  const dropped = RUNTIME_DEFAULT_CAPABILITIES.filter((c) => !caps.includes(c));
  if (added.length === 0 && dropped.length === 0) return "the runtime's default set";
  if (added.length + dropped.length > caps.length) return caps.join(", ");
  const parts = [
    ...(added.length > 0 ? [`default + ${added.join(", ")}`] : ["default"]),
    ...(dropped.length > 0 ? [`− ${dropped.join(", ")}`] : []),
  ];
  return parts.join(" ");
}
