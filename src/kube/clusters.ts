import { createHash } from "node:crypto";
import { AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
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

/** What an EKS cluster's clients are built from: its endpoint and CA, and a bearer token that runs out. */
export interface EksGrant {
  endpoint: string;
  /** Base64 PEM of the cluster's CA. */
  caData: string;
  token: string;
  /** Epoch ms after which the clients must be rebuilt with a new token. */
  refreshAt: number;
}

/**
 * Cluster credentials kept outside kubeconfig files: EKS (DescribeCluster and an IAM token) and kubeconfigs in
 * Secrets Manager. The handlers inject the AWS implementation (`src/aws/cluster-credentials.ts`), so this adapter
 * imports no other.
 */
export interface ClusterCredentialSources {
  eks(access: { name: string; region: string; roleArn: string | null }, now: Date): Promise<EksGrant>;
  /** The kubeconfig text; `fresh` reads past any cache (the last text did not load). */
  kubeconfigSecret(secretId: string, options?: { fresh?: boolean }): Promise<string>;
}

/** Without AWS sources, only kubeconfig files work. */
function noSources(what: string): never {
  throw new PnsError("invalid_config", `pns cannot reach ${what} here: it runs without AWS access.`, {
    hint: "Use a cluster of kind `kubeconfig` for local runs.",
  });
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
async function eksClients(
  access: Extract<ClusterAccess, { kind: "eks" }>,
  now: () => number,
  sources: ClusterCredentialSources | undefined,
): Promise<ClusterClients> {
  const grant = await (sources ?? noSources(`EKS cluster ${access.name}`)).eks(access, new Date(now()));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: access.name, server: grant.endpoint, caData: grant.caData, skipTLSVerify: false }],
    users: [{ name: "pns", token: grant.token }],
    contexts: [{ name: access.name, cluster: access.name, user: "pns" }],
    currentContext: access.name,
  });
  return clientsFor(kc, grant.refreshAt);
}

/** Builds the clients for one cluster from its config entry. */
export async function buildClusterClients(
  access: ClusterAccess,
  now: () => number = Date.now,
  sources?: ClusterCredentialSources,
): Promise<ClusterClients> {
  if (access.kind === "eks") return eksClients(access, now, sources);
  const kc = new KubeConfig();
  try {
    if (access.kind === "kubeconfig") {
      if (access.path) kc.loadFromFile(access.path);
      else kc.loadFromDefault();
    } else {
      const secrets = sources ?? noSources(`the kubeconfig in secret ${access.secretId}`);
      kc.loadFromString(await secrets.kubeconfigSecret(access.secretId));
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

/** A cluster's cached clients and the kubeconfig secret text they were built from (its SHA-256; null: no secret). */
interface CachedClients {
  version: string | null;
  clients: Promise<ClusterClients>;
}

/** One client set per cluster, kept across invocations of a warm Lambda. */
const cache = new Map<string, CachedClients>();
/** Clusters whose kubeconfig secret text did not load: the next read goes past the secret's cache. */
const unloadable = new Set<string>();

/**
 * The cached clients of a cluster, built on first use and rebuilt when their EKS token nears its end or, for a
 * kubeconfig in Secrets Manager, when the secret's text changes (a rotation: the source re-reads it after its cache
 * age). The key is the cluster's name in the config and its access settings, so a changed config builds anew.
 */
export async function clusterClients(
  name: string,
  access: ClusterAccess,
  now: () => number = Date.now,
  sources?: ClusterCredentialSources,
): Promise<ClusterClients> {
  const key = `${name}\u0000${JSON.stringify(access)}`;
  const cached = cache.get(key);
  let version: string | null = null;
  let from = sources;
  if (access.kind === "kubeconfigSecret" && sources) {
    let text: string;
    try {
      text = await sources.kubeconfigSecret(access.secretId, unloadable.has(key) ? { fresh: true } : undefined);
    } catch (err) {
      // Secrets Manager unreachable for a moment: the clients built from the last text still hold its credentials.
      const last = await cached?.clients.catch(() => null);
      if (last) return last;
      throw err;
    }
    version = createHash("sha256").update(text).digest("hex");
    from = { ...sources, kubeconfigSecret: async () => text };
  }
  if (cached && cached.version === version) {
    const clients = await cached.clients.catch(() => null);
    if (clients && (clients.expiresAt === null || clients.expiresAt > now())) return clients;
  }
  const building = buildClusterClients(access, now, from);
  const entry: CachedClients = { version, clients: building };
  cache.set(key, entry);
  building.then(
    () => unloadable.delete(key),
    () => {
      if (cache.get(key) === entry) cache.delete(key);
      if (version !== null) unloadable.add(key);
    },
  );
  return building;
}

/** Forgets every cached client set (tests, config reloads). */
export function forgetClusterClients(): void {
  cache.clear();
  unloadable.clear();
}
