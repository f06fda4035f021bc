/** The positional arguments of commands: targets, PIDs, paths, counts; and the placement flags. */
import type { FlagKey } from "./flags.js";
import { clip, MAX_PID, nameProblem } from "./kube-names.js";
import { MAX_PATH_BYTES } from "./limits.js";
import { Refusal } from "./refusal.js";
import { KIND_ALIASES, parseTarget } from "./target.js";
import type { Token } from "./tokenize.js";
import type { Placement, Subcommand, Target } from "./types.js";

/** Refuses a Slack mention where a name or number belongs; null for any other word. */
export function mentionRefusal(tok: Token, what: string, noun: string): Refusal | null {
  if (tok.mention === null) return null;
  return new Refusal(
    `${clip(tok.value)} is a Slack mention, not ${what}: type the ${noun} as plain text (Slack turned it into a mention)`,
  );
}

/** The namespace, container, cluster and `--copy` of a command, checked; `targetNs` is from `ns/name`. */
export function placementOf(flags: Partial<Record<FlagKey, string>>, targetNs: string | null): Placement | Refusal {
  const ns = flags.namespace ?? null;
  if (ns !== null) {
    const problem = nameProblem(ns, "namespace");
    if (problem) return new Refusal(`-n: ${problem}`);
  }
  if (ns !== null && targetNs !== null && ns !== targetNs) {
    return new Refusal(`the target says namespace ${targetNs} but -n says ${ns}: give the namespace once`);
  }
  // Kept as typed: whether the pod has that container is for the app to check against the pod.
  const container = flags.container ?? null;
  if (container !== null) {
    const problem = nameProblem(container, "container");
    if (problem) return new Refusal(`-c: ${problem}`);
  }
  const cluster = flags.cluster ?? null;
  if (cluster !== null) {
    const problem = nameProblem(cluster, "cluster");
    if (problem) return new Refusal(`--cluster: ${problem}`);
  }
  return { namespace: ns ?? targetNs, container, cluster, copy: flags.copy === "true" };
}

/** A target read from the positional words. */
export interface TakenTarget {
  target: Target;
  namespace: string | null;
  /** How many positional words the target took: 2 for kubectl's `pod nginx`. */
  used: number;
}

/**
 * The target at the start of `pos`: one word, or a kind and a name as two words (`pods nginx`, as in `kubectl get
 * pods nginx`). Where a PID follows the target, a number after a kind word is the PID of a pod named like the kind.
 */
export function takeTarget(sub: Subcommand, pos: Token[]): TakenTarget | Refusal | null {
  const [first, second] = pos;
  if (first === undefined) return null;
  const kindWord = first.mention === null && !first.quoted && Object.hasOwn(KIND_ALIASES, first.value.toLowerCase());
  const pidFollows = sub === "signal" || sub === "cat" || sub === "inspect";
  if (
    kindWord &&
    second !== undefined &&
    second.mention === null &&
    !second.value.includes("/") &&
    !(pidFollows && /^\d+$/.test(second.value))
  ) {
    const parsed = parseTarget(`${first.value}/${second.value}`);
    return parsed.ok ? { ...parsed, used: 2 } : new Refusal(parsed.message);
  }
  const mention = mentionRefusal(first, "a pod", "pod name");
  if (mention) return mention;
  const parsed = parseTarget(first.value);
  return parsed.ok ? { ...parsed, used: 1 } : new Refusal(parsed.message);
}

/** The PID in `tok`; `listing` is the complete `/pns ps …` that shows the PIDs, for the message. */
export function pidOf(tok: Token | undefined, listing: string): number | Refusal {
  if (tok === undefined) return new Refusal(`missing <pid>: give the process ID from ${listing}`);
  const mention = mentionRefusal(tok, "a PID", "process ID");
  if (mention) return mention;
  if (!/^\d{1,8}$/.test(tok.value)) {
    return new Refusal(`"${clip(tok.value)}" is not a PID: give the process number from ${listing}, like 8`);
  }
  const pid = Number(tok.value);
  if (pid < 1 || pid > MAX_PID)
    return new Refusal(`PID ${clip(tok.value)} is out of range: PIDs run from 1 to ${MAX_PID}`);
  return pid;
}

/** A whole number from 1 to `max`, named `what` in the message. */
export function countOf(word: string, what: string, max: number): number | Refusal {
  if (!/^\d{1,6}$/.test(word) || Number(word) < 1 || Number(word) > max) {
    return new Refusal(`${what} must be a whole number from 1 to ${max} (got "${clip(word)}")`);
  }
  return Number(word);
}

/** An absolute path without `..`, with `//` and `/./` collapsed. */
export function pathOf(tok: Token | undefined): string | Refusal {
  if (tok === undefined) return new Refusal("missing <path>: give an absolute path like /etc/nginx/nginx.conf");
  const mention = mentionRefusal(tok, "a path", "path");
  if (mention) return mention;
  const raw = tok.value;
  if (!raw.startsWith("/")) {
    return new Refusal(
      `the path "${clip(raw)}" is not absolute: start it with /, as the process sees it (like /etc/hosts)`,
    );
  }
  const bytes = new TextEncoder().encode(raw).length;
  if (bytes > MAX_PATH_BYTES)
    return new Refusal(`the path is ${bytes} bytes long; at most ${MAX_PATH_BYTES} are allowed`);
  const segments = raw.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) return new Refusal(`the path "${clip(raw)}" contains "..": give the path without it`);
  return `/${segments.join("/")}`;
}
