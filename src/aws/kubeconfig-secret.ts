import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { PnsError } from "../core/errors.js";
import { awsClientConfig } from "./client-config.js";

/** How long a kubeconfig read from Secrets Manager is reused before it is read again. @default 300 s */
export const KUBECONFIG_SECRET_MAX_AGE_S = 300;

/** Made on first use, so the endpoint (`AWS_ENDPOINT_URL_SECRETS_MANAGER`) is read when the secret is. */
let provider: SecretsProvider | undefined;
/** Secrets whose last value was refused (empty): read afresh next time. */
const refused = new Set<string>();

/**
 * Reads a kubeconfig stored in Secrets Manager (honours AWS_ENDPOINT_URL_SECRETS_MANAGER), cached across invocations
 * for {@link KUBECONFIG_SECRET_MAX_AGE_S}, so a rotated kubeconfig is read within that time. The value is the
 * kubeconfig itself (YAML or JSON), or JSON with a `kubeconfig` field holding it. `fresh` reads past the cache: for
 * a value the caller could not use (a kubeconfig that does not load), which must not be served again.
 */
export async function loadKubeconfigSecret(
  secretId: string,
  options: { maxAgeS?: number; fresh?: boolean } = {},
): Promise<string> {
  let value: unknown;
  try {
    provider ??= new SecretsProvider({ clientConfig: awsClientConfig("worker") });
    value = await provider.get(secretId, {
      maxAge: options.maxAgeS ?? KUBECONFIG_SECRET_MAX_AGE_S,
      forceFetch: options.fresh === true || refused.has(secretId),
    });
  } catch (cause) {
    throw new PnsError("unavailable", "pns could not read a cluster's kubeconfig from Secrets Manager.", {
      cause,
      hint: "Check the cluster's `kubeconfigSecret.secretId` and that the function's role may read it.",
    });
  }
  const text = typeof value === "string" ? value : value instanceof Uint8Array ? Buffer.from(value).toString() : "";
  if (text.trim() === "") {
    refused.add(secretId);
    throw new PnsError("invalid_config", `The kubeconfig secret ${secretId} is empty.`);
  }
  refused.delete(secretId);
  return unwrap(text);
}

/** Takes the kubeconfig out of `{"kubeconfig": "…"}`; returns any other text as it is. */
function unwrap(text: string): string {
  if (!text.trimStart().startsWith("{")) return text;
  try {
    const parsed = JSON.parse(text) as { kubeconfig?: unknown };
    return typeof parsed.kubeconfig === "string" ? parsed.kubeconfig : text;
  } catch {
    return text;
  }
}
