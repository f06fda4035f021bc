import { allowedSignalList } from "../signals.js";
import type { Subcommand } from "./types.js";

/** Every subcommand, in the order help lists them. */
export const SUBCOMMANDS: readonly Subcommand[] = [
  "ps",
  "signal",
  "cat",
  "inspect",
  "ports",
  "doctor",
  "sessions",
  "cleanup",
  "audit",
  "help",
];

/** Other words accepted for a subcommand: `kill`, as the shell has it, is `signal`. */
export const SUBCOMMAND_ALIASES: Readonly<Record<string, Subcommand>> = { kill: "signal" };

/** How one subcommand is used, for help views and error messages. */
export interface SubcommandHelp {
  /** One usage line per form. */
  usage: string[];
  summary: string;
  flags: { flag: string; description: string }[];
  examples: string[];
}

const PLACEMENT_FLAGS = [
  { flag: "-n, --namespace NAMESPACE", description: "namespace of the target (default: the channel's namespace)" },
  { flag: "-c, --container NAME", description: "container whose processes to look at (default: the pod's first)" },
  { flag: "--cluster NAME", description: "cluster to use (default: the channel's cluster)" },
  { flag: "--copy", description: "debug a copy of the pod that shares its process namespace" },
];

/** `-l`: every command on one pod takes its pod by label, but signal (a signal goes to one process of one pod). */
const SELECTOR_FLAG = {
  flag: "-l, --selector SELECTOR",
  description: "pick the pod by label, like app=web (several: pick one)",
};

const HELP: Record<Subcommand, SubcommandHelp> = {
  ps: {
    usage: [
      "/pns ps <target> [-n NAMESPACE] [-c CONTAINER] [--cluster NAME] [--copy]",
      "/pns ps -l SELECTOR [-n NAMESPACE] [-c CONTAINER] [--cluster NAME] [--copy]",
    ],
    summary: "List the processes of a pod, with buttons to signal them or read their files.",
    flags: [...PLACEMENT_FLAGS, SELECTOR_FLAG],
    examples: ["/pns ps nginx", "/pns ps deploy/web -n shop", "/pns ps shop/sts/db -c postgres", "/pns ps -l app=web"],
  },
  signal: {
    usage: [
      "/pns signal <target> <pid> <signal> [reason…] [-n NAMESPACE] [-c CONTAINER] [--cluster NAME] [--copy]",
      "/pns kill -<signal> <target> <pid> [reason…] [-n NAMESPACE] [-c CONTAINER] [--cluster NAME] [--copy]",
    ],
    summary:
      "Ask to send a signal to one process; most signals need someone's approval; /pns kill is the same. " +
      `Signals: ${allowedSignalList()}; write one as HUP, SIGHUP, 1, -HUP, -SIGHUP, -1 or -s HUP.`,
    flags: [
      ...PLACEMENT_FLAGS,
      { flag: "-s, --signal SIGNAL", description: "the signal, as kill takes it (same as -HUP or -9)" },
    ],
    examples: [
      "/pns signal nginx 8 HUP reload the new certificate",
      "/pns kill -HUP nginx 8 reload the new certificate",
      "/pns kill -9 pod web-5d9c 12 -n shop",
      "/pns signal deploy/web 1 SIGUSR1 -n shop",
    ],
  },
  cat: {
    usage: [
      "/pns cat <target> <pid> <path> [--lines N] [-n NAMESPACE] [-c CONTAINER] [--cluster NAME] [--copy]",
      "/pns cat -l SELECTOR <pid> <path> [--lines N] [-n NAMESPACE] [-c CONTAINER] [--cluster NAME] [--copy]",
    ],
    summary: "Read a file as the process sees it (through /proc/PID/root), redacted and cut to a few lines.",
    flags: [...PLACEMENT_FLAGS, SELECTOR_FLAG, { flag: "--lines N", description: "show at most N lines, 1 to 10000" }],
    examples: [
      "/pns cat nginx 1 /etc/nginx/nginx.conf",
      "/pns cat web 12 /app/config.yaml --lines 50",
      "/pns cat -l app=web 1 /etc/hostname",
    ],
  },
  inspect: {
    usage: [
      "/pns inspect <target> <pid> [-n NAMESPACE] [-c CONTAINER] [--cluster NAME] [--copy]",
      "/pns inspect -l SELECTOR <pid> [-n NAMESPACE] [-c CONTAINER] [--cluster NAME] [--copy]",
    ],
    summary:
      "Show one process's environment (secrets masked), open files against their limit, cwd, exe, threads, uid/gid maps, capabilities, seccomp and cgroup memory and CPU, only to you.",
    flags: [...PLACEMENT_FLAGS, SELECTOR_FLAG],
    examples: ["/pns inspect nginx 8", "/pns inspect deploy/billing 1 -n shop"],
  },
  ports: {
    usage: [
      "/pns ports <target> [-n NAMESPACE] [-c CONTAINER] [--cluster NAME] [--copy]",
      "/pns ports -l SELECTOR [-n NAMESPACE] [-c CONTAINER] [--cluster NAME] [--copy]",
    ],
    summary:
      "Show what listens in the pod and which process of which container holds each socket, against the pod's declared ports and the Services that select it.",
    flags: [...PLACEMENT_FLAGS, SELECTOR_FLAG],
    examples: ["/pns ports nginx", "/pns ports deploy/web -n shop", "/pns ports -l app=web -n shop"],
  },
  doctor: {
    usage: [
      "/pns doctor <target> [-n NAMESPACE] [-c CONTAINER] [--cluster NAME] [--copy]",
      "/pns doctor -l SELECTOR [-n NAMESPACE] [-c CONTAINER] [--cluster NAME] [--copy]",
    ],
    summary:
      "Check in about a second whether pns can work on the pod: its rights, Pod Security and the debug profile, the target's uid, debug containers it carries, recent denials; each finding with its fix.",
    flags: [...PLACEMENT_FLAGS, SELECTOR_FLAG],
    examples: ["/pns doctor nginx", "/pns doctor api -n locked"],
  },
  sessions: {
    usage: ["/pns sessions"],
    summary: "List the debug containers and pod copies pns keeps, and when they expire.",
    flags: [],
    examples: ["/pns sessions"],
  },
  cleanup: {
    usage: ["/pns cleanup [<target>] [-n NAMESPACE] [--cluster NAME]"],
    summary: "Delete the pod copies pns made (all, or the target's). Admins only.",
    flags: PLACEMENT_FLAGS.filter((f) => !f.flag.startsWith("-c") && f.flag !== "--copy"),
    examples: ["/pns cleanup", "/pns cleanup nginx -n shop"],
  },
  audit: {
    usage: ["/pns audit [N]"],
    summary: "Show the last N audit entries (1 to 200, default 20). Admins only.",
    flags: [],
    examples: ["/pns audit", "/pns audit 50"],
  },
  help: {
    usage: ["/pns help [command]"],
    summary: "Explain pns or one of its commands.",
    flags: [],
    examples: ["/pns help", "/pns help signal"],
  },
};

