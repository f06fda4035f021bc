import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { PnsError } from "../core/errors.js";
import { awsClientConfig } from "./client-config.js";

/** How long the configuration read from its SSM parameter is reused before it is read again. @default 60 s */
export const CONFIG_PARAMETER_MAX_AGE_S = 60;

/** Made on first use, so the endpoint (`AWS_ENDPOINT_URL_SSM`) is read when the parameter is. */
let provider: SSMProvider | undefined;

/**
 * Reads the text of the configuration's SSM parameter (a `String` parameter holding pns.config.yaml's YAML), cached
 * across invocations for {@link CONFIG_PARAMETER_MAX_AGE_S}. `GetParameter` names a parameter by name or ARN
 * (docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html).
 */
export async function readConfigParameter(name: string): Promise<string> {
  let value: unknown;
  try {
    provider ??= new SSMProvider({ clientConfig: awsClientConfig("ack") });
    value = await provider.get(name, { maxAge: CONFIG_PARAMETER_MAX_AGE_S });
  } catch (cause) {
    const notFound = (cause as { cause?: { name?: string } }).cause?.name === "ParameterNotFound";
    throw new PnsError(
      notFound ? "invalid_config" : "unavailable",
      notFound
        ? `There is no SSM parameter ${name} (PNS_CONFIG_PARAMETER).`
        : `pns could not read its configuration from the SSM parameter ${name}.`,
      { cause, hint: "Check PNS_CONFIG_PARAMETER and that the function's role may ssm:GetParameter it." },
    );
  }
  if (typeof value !== "string") {
    throw new PnsError("invalid_config", `The SSM parameter ${name} holds no text.`);
  }
  return value;
}
