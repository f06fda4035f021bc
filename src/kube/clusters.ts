import { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { buildEksToken, describeEksCluster, EKS_TOKEN_REFRESH_MARGIN_MS, eksCredentials } from "../aws/eks-token.js";
import { loadKubeconfigSecret } from "../aws/kubeconfig-secret.js";
import type { ClusterAccess } from "../core/config/types.js";
import { PnsError } from "../core/errors.js";

/** The clients pns uses for one cluster. */
export interface ClusterClients {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  /** Epoch ms after which the clients must be rebuilt (an EKS token running out); null: never. */
  expiresAt: number | null;
}

/** Builds the clients from a loaded KubeConfig. */
export function clientsFor(kc: KubeConfig, expiresAt: number | null = null): ClusterClients {
  return { kc, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), expiresAt };
}

function useContext(kc: KubeConfig, context: string | null, where: string): void {
  if (!context) return;
  if (!kc.getContexts().some((c) => c.name === context)) {
    throw new PnsError("invalid_config", `The kubeconfig ${where} has no context "${context}".`, {
      hint: `Its contexts: ${kc
        .getContexts()
        .map((c) => c.name)
        .join(", ")}.`,
    });
  }
  kc.setCurrentContext(context);
}

/** Builds a KubeConfig for an EKS cluster: endpoint and CA from DescribeCluster, a fresh IAM token. */
async function eksClients(access: Extract<ClusterAccess, { kind: "eks" }>, now: () => number): Promise<ClusterClients> {
  const credentials = eksCredentials(access.region, access.roleArn);
  const [endpoint, token] = await Promise.all([
    describeEksCluster(access.name, access.region, credentials),
    buildEksToken({ cluster: access.name, region: access.region, credentials, now: new Date(now()) }),
  ]);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: access.name, server: endpoint.endpoint, caData: endpoint.caData, skipTLSVerify: false }],
    users: [{ name: "pns", token: token.token }],
    contexts: [{ name: access.name, cluster: access.name, user: "pns" }],
    currentContext: access.name,
  });
  return clientsFor(kc, token.expiresAt - EKS_TOKEN_REFRESH_MARGIN_MS);
}

/** Builds the clients for one cluster from its config entry. */
export async function buildClusterClients(
  access: ClusterAccess,
  now: () => number = Date.now,
): Promise<ClusterClients> {
  if (access.kind === "eks") return eksClients(access, now);
  const kc = new KubeConfig();
  try {
    if (access.kind === "kubeconfig") {
      if (access.path) kc.loadFromFile(access.path);
      else kc.loadFromDefault();
    } else {
      kc.loadFromString(await loadKubeconfigSecret(access.secretId));
    }
  } catch (err) {
    if (err instanceof PnsError) throw err;
    const where = access.kind === "kubeconfig" ? (access.path ?? "(default)") : `in secret ${access.secretId}`;
    throw new PnsError("invalid_config", `pns could not load the kubeconfig ${where}.`, { cause: err });
  }
  const where = access.kind === "kubeconfig" ? (access.path ?? "(default)") : `in secret ${access.secretId}`;
  useContext(kc, access.context, where);
  if (!kc.getCurrentCluster()) throw new PnsError("invalid_config", `The kubeconfig ${where} names no cluster.`);
  return clientsFor(kc);
}

/** One client set per cluster, kept across invocations of a warm Lambda. */
const cache = new Map<string, Promise<ClusterClients>>();

/**
 * The cached clients of a cluster, built on first use and rebuilt when their EKS token nears its end.
 * The key is the cluster's name in the config and its access settings, so a changed config builds anew.
 */
export async function clusterClients(
  name: string,
  access: ClusterAccess,
  now: () => number = Date.now,
): Promise<ClusterClients> {
  const key = `${name}\u0000${JSON.stringify(access)}`;
  const cached = cache.get(key);
  if (cached) {
    const clients = await cached.catch(() => null);
    if (clients && (clients.expiresAt === null || clients.expiresAt > now())) return clients;
  }
  const building = buildClusterClients(access, now);
  cache.set(key, building);
  building.catch(() => {
    if (cache.get(key) === building) cache.delete(key);
  });
  return building;
}

/** Forgets every cached client set (tests, config reloads). */
export function forgetClusterClients(): void {
  cache.clear();
}
