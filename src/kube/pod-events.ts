import type { CoreV1Api, CoreV1Event } from "@kubernetes/client-node";
import { oneLine } from "./kube-errors.js";

/** When an event last happened, epoch ms: events.k8s.io's `eventTime` or core's `lastTimestamp` / `firstTimestamp`. */
function happenedAt(e: CoreV1Event): number {
  const at = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return at ? new Date(at).getTime() : 0;
}

/**
 * The events that say why a pod waits, newest first: Warnings (FailedScheduling, FailedMount, Failed, BackOff) before
 * Normal ones (Scheduled, Pulling), as `kubectl describe pod` shows them.
 */
export function explainingEvents(events: readonly CoreV1Event[], max = 2): string[] {
  const sorted = [...events].sort(
    (a, b) => Number(b.type === "Warning") - Number(a.type === "Warning") || happenedAt(b) - happenedAt(a),
  );
  return sorted.slice(0, max).map((e) => `${e.reason ?? e.type ?? "Event"}: ${oneLine(e.message ?? "", 200)}`);
}

/**
 * Lists the pod's events (`involvedObject` field selector, as kubectl describe does) and explains the wait; an
 * empty list when there are none or pns may not list events (it then says what it sees in the pod instead).
 */
export async function podEvents(core: CoreV1Api, namespace: string, pod: string): Promise<string[]> {
  try {
    const list = await core.listNamespacedEvent({
      namespace,
      fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${pod}`,
    });
    return explainingEvents(list.items);
  } catch {
    return [];
  }
}
