import type { CoreV1Api, V1Pod, V1Service } from "@kubernetes/client-node";
import type { DeclaredPort, PortProtocol, ServicePort } from "../core/ports/analyze.js";
import { classifyRefusal, httpCodeOf, oneLine, statusOf } from "./kube-errors.js";

const protocolOf = (p: string | undefined): PortProtocol => (p === "UDP" ? "UDP" : p === "SCTP" ? "SCTP" : "TCP");

/** The containerPorts of a pod's containers, init containers (native sidecars) included. */
export function declaredPorts(pod: V1Pod): DeclaredPort[] {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return all.flatMap((c) =>
    (c.ports ?? []).map((p) => ({
      container: c.name,
      port: p.containerPort,
      protocol: protocolOf(p.protocol),
      name: p.name ?? null,
    })),
  );
}

/**
 * True when a Service's selector selects the pod: every key matches (kubernetes pkg/controller/endpointslice uses
 * `labels.SelectorFromValidatedSet(service.Spec.Selector)`); a Service without a selector selects nothing.
 */
export function selects(service: V1Service, pod: V1Pod): boolean {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return false;
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The ports of the Services that select the pod; targetPort defaults to the port (core/v1 ServicePort). */
export function servicePortsFor(services: readonly V1Service[], pod: V1Pod): ServicePort[] {
  return services
    .filter((s) => selects(s, pod))
    .flatMap((s) =>
      (s.spec?.ports ?? []).map((p) => ({
        service: s.metadata?.name ?? "",
        port: p.port,
        targetPort: (p.targetPort as number | string | undefined) ?? p.port,
        protocol: protocolOf(p.protocol),
      })),
    );
}

/** The Services of the namespace selecting the pod, or why they could not be listed. */
export async function podServices(
  core: CoreV1Api,
  pod: V1Pod,
): Promise<{ services: ServicePort[] | null; problem: string | null }> {
  const namespace = pod.metadata?.namespace ?? "default";
  try {
    const list = await core.listNamespacedService({ namespace });
    return { services: servicePortsFor(list.items, pod), problem: null };
  } catch (err) {
    const code = httpCodeOf(err);
    const message = statusOf(err)?.message ?? "";
    if (code === 403 && classifyRefusal(message).kind === "rbac") {
      return { services: null, problem: `pns may not list services in namespace ${namespace} (RBAC)` };
    }
    return { services: null, problem: oneLine(message || String(err), 200) };
  }
}
