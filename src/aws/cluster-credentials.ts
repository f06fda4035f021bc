import { buildEksToken, describeEksCluster, EKS_TOKEN_REFRESH_MARGIN_MS, eksCredentials } from "./eks-token.js";
import { loadKubeconfigSecret } from "./kubeconfig-secret.js";

/**
 * Cluster credentials from AWS, as the Kubernetes adapter's `ClusterCredentialSources` asks for them: an EKS
 * cluster's endpoint, CA and IAM token (refreshed {@link EKS_TOKEN_REFRESH_MARGIN_MS} before it runs out), and
 * kubeconfigs kept in Secrets Manager (`fresh`: past the cache, after a value that did not load).
 */
export const awsClusterCredentials = {
  async eks(access: { name: string; region: string; roleArn: string | null }, now: Date) {
    const credentials = eksCredentials(access.region, access.roleArn);
    const [endpoint, token] = await Promise.all([
      describeEksCluster(access.name, access.region, credentials),
      buildEksToken({ cluster: access.name, region: access.region, credentials, now }),
    ]);
    return { ...endpoint, token: token.token, refreshAt: token.expiresAt - EKS_TOKEN_REFRESH_MARGIN_MS };
  },
  kubeconfigSecret: (secretId: string, options?: { fresh?: boolean }) =>
    loadKubeconfigSecret(secretId, { fresh: options?.fresh === true }),
};
