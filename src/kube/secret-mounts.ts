import type { V1Container, V1EphemeralContainer, V1Pod, V1Volume } from "@kubernetes/client-node";

/** Secrets Store CSI driver (kubernetes-sigs/secrets-store-csi-driver): its volumes hold secrets from a vault. */
const SECRET_CSI_DRIVERS = new Set(["secrets-store.csi.k8s.io"]);

/**
 * True for a volume that holds secrets: `secret`, `projected` (service-account tokens — the ServiceAccount admission
 * plugin's `kube-api-access-*` is one —, secrets, and what they are projected with) and Secrets Store CSI volumes.
 */
export function holdsSecrets(volume: V1Volume): boolean {
  return Boolean(volume.secret || volume.projected || (volume.csi && SECRET_CSI_DRIVERS.has(volume.csi.driver)));
}

/**
 * Where a pod mounts its secret-holding volumes: in one container (init and ephemeral ones included), or in every
 * container when `container` is null or unknown to the pod.
 */
export function secretMountPaths(pod: V1Pod, container: string | null): string[] {
  const secret = new Set((pod.spec?.volumes ?? []).filter(holdsSecrets).map((v) => v.name));
  if (secret.size === 0) return [];
  const all: (V1Container | V1EphemeralContainer)[] = [
    ...(pod.spec?.initContainers ?? []),
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.ephemeralContainers ?? []),
  ];
  const own = all.filter((c) => c.name === container);
  const paths = (own.length > 0 ? own : all).flatMap((c) =>
    (c.volumeMounts ?? []).filter((m) => secret.has(m.name)).map((m) => m.mountPath),
  );
  return [...new Set(paths)];
}