/** Target forms, shown in the overview. */
export const TARGET_HELP = [
  "nginx — a pod named nginx, else a deployment, statefulset, daemonset or replicaset of that name",
  "pod/nginx, deploy/web, sts/db, ds/agent, rs/web-5d9c — a pod or workload (po, pods, deployment, … also work)",
  "pod nginx, deploy web — the kind and the name as two words, as kubectl get takes them",
  "shop/nginx, shop/deploy/web — with its namespace, same as -n shop",
  "-l app=web — the pods matching a label selector (every command on one pod but signal; several: pick one)",
];

/** The help entry of one subcommand. */
export function helpOf(sub: Subcommand): SubcommandHelp {
  return HELP[sub];
}

/** The usage line(s) of one subcommand, or of all of them when `sub` is omitted. */
export function usageOf(sub?: Subcommand): string {
  if (sub) return HELP[sub].usage.join("\n");
  return SUBCOMMANDS.map((s) => HELP[s].usage[0]).join("\n");
}

/** Plain-text help: the overview, or one subcommand's usage, flags and examples. */
export function helpText(sub?: Subcommand): string {
  if (!sub) {
    return [
      "pns lists and signals the processes inside Kubernetes pods.",
      "",
      ...SUBCOMMANDS.map((s) => `${HELP[s].usage[0]}\n    ${HELP[s].summary}`),
      "",
      "Targets:",
      ...TARGET_HELP.map((t) => `  ${t}`),
      "",
      "Quote values with spaces. Run /pns help <command> for details.",
    ].join("\n");
  }
  const h = HELP[sub];
  const lines = [...h.usage, "", h.summary];
  if (h.flags.length > 0) lines.push("", "Flags:", ...h.flags.map((f) => `  ${f.flag} — ${f.description}`));
  lines.push("", "Examples:", ...h.examples.map((e) => `  ${e}`));
  return lines.join("\n");
}
