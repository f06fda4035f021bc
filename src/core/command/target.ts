import { clip, nameProblem } from "./kube-names.js";
import type { Target, TargetKind } from "./types.js";

/** Kind aliases accepted before a `/`, as kubectl accepts them (`po`, `deploy`, `sts`, …), lowercase. */
export const KIND_ALIASES: Readonly<Record<string, Exclude<TargetKind, "auto">>> = {
  po: "pod",
  pod: "pod",
  pods: "pod",
  deploy: "deployment",
  deployment: "deployment",
  deployments: "deployment",
  "deployment.apps": "deployment",
  "deployments.apps": "deployment",
  sts: "statefulset",
  statefulset: "statefulset",
  statefulsets: "statefulset",
  "statefulset.apps": "statefulset",
  "statefulsets.apps": "statefulset",
  ds: "daemonset",
  daemonset: "daemonset",
  daemonsets: "daemonset",
  "daemonset.apps": "daemonset",
  "daemonsets.apps": "daemonset",
  rs: "replicaset",
  replicaset: "replicaset",
  replicasets: "replicaset",
  "replicaset.apps": "replicaset",
  "replicasets.apps": "replicaset",
};

/** A parsed target word: the target and the namespace it named, if any. */
export type ParseTargetResult = { ok: true; target: Target; namespace: string | null } | { ok: false; message: string };

function kindOf(word: string): Exclude<TargetKind, "auto"> | null {
  const lower = word.toLowerCase();
  return Object.hasOwn(KIND_ALIASES, lower) ? KIND_ALIASES[lower]! : null;
}

function named(kind: TargetKind, name: string, namespace: string | null): ParseTargetResult {
  if (name === "")
    return {
      ok: false,
      message: `the target has no name after "/": write it like ${kind === "auto" ? "pod" : kind}/NAME`,
    };
  const problem = nameProblem(name, "pod");
  if (problem) {
    return {
      ok: false,
      message: kind === "auto" || kind === "pod" ? problem : problem.replace("pod name", `${kind} name`),
    };
  }
  if (namespace !== null) {
    const nsProblem = nameProblem(namespace, "namespace");
    if (nsProblem) return { ok: false, message: nsProblem };
  }
  return { ok: true, target: { kind, name }, namespace };
}

/**
 * Parses `name`, `kind/name`, `namespace/name` or `namespace/kind/name`. `X/Y` is kind/name when X is a kind alias,
 * else namespace/name.
 */
export function parseTarget(word: string): ParseTargetResult {
  if (word.includes("://")) {
    return {
      ok: false,
      message: `"${clip(word)}" is a URL, not a pod (Slack may have turned the name into a link): type the pod name`,
    };
  }
  const parts = word.split("/");
  if (parts.length === 1) return named("auto", word, null);
  if (parts.length === 2) {
    const [first, name] = parts as [string, string];
    if (first === "")
      return { ok: false, message: `"${clip(word)}" starts with "/": write the target like pod/NAME or NAME` };
    const kind = kindOf(first);
    return kind ? named(kind, name, null) : named("auto", name, first);
  }
  if (parts.length === 3) {
    const [ns, kindWord, name] = parts as [string, string, string];
    const kind = kindOf(kindWord);
    if (!kind) {
      return {
        ok: false,
        message: `"${clip(kindWord)}" in "${clip(word)}" is not a kind pns knows: use pod, deploy, sts, ds or rs, like ${clip(ns, 30)}/deploy/${clip(name, 30)}`,
      };
    }
    return named(kind, name, ns);
  }
  return { ok: false, message: `"${clip(word)}" has too many "/": use NAME, KIND/NAME or NAMESPACE/KIND/NAME` };
}

/** `nginx`, `deployment/web` or `pods matching app=web`, for messages. */
export function describeTarget(command: { target: Target }): string {
  const t = command.target;
  if (t.kind === "selector") return t.pick ? `pod ${t.pick} (matching ${t.selector})` : `pods matching ${t.selector}`;
  return t.kind === "auto" ? t.name : `${t.kind}/${t.name}`;
}
