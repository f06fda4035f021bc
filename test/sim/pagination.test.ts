import { ApiException, CoreV1Api, type V1PodList } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeContinue } from "../../src/local/sim/paginate.js";
import { kubectl, type SimFixture, startFixture } from "./helpers.js";

let fx: SimFixture;
let core: CoreV1Api;

beforeAll(async () => {
  fx = await startFixture({ scenario: "empty" });
  fx.sim.state.addNamespace("paged");
  for (let i = 0; i < 7; i++) {
    fx.sim.state.createPod("paged", {
      metadata: { name: `p${i}`, labels: i % 2 === 0 ? { even: "yes" } : {} },
      spec: { containers: [{ name: "c", image: "busybox:1.36" }] },
    });
  }
  core = fx.kc.makeApiClient(CoreV1Api);
});
afterAll(async () => {
  await fx?.close();
});

async function apiError(promise: Promise<unknown>): Promise<ApiException<string>> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiException) return err as ApiException<string>;
    throw err;
  }
  throw new Error("expected an ApiException");
}

const names = (l: V1PodList) => l.items.map((p) => p.metadata?.name);

describe("list chunks, as kube-apiserver pages them (limit / continue)", () => {
  it("returns `limit` items in key order with a continue token and remainingItemCount, until the last chunk", async () => {
    const first = await core.listNamespacedPod({ namespace: "paged", limit: 3 });
    expect(names(first)).toEqual(["p0", "p1", "p2"]);
    expect(first.metadata?.remainingItemCount).toBe(4);
    const token = first.metadata?._continue ?? "";
    // The token is etcd3's: unpadded base64url JSON of {v, rv, start} resuming right after the last key.
    expect(JSON.parse(Buffer.from(token, "base64url").toString())).toEqual({
      v: "meta.k8s.io/v1",
      rv: Number(first.metadata?.resourceVersion),
      start: "p2\u0000",
    });
    const second = await core.listNamespacedPod({ namespace: "paged", limit: 3, _continue: token });
    expect(names(second)).toEqual(["p3", "p4", "p5"]);
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    const last = await core.listNamespacedPod({ namespace: "paged", limit: 3, _continue: second.metadata?._continue });
    expect(names(last)).toEqual(["p6"]);
    expect(last.metadata?._continue).toBeUndefined();
    expect(last.metadata?.remainingItemCount).toBeUndefined();
  });

  it("counts limit after the selector, and leaves remainingItemCount out when a selector filters", async () => {
    const page = await core.listNamespacedPod({ namespace: "paged", labelSelector: "even=yes", limit: 2 });
    expect(names(page)).toEqual(["p0", "p2"]);
    expect(page.metadata?._continue).toBeTruthy();
    expect(page.metadata?.remainingItemCount).toBeUndefined();
    const rest = await core.listNamespacedPod({
      namespace: "paged",
      labelSelector: "even=yes",
      limit: 2,
      _continue: page.metadata?._continue,
    });
    expect(names(rest)).toEqual(["p4", "p6"]);
    expect(rest.metadata?._continue).toBeUndefined();
  });

  it("keys lists across namespaces by namespace/name", async () => {
    const page = await core.listPodForAllNamespaces({ limit: 1 });
    const start = JSON.parse(Buffer.from(page.metadata?._continue ?? "", "base64url").toString()).start;
    const pod = page.items[0]!;
    expect(start).toBe(`${pod.metadata?.namespace}/${pod.metadata?.name}\u0000`);
  });

  it("answers 400 to a malformed token, and to a token with a resourceVersion", async () => {
    const bad = await apiError(core.listNamespacedPod({ namespace: "paged", limit: 2, _continue: "not a token" }));
    expect(bad.code).toBe(400);
    expect(JSON.parse(bad.body).message).toMatch(/^invalid continue token: continue key is not valid/);
    const outside = await apiError(
      core.listNamespacedPod({ namespace: "paged", limit: 2, _continue: encodeContinue("../other\u0000", 5) }),
    );
    expect(outside.code).toBe(400);
    const first = await core.listNamespacedPod({ namespace: "paged", limit: 2 });
    const withRv = await apiError(
      core.listNamespacedPod({
        namespace: "paged",
        limit: 2,
        _continue: first.metadata?._continue,
        resourceVersion: first.metadata?.resourceVersion,
      }),
    );
    expect(withRv.code).toBe(400);
    expect(JSON.parse(withRv.body).message).toBe("specifying resource version is not allowed when using continue");
  });

  it("answers 410 Expired to a token older than the compaction, with a token that reads the rest", async () => {
    const first = await core.listNamespacedPod({ namespace: "paged", limit: 4 });
    fx.sim.state.createPod("paged", {
      metadata: { name: "p9" },
      spec: { containers: [{ name: "c", image: "busybox:1.36" }] },
    });
    fx.sim.state.compact();
    const stale = await apiError(
      core.listNamespacedPod({ namespace: "paged", limit: 4, _continue: first.metadata?._continue }),
    );
    expect(stale.code).toBe(410);
    const status = JSON.parse(stale.body);
    expect(status).toMatchObject({ kind: "Status", status: "Failure", reason: "Expired", code: 410 });
    expect(status.message).toMatch(/^The provided continue parameter is too old to display a consistent list result/);
    const rest = await core.listNamespacedPod({ namespace: "paged", limit: 4, _continue: status.metadata.continue });
    // The inconsistent remainder: what is there now after p3, the new pod included.
    expect(names(rest)).toEqual(["p4", "p5", "p6", "p9"]);
  });

  it("serves kubectl's chunked get (--chunk-size) whole", async () => {
    const r = await kubectl(fx, ["get", "pods", "-n", "paged", "--chunk-size=2", "-o", "name"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual(
      ["p0", "p1", "p2", "p3", "p4", "p5", "p6", "p9"].map((n) => `pod/${n}`),
    );
    const limits = fx.sim.requests.entries.filter(
      (e) => e.route === "GET pods" && e.path === "/api/v1/namespaces/paged/pods",
    );
    expect(limits.length).toBeGreaterThanOrEqual(4);
  });
});
