import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsClusterCredentials } from "../../src/aws/cluster-credentials.js";
import { loadKubeconfigSecret } from "../../src/aws/kubeconfig-secret.js";
import { buildClusterClients, clusterClients, forgetClusterClients } from "../../src/kube/clusters.js";

const kubeconfig = (server: string) => `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: { server: "${server}" }
- name: b
  cluster: { server: "https://b.example:6443" }
users:
- name: u
  user: { token: t0k }
contexts:
- name: ctx-a
  context: { cluster: a, user: u }
- name: ctx-b
  context: { cluster: b, user: u }
current-context: ctx-a
`;

/** A tiny Secrets Manager: answers GetSecretValue from a map. */
const secrets = new Map<string, string>([
  ["plain", kubeconfig("https://a.example:6443")],
  ["wrapped", JSON.stringify({ kubeconfig: kubeconfig("https://w.example:6443") })],
]);
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
    res.end(JSON.stringify({ ARN: `arn:aws:secretsmanager:eu-west-1:1:secret:${id}`, Name: id, SecretString: value }));
  });
});
const saved = { ...process.env };

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
  });
});
afterAll(() => {
  process.env = saved;
  server.close();
});

describe("loadKubeconfigSecret", () => {
  it.each([
    ["a kubeconfig as the secret's string", "plain", "https://a.example:6443"],
    ["JSON with a kubeconfig field", "wrapped", "https://w.example:6443"],
  ])("reads %s", async (_name, id, server) => {
    expect(await loadKubeconfigSecret(id)).toContain(server);
  });

  it("says plainly when the secret cannot be read", async () => {
    await expect(loadKubeconfigSecret("missing")).rejects.toMatchObject({ code: "unavailable" });
  });

  it("reuses a read within its max age", async () => {
    const before = calls.filter((c) => c.endsWith(" plain")).length;
    await loadKubeconfigSecret("plain");
    await loadKubeconfigSecret("plain");
    expect(calls.filter((c) => c.endsWith(" plain")).length).toBe(before);
  });
});

describe("buildClusterClients", () => {
  const dir = mkdtempSync(join(tmpdir(), "pns-kc-"));
  const file = join(dir, "config");
  writeFileSync(file, kubeconfig("https://file.example:6443"));

  it.each([
    ["a file, its current context", { kind: "kubeconfig", path: file, context: null }, "https://file.example:6443"],
    ["a file, a named context", { kind: "kubeconfig", path: file, context: "ctx-b" }, "https://b.example:6443"],
    ["a secret", { kind: "kubeconfigSecret", secretId: "plain", context: null }, "https://a.example:6443"],
  ] as const)("loads %s", async (_name, access, server) => {
    const clients = await buildClusterClients(access, Date.now, awsClusterCredentials);
    expect(clients.kc.getCurrentCluster()?.server).toBe(server);
    expect(clients.expiresAt).toBeNull();
  });

  it.each([
    ["an EKS cluster", { kind: "eks", name: "prod", region: "eu-west-1", roleArn: null }, "EKS cluster prod"],
    ["a kubeconfig secret", { kind: "kubeconfigSecret", secretId: "plain", context: null }, "secret plain"],
  ] as const)("without AWS sources, refuses %s with a fix", async (_name, access, what) => {
    await expect(buildClusterClients(access)).rejects.toMatchObject({
      code: "invalid_config",
      userMessage: expect.stringContaining(what),
      hint: "Use a cluster of kind `kubeconfig` for local runs.",
    });
  });

  it("names the contexts there are when the context is wrong", async () => {
    await expect(buildClusterClients({ kind: "kubeconfig", path: file, context: "nope" })).rejects.toMatchObject({
      code: "invalid_config",
      hint: "Its contexts: ctx-a, ctx-b.",
    });
  });

  it("caches one client set per cluster", async () => {
    forgetClusterClients();
    const access = { kind: "kubeconfig", path: file, context: null } as const;
    const [a, b] = await Promise.all([clusterClients("x", access), clusterClients("x", access)]);
    expect(a).toBe(b);
    expect(await clusterClients("y", access)).not.toBe(a);
  });
});
