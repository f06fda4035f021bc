/** A tiny Secrets Manager for tests: answers GetSecretValue (its JSON 1.1 protocol) from a map, and records calls. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

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
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"]);
      const id = (JSON.parse(body) as { SecretId: string }).SecretId;
      calls.push(`${target} ${id}`);
      res.setHeader("content-type", "application/x-amz-json-1.1");
      const value = secrets.get(id);
      if (value === undefined) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: "ResourceNotFoundException", message: "no such secret" }));
        return;
      }
      res.end(
        JSON.stringify({ ARN: `arn:aws:secretsmanager:eu-west-1:1:secret:${id}`, Name: id, SecretString: value }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secrets,
    calls,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
