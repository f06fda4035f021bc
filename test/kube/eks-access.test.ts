import { createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsClusterCredentials } from "../../src/aws/cluster-credentials.js";
import { decodeEksToken } from "../../src/aws/eks-token.js";
import { clusterClients, forgetClusterClients } from "../../src/kube/clusters.js";
import { makeCertificate } from "../../src/local/sim/tls.js";

/** A local EKS answers DescribeCluster with a local HTTPS API server, which records the bearer tokens it gets. */
const tokens: string[] = [];
const cert = await makeCertificate("127.0.0.1");
let apiUrl = "";
const described: string[] = [];
const eks = createServer((req, res) => {
  described.push(`${req.method} ${req.url}`);
  res.setHeader("content-type", "application/json");
  const caData = Buffer.from(cert.cert).toString("base64");
  res.end(JSON.stringify({ cluster: { name: "prod", endpoint: apiUrl, certificateAuthority: { data: caData } } }));
});
const api = createHttpsServer({ cert: cert.cert, key: cert.key }, (req, res) => {
  tokens.push(String(req.headers.authorization ?? ""));
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ kind: "Pod", apiVersion: "v1", metadata: { name: "nginx", namespace: "default" } }));
});
const saved = { ...process.env };

beforeAll(async () => {
  await new Promise<void>((r) => eks.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  apiUrl = `https://127.0.0.1:${(api.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_EKS: `http://127.0.0.1:${(eks.address() as AddressInfo).port}`,
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
  });
  delete process.env.AWS_PROFILE;
});
afterAll(() => {
  process.env = saved;
  eks.close();
  api.close();
  forgetClusterClients();
});

describe("EKS cluster access", () => {
  it("describes the cluster, sends a signed IAM token, and makes a new one before it runs out", async () => {
    forgetClusterClients();
    const access = { kind: "eks", name: "prod", region: "eu-west-1", roleArn: null } as const;
    let now = Date.parse("2026-11-30T04:00:00Z");
    const clock = () => now;

    const first = await clusterClients("prod", access, clock, awsClusterCredentials);
    await first.core.readNamespacedPod({ name: "nginx", namespace: "default" });
    expect(await clusterClients("prod", access, clock, awsClusterCredentials)).toBe(first);

    now += 13 * 60_000;
    const second = await clusterClients("prod", access, clock, awsClusterCredentials);
    expect(second).not.toBe(first);
    await second.core.readNamespacedPod({ name: "nginx", namespace: "default" });

    expect(described).toEqual(["GET /clusters/prod", "GET /clusters/prod"]);
    expect(tokens).toHaveLength(2);
    const urls = tokens.map((t) => decodeEksToken(t.replace(/^Bearer /, "")));
    expect(urls.map((u) => u.searchParams.get("X-Amz-Date"))).toEqual(["20261130T040000Z", "20261130T041300Z"]);
    for (const u of urls) {
      expect(u.host).toBe("sts.eu-west-1.amazonaws.com");
      expect(u.searchParams.get("X-Amz-SignedHeaders")).toBe("host;x-k8s-aws-id");
    }
  });
});
