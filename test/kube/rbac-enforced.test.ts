import { ApiException, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PnsError } from "../../src/core/errors.js";
import { locationOf } from "../../src/kube/pod-debugger.js";
import { loadRbac, type RbacPolicy } from "../../src/local/sim/index.js";
import { counterIds, debuggerFor, fingerprint, type Sim, startSim, TestLedger } from "./harness.js";

const MANIFEST = "infra/rbac.yaml";

// pns against a simulator that enforces the RBAC manifest pns ships: a verb pns uses but the manifest lacks fails here.
describe("pns under infra/rbac.yaml", () => {
  let sim: Sim;
  beforeAll(async () => {
    sim = await startSim(30, { rbac: MANIFEST });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("lists, signals and reads through an ephemeral container, and makes a debug copy, with only those rules", async () => {
    const d = await debuggerFor(sim);
    const target = await d.resolveTarget("default", { kind: "auto", name: "nginx" });
    const a = await d.attach(target, { requestedBy: "U1" });
    const location = locationOf("default", a);
    const { listing } = await d.listProcesses(location);
    const master = listing.processes.find((p) => p.args[0]?.startsWith("nginx: master"));
    if (!master) throw new Error("no nginx master");
    await d.sendSignal({ location, fingerprint: fingerprint(master), signal: "HUP" });
    expect((await d.readFile({ location, pid: master.pid, path: "/etc/nginx/nginx.conf" })).binary).toBe(false);
    const copy = await d.attach(await d.resolveTarget("shop", { kind: "deployment", name: "billing" }), {
      requestedBy: "U1",
      strategy: "copy",
      copies: new TestLedger().of("shop"),
    });
    expect(copy.strategy).toBe("copy");
    const forbidden = sim.requests.entries.filter((e) => e.status === 403).map((e) => e.route);
    expect(forbidden).toEqual([]);
  });

  it("reads ports, inspects a process and runs the doctor with only those rules; namespaces stay unread", async () => {
    const d = await debuggerFor(sim);
    const from = sim.requests.entries.length;
    const target = await d.resolveTarget("default", { kind: "auto", name: "nginx" });
    const location = locationOf("default", await d.attach(target, { requestedBy: "U1" }));
    const ports = await d.listPorts(location, "nginx");
    expect(ports.services).toEqual([]);
    expect(ports.output.sockets.some((s) => s.port === 80)).toBe(true);
    expect((await d.inspectProcess(location, 8)).status.Name).toBe("nginx");
    const facts = await d.doctor(await d.resolveTarget("default", { kind: "auto", name: "nginx" }), {
      container: null,
      copy: false,
    });
    expect(facts.access.filter((a) => a.allowed !== true)).toEqual([]);
    expect(facts.podSecurity).toBeNull();
    expect(facts.podSecurityProblem).toBe("pns may not get namespaces (RBAC)");
    expect(facts.dryRun).toEqual({ admitted: true });
    const forbidden = sim.requests.entries
      .slice(from)
      .filter((e) => e.status === 403)
      .map((e) => e.route);
    expect(forbidden).toEqual(["GET namespaces"]);
  });
});

describe("pns under a manifest that lacks a verb it uses", () => {
  let sim: Sim;
  beforeAll(async () => {
    const full = loadRbac(MANIFEST);
    const policy: RbacPolicy = {
      ...full,
      grants: full.grants.map((g) =>
        g.rule.resources.includes("pods/ephemeralcontainers")
          ? { ...g, rule: { ...g.rule, verbs: g.rule.verbs.filter((v) => v !== "patch") } }
          : g,
      ),
    };
    sim = await startSim(30, { rbac: policy });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("answers with the API server's forbidden message, which pns turns into the verb to add", async () => {
    const kc = new KubeConfig();
    kc.loadFromString(sim.kubeconfig);
    const raw = await kc
      .makeApiClient(CoreV1Api)
      .patchNamespacedPodEphemeralcontainers(
        { name: "nginx", namespace: "default", body: { spec: { ephemeralContainers: [] } } },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      )
      .catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(ApiException);
    expect(JSON.parse(String((raw as ApiException<string>).body)).message).toBe(
      'pods "nginx" is forbidden: User "system:serviceaccount:pns:pns" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace "default"',
    );
    const d = await debuggerFor(sim, {}, { shortId: counterIds("r") });
    const err = await d
      .attach(await d.resolveTarget("default", { kind: "auto", name: "nginx" }), { requestedBy: "U1" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PnsError);
    expect(err).toMatchObject({
      userMessage: "pns may not patch pods/ephemeralcontainers in namespace default (RBAC).",
      hint: 'Grant system:serviceaccount:pns:pns "patch" on "pods/ephemeralcontainers": infra/rbac.yaml lists every rule pns needs. Or use `--copy`, which needs `create pods` instead.',
    });
  });

  it("makes the doctor name the missing verb from its access review, and skip the dry run it may not make", async () => {
    const d = await debuggerFor(sim);
    const facts = await d.doctor(await d.resolveTarget("default", { kind: "auto", name: "nginx" }), {
      container: null,
      copy: false,
    });
    expect(facts.access.filter((a) => a.allowed === false).map((a) => `${a.verb} ${a.resource}`)).toEqual([
      "patch pods/ephemeralcontainers",
    ]);
    expect(facts.dryRun).toBeNull();
  });
});
