import { Sha256 } from "@aws-crypto/sha256-js";
import { DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { partition } from "@aws-sdk/core/client";
import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { PnsError } from "../core/errors.js";

/** Prefix of an EKS bearer token. */
export const EKS_TOKEN_PREFIX = "k8s-aws-v1.";

/** How long EKS accepts a token after its X-Amz-Date. */
export const EKS_TOKEN_LIFETIME_MS = 15 * 60_000;

/** pns makes a new token this long before the old one runs out. @default 3 minutes */
export const EKS_TOKEN_REFRESH_MARGIN_MS = 3 * 60_000;

/** An EKS bearer token and when it stops working. */
export interface EksToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
}

/**
 * The regional STS host of a region, in its partition: `sts.eu-west-1.amazonaws.com`, `sts.cn-north-1.amazonaws.com.cn`,
 * `sts.us-gov-west-1.amazonaws.com`. The DNS suffix comes from the SDK's own partition data (endpoints `partitions.json`).
 */
export function stsHostname(region: string): string {
  return `sts.${region}.${partition(region).dnsSuffix}`;
}

/**
 * Makes the bearer token `aws eks get-token` makes: `k8s-aws-v1.` + unpadded base64url of an STS GetCallerIdentity
 * URL presigned for 60 s with the signed header `x-k8s-aws-id: <cluster>`.
 */
export async function buildEksToken(input: {
  cluster: string;
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Signing time. @default now */
  now?: Date;
}): Promise<EksToken> {
  const hostname = stsHostname(input.region);
  const signer = new SignatureV4({
    credentials: input.credentials,
    region: input.region,
    service: "sts",
    sha256: Sha256,
  });
  const now = input.now ?? new Date();
  const presigned = await signer.presign(
    new HttpRequest({
      method: "GET",
      protocol: "https:",
      hostname,
      path: "/",
      headers: { host: hostname, "x-k8s-aws-id": input.cluster },
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
    }),
    { expiresIn: 60, signingDate: now },
  );
  const query = Object.entries(presigned.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  const url = `https://${hostname}/?${query}`;
  return {
    token: EKS_TOKEN_PREFIX + Buffer.from(url, "utf8").toString("base64url"),
    expiresAt: now.getTime() + EKS_TOKEN_LIFETIME_MS,
  };
}

/** Reads the presigned URL back out of a token (for tests and diagnostics). */
export function decodeEksToken(token: string): URL {
  if (!token.startsWith(EKS_TOKEN_PREFIX)) throw new Error("not an EKS token");
  return new URL(Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), "base64url").toString("utf8"));
}

/** What pns needs to reach an EKS cluster's API server. */
export interface EksEndpoint {
  endpoint: string;
  /** Base64 PEM of the cluster's CA. */
  caData: string;
}

/** The credentials pns signs with: the function's own, or an assumed role's. */
export function eksCredentials(region: string, roleArn: string | null): AwsCredentialIdentityProvider {
  if (!roleArn) return fromNodeProviderChain();
  return fromTemporaryCredentials({
    params: { RoleArn: roleArn, RoleSessionName: "pns" },
    clientConfig: { region },
  });
}

/** Reads an EKS cluster's endpoint and CA with DescribeCluster (honours AWS_ENDPOINT_URL_EKS). */
export async function describeEksCluster(
  name: string,
  region: string,
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider,
): Promise<EksEndpoint> {
  const client = new EKSClient(credentials ? { region, credentials } : { region });
  try {
    const out = await client.send(new DescribeClusterCommand({ name }));
    const endpoint = out.cluster?.endpoint;
    const caData = out.cluster?.certificateAuthority?.data;
    if (!endpoint || !caData) {
      throw new PnsError(
        "unavailable",
        `EKS cluster ${name} in ${region} has no endpoint yet (is it still creating?).`,
      );
    }
    return { endpoint, caData };
  } catch (err) {
    if (err instanceof PnsError) throw err;
    const errName = (err as { name?: string }).name;
    if (errName === "ResourceNotFoundException") {
      throw new PnsError("invalid_config", `There is no EKS cluster ${name} in ${region}.`, {
        cause: err,
        hint: "Check the cluster's `eks.name` and `eks.region` in the pns config.",
      });
    }
    if (errName === "AccessDeniedException") {
      throw new PnsError("forbidden", `pns may not describe EKS cluster ${name}: allow eks:DescribeCluster.`, {
        cause: err,
      });
    }
    throw new PnsError("unavailable", `pns could not reach EKS to describe cluster ${name}.`, { cause: err });
  } finally {
    client.destroy();
  }
}
