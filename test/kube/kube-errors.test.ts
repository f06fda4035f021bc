import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { PnsError } from "../../src/core/errors.js";
import { type KubeOperation, toPnsError } from "../../src/kube/kube-errors.js";

const status = (code: number, message: string) =>
  new ApiException(code, "Unknown API Status Code!", JSON.stringify({ kind: "Status", code, message }), {});
const patch: KubeOperation = { verb: "patch", resource: "pods/ephemeralcontainers", namespace: "shop", name: "web-1" };
const get: KubeOperation = { verb: "get", resource: "pods", namespace: "shop", name: "web-1" };

describe("toPnsError", () => {
  it.each([
    ["401", status(401, "Unauthorized"), get, "forbidden", "The cluster did not accept pns's credentials."],
    [
      "403 from Pod Security",
      status(403, 'pods "web-1" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities'),
      patch,
      "pod_security",
      'Pod Security admission in namespace shop refused the debug container: pods "web-1" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities',
    ],
    [
      "403 from RBAC",
      status(403, "forbidden"),
      patch,
      "forbidden",
      "pns may not patch pods/ephemeralcontainers in namespace shop: add the verb to its Role (infra/rbac).",
    ],
    [
      "404 on the subresource",
      status(404, "not found"),
      patch,
      "ephemeral_unsupported",
      "Ephemeral containers are disabled for this cluster.",
    ],
    [
      "404 on a pod",
      status(404, 'pods "web-1" not found'),
      get,
      "not_found",
      "There is no pod web-1 in namespace shop.",
    ],
    [
      "422",
      status(422, 'Pod "web-1" is invalid: spec'),
      get,
      "exec_failed",
      'The cluster refused to get pod web-1: Pod "web-1" is invalid: spec',
    ],
    [
      "429",
      status(429, "slow down"),
      get,
      "unavailable",
      "The cluster's API server did not answer: try again in a minute.",
    ],
    ["503", status(503, "etcd"), get, "unavailable", "The cluster's API server did not answer: try again in a minute."],
    [
      "a refused connection",
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6443"), { code: "ECONNREFUSED" }),
      get,
      "unavailable",
      "The cluster's API server did not answer: try again in a minute.",
    ],
    [
      "a refused WebSocket upgrade",
      new Error("Unexpected server response: 403"),
      { ...get, verb: "create", resource: "pods/exec" },
      "forbidden",
      "pns may not create pods/exec in namespace shop: add the verb to its Role (infra/rbac).",
    ],
    ["anything else", new Error("boom"), get, "internal", "Something went wrong while pns tried to get pod web-1."],
  ] as const)("%s", (_name, err, op, code, message) => {
    const e = toPnsError(err, op);
    expect([e.code, e.userMessage]).toEqual([code, message]);
  });

  it("keeps PnsErrors as they are", () => {
    const e = new PnsError("timeout", "slow");
    expect(toPnsError(e, get)).toBe(e);
  });
});
