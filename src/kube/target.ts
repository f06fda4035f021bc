import type { AppsV1Api, CoreV1Api, V1LabelSelector, V1Pod } from "@kubernetes/client-node";
import type { PodCandidate, ResolvedTarget } from "../app/ports/cluster.js";
import type { Target, TargetKind } from "../core/command/types.js";
import { PnsError } from "../core/errors.js";
import { isNotFound, kubeCall, toPnsError } from "./kube-errors.js";
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from "./labels.js";

/** Turns a workload's selector into a label selector string. */
export function labelSelectorString(selector: V1LabelSelector | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = (e.values ?? []).join(",");
    if (e.operator === "In") parts.push(`${e.key} in (${values})`);
    else if (e.operator === "NotIn") parts.push(`${e.key} notin (${values})`);
    else if (e.operator === "Exists") parts.push(e.key);
    else if (e.operator === "DoesNotExist") parts.push(`!${e.key}`);
  }
  return parts.join(",");
}

function isReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

function toCandidate(pod: V1Pod): PodCandidate {
  const created = pod.metadata?.creationTimestamp;
  return {
    name: pod.metadata?.name ?? "",
    phase: pod.status?.phase ?? "Unknown",
    ready: isReady(pod),
    createdAt: created ? new Date(created).toISOString() : null,
    containers: (pod.spec?.containers ?? []).map((c) => c.name),
    initContainers: (pod.spec?.initContainers ?? []).map((c) => c.name),
    sharesProcessNamespace: pod.spec?.shareProcessNamespace === true,
  };
}

function rank(pod: V1Pod): number {
  if (pod.metadata?.deletionTimestamp) return 3;
  if (pod.status?.phase !== "Running") return 2;
  return isReady(pod) ? 0 : 1;
}

/** Orders pods: Running and Ready first, then Running, then the rest; newest first within each. */
export function rankPods(pods: readonly V1Pod[]): V1Pod[] {
  const time = (p: V1Pod) => {
    const t = p.metadata?.creationTimestamp;
    return t ? new Date(t).getTime() : 0;
  };
  return [...pods].sort((a, b) => rank(a) - rank(b) || time(b) - time(a));
}

function isPnsCopy(pod: V1Pod): boolean {
  return pod.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
}

type WorkloadKind = Exclude<TargetKind, "auto" | "pod">;

const WORKLOAD_RESOURCE: Record<WorkloadKind, string> = {
  deployment: "deployments",
  statefulset: "statefulsets",
  daemonset: "daemonsets",
  replicaset: "replicasets",
};

/**
 * Finds the pods a query names, kubectl-like, and picks the best one (a selector's picked pod when it has one).
 * Throws not_found when none matches.
 */
export async function resolveTarget(
  api: { core: CoreV1Api; apps: AppsV1Api },
  namespace: string,
  query: Target,
): Promise<ResolvedTarget> {
  const pick = (pods: V1Pod[], matchedBy: string, what: string): ResolvedTarget => {
    const ranked = rankPods(pods);
    const best = ranked[0];
    if (!best) {
      throw new PnsError("not_found", `No pod matches ${what} in namespace ${namespace}.`, {
        hint: "Check the name and the namespace (`-n`).",
      });
    }
    return {
      namespace,
      pod: toCandidate(best),
      candidates: ranked.slice(1).map(toCandidate),
      matchedBy,
      object: best,
    };
  };
  const listPods = (labelSelector?: string) =>
    kubeCall({ verb: "list", resource: "pods", namespace }, () =>
      core.listNamespacedPod(labelSelector ? { namespace, labelSelector } : { namespace }),
    );
  const { core, apps } = api;

  if (query.kind === "selector") {
    const list = await listPods(query.selector);
    const matching = list.items.filter((p) => !isPnsCopy(p));
    if (query.pick === undefined) return pick(matching, `-l ${query.selector}`, `-l ${query.selector}`);
    // A pod picked from pns's picker counts only while the API server still finds it by the selector here.
    const picked = matching.filter((p) => p.metadata?.name === query.pick);
    if (picked.length === 0) {
      throw new PnsError(
        "not_found",
        `Pod ${query.pick} does not match -l ${query.selector} in namespace ${namespace}.`,
        { hint: "Run the command again to pick from the pods that match now." },
      );
    }
    return pick(picked, `-l ${query.selector}`, `-l ${query.selector}`);
  }
  const { kind, name } = query;
  if (kind === "pod" || kind === "auto") {
    try {
      const pod = await core.readNamespacedPod({ name, namespace });
      return pick([pod], `pod ${name}`, `pod ${name}`);
    } catch (err) {
      if (!(kind === "auto" && isNotFound(err))) {
        throw toPnsError(err, { verb: "get", resource: "pods", namespace, name });
      }
    }
  }
  const kinds: WorkloadKind[] = kind === "auto" ? ["deployment", "statefulset", "daemonset", "replicaset"] : [kind];
  const found = await Promise.all(
    kinds.map(async (k) => {
      try {
        return { kind: k, selector: await readWorkloadSelector(apps, k, namespace, name) };
      } catch (err) {
        // With kind auto, a missing or forbidden workload kind just means "not that one".
        if (kind === "auto") return null;
        throw toPnsError(err, {
          verb: "get",
          resource: WORKLOAD_RESOURCE[k],
          namespace,
          name,
        });
      }
    }),
  );
  const workload = found.find((f) => f !== null);
  if (workload) {
    const list = await listPods(workload.selector);
    return pick(
      list.items.filter((p) => !isPnsCopy(p)),
      `${workload.kind} ${name}`,
      `${workload.kind} ${name} (${workload.selector})`,
    );
  }
  if (kind !== "auto") throw new PnsError("not_found", `There is no ${kind} ${name} in namespace ${namespace}.`);
  const list = await listPods();
  const prefixed = list.items.filter((p) => (p.metadata?.name ?? "").startsWith(`${name}-`) && !isPnsCopy(p));
  return pick(prefixed, `pods named ${name}-…`, `"${name}" (no pod, workload or pod named ${name}-…)`);
}

async function readWorkloadSelector(apps: AppsV1Api, kind: WorkloadKind, namespace: string, name: string) {
  const args = { name, namespace };
  const workload =
    kind === "deployment"
      ? await apps.readNamespacedDeployment(args)
      : kind === "statefulset"
        ? await apps.readNamespacedStatefulSet(args)
        : kind === "daemonset"
          ? await apps.readNamespacedDaemonSet(args)
          : await apps.readNamespacedReplicaSet(args);
  const selector = labelSelectorString(workload.spec?.selector);
  if (!selector) {
    throw new PnsError("not_found", `The ${kind} ${name} has no pod selector.`);
  }
  return selector;
}

/** At most `limit` pod names of a namespace (pns's copies left out), for suggestions after a miss: one bounded read. */
export async function podNames(core: CoreV1Api, namespace: string, limit: number): Promise<string[]> {
  const list = await kubeCall({ verb: "list", resource: "pods", namespace }, () =>
    core.listNamespacedPod({ namespace, limit }),
  );
  return list.items
    .filter((p) => !isPnsCopy(p))
    .map((p) => p.metadata?.name ?? "")
    .filter((n) => n !== "");
}
