/**
 * Debug profiles, named as `kubectl debug --profile` names them: what each one does to the debug container.
 * pns needs to see other containers' processes; reading their files and signalling them also needs ptrace access.
 */
export const DEBUG_PROFILES = {
  general: "adds the SYS_PTRACE capability (kubectl's default): pns can list, read files of and signal processes",
  baseline:
    "no extra capabilities, passes Pod Security `baseline`: pns lists processes, but reading other users' files and signalling them may fail",
  restricted:
    "drops all capabilities and runs as non-root, passes Pod Security `restricted`: pns mostly lists processes only",
  netadmin: "adds NET_ADMIN and NET_RAW: for network debugging, no ptrace",
  sysadmin: "runs privileged: everything works, and Pod Security `baseline`/`restricted` namespaces reject it",
} as const;

/** A debug profile name, as `kubectl debug --profile` spells it. */
export type DebugProfile = keyof typeof DEBUG_PROFILES;

/** Every debug profile name. */
export const DEBUG_PROFILE_NAMES = Object.keys(DEBUG_PROFILES) as DebugProfile[];
