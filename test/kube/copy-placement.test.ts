import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CoreV1Api, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PnsError } from "../../src/core/errors.js";
import { claimNames, placeCopy } from "../../src/kube/copy-placement.js";

/**
 * The one endpoint placement reads, served as the API server does (`GET …/persistentvolumeclaims/NAME`): the
 * simulator serves claims too (test/kube/pod-debugger.test.ts copies against them); this fake adds a 403.
 */
const claims: Record<string, string[]> = {
  "rwo-0": ["ReadWriteOnce"],
  "rwx-0": ["ReadWriteMany"],
  "rwop-0": ["ReadWriteOncePod"],
  "rox-0": ["ReadOnlyMany"],
};
let server: Server;
let core: CoreV1Api;

beforeAll(async () => {
  server = createServer((req, res) => {
    const m = /^\/api\/v1\/namespaces\/shop\/persistentvolumeclaims\/([^/?]+)$/.exec(req.url ?? "");
    const modes = m ? claims[m[1] ?? ""] : undefined;
    res.setHeader("content-type", "application/json");
    if (!modes) {
      res.statusCode = req.url?.includes("secret-0") ? 403 : 404;
      res.end(JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code: res.statusCode }));
      return;
    }
    res.end(
      JSON.stringify({
        kind: "PersistentVolumeClaim",
        apiVersion: "v1",
        metadata: { name: m?.[1], namespace: "shop" },
        spec: { accessModes: modes },
        status: { phase: "Bound", accessModes: modes },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: "c", server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true },
    ],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "c", cluster: "c", user: "u" }],
    currentContext: "c",
  });
  core = kc.makeApiClient(CoreV1Api);
});
afterAll(() => {
  server.close();
});

const podWith = (...claimNames: string[]): V1Pod => ({
  metadata: { name: "db-0", namespace: "shop" },
  spec: {
    nodeName: "node-7",
    containers: [{ name: "db", image: "postgres" }],
    volumes: [
      { name: "scratch", emptyDir: {} },
      { name: "eph", ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"] } } } },
      ...claimNames.map((claimName, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName } })),
    ],
  },
});

describe("placeCopy", () => {
  it.each([
    ["no claim (ephemeral volumes make their own)", [], false, { nodeName: null, reason: null }],
    ["a ReadWriteMany claim", ["rwx-0"], false, { nodeName: null, reason: null }],
    ["a ReadOnlyMany claim", ["rox-0"], false, { nodeName: null, reason: null }],
    [
      "a ReadWriteOnce claim",
      ["rwx-0", "rwo-0"],
      false,
      { nodeName: "node-7", reason: "it mounts ReadWriteOnce volume claim rwo-0, which the copy shares" },
    ],
    [
      "a claim pns may not read",
      ["secret-0"],
      false,
      {
        nodeName: "node-7",
        reason:
          "pns could not read its volume claim secret-0, which the copy shares and which may be ReadWriteOnce; if it is ReadWriteOncePod the copy cannot start while db-0 runs",
      },
    ],
    ["debug.copySameNode", [], true, { nodeName: "node-7", reason: "debug.copySameNode is on" }],
  ])("%s", async (_name, names, sameNode, want) => {
    expect(await placeCopy(core, podWith(...names), sameNode)).toEqual(want);
  });

  it("refuses a pod with a ReadWriteOncePod claim: no second pod may mount it", async () => {
    const err = await placeCopy(core, podWith("rwop-0"), false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PnsError);
    expect([(err as PnsError).code, (err as PnsError).hint]).toEqual([
      "not_allowed",
      "Debug the pod itself, without `--copy` (an ephemeral container).",
    ]);
  });

  it("lets the scheduler choose for a pod not yet on a node", async () => {
    const pending = podWith("rwo-0");
    pending.spec!.nodeName = undefined;
    expect(await placeCopy(core, pending, true)).toEqual({ nodeName: null, reason: null });
  });

  it("reads only persistentVolumeClaim volumes", () => {
    expect(claimNames(podWith("a", "b"))).toEqual(["a", "b"]);
  });
});
