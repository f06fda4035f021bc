/**
 * A tiny SSM Parameter Store for tests: answers GetParameter in its JSON 1.1 protocol (`X-Amz-Target:
 * AmazonSSM.GetParameter`; the response and the `ParameterNotFound` error as in
 * docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html) from a map, and records calls.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

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
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"]);
      const name = (JSON.parse(body) as { Name: string }).Name;
      calls.push(`${target} ${name}`);
      res.setHeader("content-type", "application/x-amz-json-1.1");
      const value = parameters.get(name);
      if (target !== "AmazonSSM.GetParameter" || value === undefined) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: "ParameterNotFound", message: `no parameter ${name}` }));
        return;
      }
      const seen = versions.get(name);
      const version = seen?.value === value ? seen.version : (seen?.version ?? 0) + 1;
      versions.set(name, { value, version });
      res.end(
        JSON.stringify({
          Parameter: {
            Name: name,
            Type: "String",
            Value: value,
            Version: version,
            LastModifiedDate: Math.floor(Date.now() / 1000),
            ARN: `arn:aws:ssm:eu-west-1:123456789012:parameter${name.startsWith("/") ? "" : "/"}${name}`,
            DataType: "text",
          },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    parameters,
    calls,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
