import { getSecret } from "@aws-lambda-powertools/parameters/secrets";
import { PnsError } from "../core/errors.js";

/** How long a kubeconfig read from Secrets Manager is reused before it is read again. @default 300 s */
export const KUBECONFIG_SECRET_MAX_AGE_S = 300;

/**
 * Reads a kubeconfig stored in Secrets Manager (honours AWS_ENDPOINT_URL_SECRETS_MANAGER), cached across invocations
 * for {@link KUBECONFIG_SECRET_MAX_AGE_S}. The value is the kubeconfig itself (YAML or JSON), or JSON with a
 * `kubeconfig` field holding it.
 */
export async function loadKubeconfigSecret(
  secretId: string,
  maxAgeS: number = KUBECONFIG_SECRET_MAX_AGE_S,
): Promise<string> {
  let value: unknown;
  try {
    value = await getSecret(secretId, { maxAge: maxAgeS });
  } catch (cause) {
    throw new PnsError("unavailable", "pns could not read a cluster's kubeconfig from Secrets Manager.", {
      cause,
      hint: "Check the cluster's `kubeconfigSecret.secretId` and that the function's role may read it.",
    });
  }
  const text = typeof value === "string" ? value : value instanceof Uint8Array ? Buffer.from(value).toString() : "";
  if (text.trim() === "") {
    throw new PnsError("invalid_config", `The kubeconfig secret ${secretId} is empty.`);
  }
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
