/** What pns offers when a command's pod or container is not found: the complete command to run instead. */
import { formatCommand } from "./format-command.js";
import { isDnsSubdomain } from "./kube-names.js";
import { closest } from "./suggest.js";
import type {
  CatCommand,
  Command,
  DoctorCommand,
  InspectCommand,
  PortsCommand,
  PsCommand,
  SignalCommand,
  Target,
} from "./types.js";

/** The commands that act on one pod, each with its placement. */
export type PodCommand = PsCommand | SignalCommand | CatCommand | InspectCommand | PortsCommand | DoctorCommand;

/** What to tell the user, and the complete `/pns …` command to run instead when there is a likely one. */
export interface Hint {
  message: string;
  suggestion: string | null;
}

/** The containers of a pod, as `-c` may name them (an init container too: `targetContainerName` accepts it). */
export interface PodContainers {
  name: string;
  containers: readonly string[];
  initContainers?: readonly string[];
}

/** The pods pns read in one namespace, on a miss. */
export interface NamespacePods {
  namespace: string;
  pods: readonly string[];
}

/** The hint as one line: `db-0 is in shop: `/pns ps db -n shop``. */
export function hintText(hint: Hint): string {
  return hint.suggestion ? `${hint.message}: \`${hint.suggestion}\`` : hint.message;
}

/** `/pns ps` of a pod (by default the command's own target), keeping the namespace, `-c`, `--cluster` and `--copy`. */
export function psOf(command: PodCommand, target: Target = command.target): string {
  const { namespace, container, cluster, copy } = command;
  return formatCommand({ kind: "ps", target, namespace, container, cluster, copy });
}

function list(names: readonly string[]): string {
  return names.length > 12 ? `${names.slice(0, 12).join(", ")} and ${names.length - 12} more` : names.join(", ");
}

/**
 * Null when `-c` names a container of the pod (or is not given), else why not, with the pod's containers and the
 * command with the closest one ("Pod nginx has no container ngnix: it has containers nginx, shell. Did you mean
 * nginx?"). Checked whatever the strategy: on a pod that shares its process namespace it picks the rows `ps` shows.
 */
export function containerProblem(command: PodCommand, pod: PodContainers): Hint | null {
  const wanted = command.container;
  if (wanted === null) return null;
  const inits = pod.initContainers ?? [];
  const all = [...pod.containers, ...inits];
  if (all.includes(wanted)) return null;
  const near = closest(wanted, all);
  const has = `it has ${pod.containers.length === 1 ? "container" : "containers"} ${list(pod.containers)}${inits.length > 0 ? ` (init: ${list(inits)})` : ""}`;
  return {
    message: `Pod ${pod.name} has no container ${wanted}: ${has}.${near ? ` Did you mean ${near}?` : ""}`,
    suggestion: near ? formatCommand({ ...command, container: near }) : null,
  };
}

// Kubernetes' generated name parts use this alphabet (apimachinery pkg/util/rand/rand.go `alphanums`, also the
// pod-template-hash's SafeEncodeString); a StatefulSet's pods end in their ordinal.
const GENERATED = /^(?:\d+|[bcdfghjklmnpqrstvwxz2456789]{5,10})$/;

/** A pod's name and the names of what made it: `web-7d4b9c6f8d-x7k2p` → itself, `web-7d4b9c6f8d`, `web`. */
export function namesOf(pod: string): string[] {
  const names = [pod];
  const parts = pod.split("-");
  for (let cut = 1; cut <= 2 && parts.length - cut >= 1; cut++) {
    if (!GENERATED.test(parts[parts.length - cut]!)) break;
    names.push(parts.slice(0, parts.length - cut).join("-"));
  }
  return names;
}

/** True when `pod` is what the target's name finds: that pod, or (a name of any kind) a pod named `<name>-…`. */
function finds(target: Target, pod: string): boolean {
  if (target.kind === "selector") return false;
  return pod === target.name || (target.kind !== "pod" && pod.startsWith(`${target.name}-`));
}

function candidatesOf(target: Target, pods: readonly string[]): string[] {
  if (target.kind === "pod") return [...pods];
  return [...new Set(pods.flatMap(namesOf))];
}

/**
 * What to offer when a named target found no pod: it is in another of the channel's namespaces ("db-0 is in shop:
 * `/pns ps db -n shop`"), or a name in the namespace is close ("Did you mean nginx?"), or one in another namespace
 * is. Null when nothing is near. Every suggestion is the user's command with only the name or namespace changed.
 */
export function podMissHint(command: PodCommand, asked: NamespacePods, others: readonly NamespacePods[]): Hint | null {
  const target = command.target;
  if (target.kind === "selector") return null;
  const elsewhere = others.filter((o) => o.namespace !== asked.namespace);
  const found = elsewhere
    .map((o) => ({ namespace: o.namespace, pods: o.pods.filter((p) => finds(target, p)) }))
    .filter((o) => o.pods.length > 0);
  const [first, ...more] = found;
  if (first) {
    const pods = first.pods.length > 1 ? `${first.pods[0]} and ${first.pods.length - 1} more` : first.pods[0];
    const also = more.length > 0 ? ` (also in ${more.map((m) => m.namespace).join(", ")})` : "";
    return {
      message: `${pods} ${first.pods.length > 1 ? "are" : "is"} in ${first.namespace}${also}`,
      suggestion: formatCommand({ ...command, namespace: first.namespace }),
    };
  }
  const renamed = (name: string): Target => ({ kind: target.kind, name });
  const near = closest(target.name, candidatesOf(target, asked.pods));
  if (near)
    return { message: `Did you mean ${near}?`, suggestion: formatCommand({ ...command, target: renamed(near) }) };
  for (const o of elsewhere) {
    const there = closest(target.name, candidatesOf(target, o.pods));
    if (there) {
      return {
        message: `Did you mean ${there} in ${o.namespace}?`,
        suggestion: formatCommand({ ...command, target: renamed(there), namespace: o.namespace }),
      };
    }
  }
  return null;
}

/** The command with its selector's picked pod; null when it has no selector or the pod is no pod name (no pick). */
export function withPick(command: Command, pod: string): PodCommand | null {
  if (!("target" in command) || command.target === null || command.kind === "cleanup") return null;
  if (command.target.kind !== "selector" || command.target.pick !== undefined || !isDnsSubdomain(pod)) return null;
  return { ...command, target: { ...command.target, pick: pod } };
}

/** `/pns ps` of a listed pod by its name, namespace and cluster, with `--copy` when it was listed through a copy. */
export function psOfPod(pod: { cluster: string; namespace: string; pod: string }, copy: boolean): string {
  const target: Target = { kind: "pod", name: pod.pod };
  return formatCommand({ kind: "ps", target, namespace: pod.namespace, container: null, cluster: pod.cluster, copy });
}
