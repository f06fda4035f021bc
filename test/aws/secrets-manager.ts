/** A tiny Secrets Manager for tests: answers GetSecretValue (its JSON 1.1 protocol) from a map, and records calls. */
import { startJsonEndpoint } from "./json-endpoint.js";

/** A running Secrets Manager endpoint (for `AWS_ENDPOINT_URL_SECRETS_MANAGER`). */
export interface LocalSecretsManager {
  endpoint: string;
  /** Secret ID → value; tests may change it while running. */
  secrets: Map<string, string>;
  /** `<X-Amz-Target> <SecretId>` of every request, in order. */
  calls: string[];
  close(): Promise<void>;
}

/** Starts the endpoint on a free loopback port. */
export async function startSecretsManager(secrets: Map<string, string>): Promise<LocalSecretsManager> {
  const calls: string[] = [];
  const server = await startJsonEndpoint((target, body) => {
    const id = String(body.SecretId);
    calls.push(`${target} ${id}`);
    const value = secrets.get(id);
    if (value === undefined) {
      return { status: 400, body: { __type: "ResourceNotFoundException", message: "no such secret" } };
    }
    return { body: { ARN: `arn:aws:secretsmanager:eu-west-1:1:secret:${id}`, Name: id, SecretString: value } };
  });
  return { ...server, secrets, calls };
}
