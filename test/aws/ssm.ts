/**
 * A tiny SSM Parameter Store for tests: answers GetParameter in its JSON 1.1 protocol (`X-Amz-Target:
 * AmazonSSM.GetParameter`; the response and the `ParameterNotFound` error as in
 * docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html) from a map, and records calls.
 */
import { startJsonEndpoint } from "./json-endpoint.js";

/** A running SSM endpoint (for `AWS_ENDPOINT_URL_SSM`). */
export interface LocalSsm {
  endpoint: string;
  /** Parameter name → value; tests may change it while running (each change is a new version). */
  parameters: Map<string, string>;
  /** `<X-Amz-Target> <Name>` of every request, in order. */
  calls: string[];
  close(): Promise<void>;
}

/** Starts the endpoint on a free loopback port. */
export async function startSsm(parameters: Map<string, string>): Promise<LocalSsm> {
  const calls: string[] = [];
  const versions = new Map<string, { value: string; version: number }>();
  const server = await startJsonEndpoint((target, body) => {
    const name = String(body.Name);
    calls.push(`${target} ${name}`);
    const value = parameters.get(name);
    if (target !== "AmazonSSM.GetParameter" || value === undefined) {
      return { status: 400, body: { __type: "ParameterNotFound", message: `no parameter ${name}` } };
    }
    const seen = versions.get(name);
    const version = seen?.value === value ? seen.version : (seen?.version ?? 0) + 1;
    versions.set(name, { value, version });
    return {
      body: {
        Parameter: {
          Name: name,
          Type: "String",
          Value: value,
          Version: version,
          LastModifiedDate: Math.floor(Date.now() / 1000),
          ARN: `arn:aws:ssm:eu-west-1:123456789012:parameter${name.startsWith("/") ? "" : "/"}${name}`,
          DataType: "text",
        },
      },
    };
  });
  return { ...server, parameters, calls };
}
