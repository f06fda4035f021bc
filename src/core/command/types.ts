import type { SignalName } from "../signals.js";

/** The subcommands of `/pns`. */
export type Subcommand =
  | "help"
  | "ps"
  | "signal"
  | "cat"
  | "inspect"
  | "ports"
  | "doctor"
  | "sessions"
  | "cleanup"
  | "audit";

/** Kinds of object a target can name; `auto` means a pod of that name, else a workload of that name. */
export type TargetKind = "auto" | "pod" | "deployment" | "statefulset" | "daemonset" | "replicaset";

/**
 * What a command points at: a named pod or workload, or the pods matching a label selector. `pick` is the pod chosen
 * from pns's picker when the selector matched several: only a click sets it, never the grammar, and the pod must
 * still match the selector.
 */
export type Target = { kind: TargetKind; name: string } | { kind: "selector"; selector: string; pick?: string };

/** Where a command runs: the namespace, container and cluster flags, null when not given. */
export interface Placement {
  /** From `-n` or the `ns/name` target form; null means the channel's default namespace. */
  namespace: string | null;
  /** From `-c`: the container whose processes to look at; null means the pod's default container. */
  container: string | null;
  /** From `--cluster`; null means the channel's cluster. */
  cluster: string | null;
  /** From `--copy`: debug a copy of the pod that shares its process namespace instead of the pod itself. */
  copy: boolean;
}

/** `/pns help [command]`. */
export interface HelpCommand {
  kind: "help";
  /** The subcommand to explain; null for the overview. */
  topic: Subcommand | null;
}

/** `/pns ps <target>`: list the processes of a pod. */
export interface PsCommand extends Placement {
  kind: "ps";
  target: Target;
}

/** `/pns signal <target> <pid> <signal> [reason…]`: ask to send a signal to one process. */
export interface SignalCommand extends Placement {
  kind: "signal";
  target: Target;
  pid: number;
  signal: SignalName;
  /** Why, in the requester's words; null when not given. */
  reason: string | null;
}

/** `/pns cat <target> <pid> <path>`: read a file as the process sees it (via `/proc/PID/root`). */
export interface CatCommand extends Placement {
  kind: "cat";
  target: Target;
  pid: number;
  /** Absolute path, with `//` and `/./` collapsed. */
  path: string;
  /** From `--lines`; null means the configured `debug.maxFileLines`. */
  lines: number | null;
}

/** `/pns inspect <target> <pid>`: one process's environment (redacted), limits, identity, capabilities and cgroup. */
export interface InspectCommand extends Placement {
  kind: "inspect";
  target: Target;
  pid: number;
}

/** `/pns ports <target>`: what listens in the pod, who holds each socket, and how it compares with the spec. */
export interface PortsCommand extends Placement {
  kind: "ports";
  target: Target;
}

/** `/pns doctor <target>`: whether pns can work on the pod, and what to fix when not. */
export interface DoctorCommand extends Placement {
  kind: "doctor";
  target: Target;
}

/** `/pns sessions`: list the debug containers and pod copies pns keeps. */
export interface SessionsCommand {
  kind: "sessions";
}

/** `/pns cleanup [<target>]`: remove pns debug pod copies (all, or the target's). */
export interface CleanupCommand {
  kind: "cleanup";
  target: Target | null;
  namespace: string | null;
  cluster: string | null;
}

/** `/pns audit [N]`: show the last N audit entries. */
export interface AuditCommand {
  kind: "audit";
  /** @default 20 */
  count: number;
}

/** A parsed `/pns` command. */
export type Command =
  | HelpCommand
  | PsCommand
  | SignalCommand
  | CatCommand
  | InspectCommand
  | PortsCommand
  | DoctorCommand
  | SessionsCommand
  | CleanupCommand
  | AuditCommand;

/** Why a command text was refused. */
export interface CommandError {
  /** What was wrong and how to fix it. */
  message: string;
  /** The usage line of the subcommand (the overview's when the subcommand is unknown). */
  usage: string;
  /** A corrected command to offer, like `/pns ps nginx`, when there is a likely one. */
  suggestion?: string;
}

/** The result of parsing the text after `/pns`. */
export type ParseCommandResult = { ok: true; command: Command } | { ok: false; error: CommandError };
