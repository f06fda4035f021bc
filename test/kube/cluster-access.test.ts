import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { awsClusterCredentials } from "../../src/aws/cluster-credentials.js";
import { KUBECONFIG_SECRET_MAX_AGE_S, loadKubeconfigSecret } from "../../src/aws/kubeconfig-secret.js";
import { buildClusterClients, clusterClients, forgetClusterClients } from "../../src/kube/clusters.js";
import { type LocalSecretsManager, startSecretsManager } from "../aws/secrets-manager.js";

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

const secrets = new Map<string, string>([
  ["plain", kubeconfig("https://a.example:6443")],
  ["wrapped", JSON.stringify({ kubeconfig: kubeconfig("https://w.example:6443") })],
]);
let sm: LocalSecretsManager;
const saved = { ...process.env };

beforeAll(async () => {
  sm = await startSecretsManager(secrets);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
  });
});
afterAll(async () => {
  process.env = saved;
  await sm.close();
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
    const before = sm.calls.filter((c) => c.endsWith(" plain")).length;
    await loadKubeconfigSecret("plain");
    await loadKubeconfigSecret("plain");
    expect(sm.calls.filter((c) => c.endsWith(" plain")).length).toBe(before);
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

describe("a rotated kubeconfig secret", () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const access = (secretId: string) => ({ kind: "kubeconfigSecret", secretId, context: null }) as const;
  const server = async (name: string, secretId: string) =>
    (await clusterClients(name, access(secretId), Date.now, awsClusterCredentials)).kc.getCurrentCluster()?.server;

  it("rebuilds the cluster's clients once the new kubeconfig is read after the cache age, and not before", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    secrets.set("rotating", kubeconfig("https://old.example:6443"));
    const first = await clusterClients("rot", access("rotating"), Date.now, awsClusterCredentials);
    expect(first.kc.getCurrentCluster()?.server).toBe("https://old.example:6443");

    secrets.set("rotating", kubeconfig("https://new.example:6443"));
    expect(await clusterClients("rot", access("rotating"), Date.now, awsClusterCredentials)).toBe(first);
    vi.setSystemTime(Date.now() + (KUBECONFIG_SECRET_MAX_AGE_S + 1) * 1000);
    expect(await server("rot", "rotating")).toBe("https://new.example:6443");
    // The same text again: the rebuilt clients are kept, not rebuilt on every call.
    const second = await clusterClients("rot", access("rotating"), Date.now, awsClusterCredentials);
    expect(await clusterClients("rot", access("rotating"), Date.now, awsClusterCredentials)).toBe(second);
  });

  it("reads a kubeconfig that did not load afresh on the next call, instead of from the cache", async () => {
    secrets.set("broken", "clusters: [}");
    await expect(server("broken", "broken")).rejects.toMatchObject({ code: "invalid_config" });
    secrets.set("broken", kubeconfig("https://fixed.example:6443"));
    // No time passes: the bad text would still be cached for minutes.
    expect(await server("broken", "broken")).toBe("https://fixed.example:6443");
  });

  it("reads an empty secret afresh on the next call", async () => {
    secrets.set("empty", "  ");
    await expect(loadKubeconfigSecret("empty")).rejects.toMatchObject({ code: "invalid_config" });
    secrets.set("empty", kubeconfig("https://filled.example:6443"));
    expect(await loadKubeconfigSecret("empty")).toContain("https://filled.example:6443");
  });

  it("keeps the clients it has when the secret cannot be read for a moment", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    secrets.set("flaky", kubeconfig("https://flaky.example:6443"));
    const clients = await clusterClients("flaky", access("flaky"), Date.now, awsClusterCredentials);
    secrets.delete("flaky");
    vi.setSystemTime(Date.now() + (KUBECONFIG_SECRET_MAX_AGE_S + 1) * 1000);
    expect(await clusterClients("flaky", access("flaky"), Date.now, awsClusterCredentials)).toBe(clients);
  });
});
