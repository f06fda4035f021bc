import { ApiException } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { PnsError } from "../../src/core/errors.js";
import { classifyRefusal, type KubeOperation, toPnsError } from "../../src/kube/kube-errors.js";

const status = (code: number, message: string) =>
  new ApiException(code, "Unknown API Status Code!", JSON.stringify({ kind: "Status", code, message }), {});
const patch: KubeOperation = { verb: "patch", resource: "pods/ephemeralcontainers", namespace: "shop", name: "web-1" };
const get: KubeOperation = { verb: "get", resource: "pods", namespace: "shop", name: "web-1" };
const create: KubeOperation = { verb: "create", resource: "pods", namespace: "shop", name: "web-1-pns-q1w2e" };
const exec: KubeOperation = { verb: "create", resource: "pods/exec", namespace: "shop", name: "web-1" };

// The messages below are the API server's own, built from the format strings cited in src/kube/kube-errors.ts.
const RBAC_EPHEMERAL =
  'pods "web-1" is forbidden: User "system:serviceaccount:pns:pns" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace "shop"';
const RBAC_APPS =
  'deployments.apps "web" is forbidden: User "arn:aws:sts::123456789012:assumed-role/pns-prod/pns" cannot get resource "deployments" in API group "apps" in the namespace "shop"';
const RBAC_CLUSTER = 'pods is forbidden: User "pns" cannot list resource "pods" in API group "" at the cluster scope';
const RBAC_WITH_REASON =
  'pods "web-1" is forbidden: User "pns" cannot create resource "pods/exec" in API group "" in the namespace "shop": RBAC: clusterrole.rbac.authorization.k8s.io "pns-debugger" not found';
const POD_SECURITY =
  'pods "web-1" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "pns-debug-t0001" must not include "SYS_PTRACE" in securityContext.capabilities.add)';
const QUOTA_MISSING =
  'pods "web-1-pns-q1w2e" is forbidden: failed quota: compute: must specify limits.cpu,limits.memory';
const QUOTA_EXCEEDED =
  'pods "web-1-pns-q1w2e" is forbidden: exceeded quota: compute, requested: requests.cpu=500m, used: requests.cpu=1800m, limited: requests.cpu=2';
const LIMIT_RANGE =
  'pods "web-1-pns-q1w2e" is forbidden: [maximum cpu usage per Container is 500m, but limit is 1, maximum memory usage per Container is 128Mi, but limit is 256Mi]';
const PRIORITY =
  'pods "web-1-pns-q1w2e" is forbidden: the integer value of priority (1000) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name';
const PREEMPTION =
  'pods "web-1-pns-q1w2e" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name';
const WEBHOOK =
  'pods "web-1" is forbidden: admission webhook "validation.gatekeeper.sh" denied the request: [psp-capabilities] container <pns-debug-t0001> has a disallowed capability. Allowed capabilities are []';
const WEBHOOK_MULTILINE =
  'admission webhook "validate.kyverno.svc-fail" denied the request: \n\nresource Pod/shop/web-1 was blocked due to the following policies\n\ndisallow-capabilities:\n  adding-capabilities: Any capabilities added beyond the allowed list are disallowed.';
const POLICY =
  "pods \"web-1\" is forbidden: ValidatingAdmissionPolicy 'no-debug' with binding 'no-debug-binding' denied request: ephemeral containers are not allowed here";

describe("classifyRefusal", () => {
  it.each([
    [
      "RBAC in a namespace",
      RBAC_EPHEMERAL,
      {
        kind: "rbac",
        user: "system:serviceaccount:pns:pns",
        verb: "patch",
        resource: "pods/ephemeralcontainers",
        group: "",
        namespace: "shop",
      },
    ],
    [
      "RBAC in the apps group",
      RBAC_APPS,
      { kind: "rbac", verb: "get", resource: "deployments", group: "apps", namespace: "shop" },
    ],
    ["RBAC at the cluster scope", RBAC_CLUSTER, { kind: "rbac", verb: "list", resource: "pods", namespace: null }],
    ["RBAC with the authorizer's reason", RBAC_WITH_REASON, { kind: "rbac", verb: "create", resource: "pods/exec" }],
    ["Pod Security", POD_SECURITY, { kind: "pod_security", level: "baseline:latest" }],
    [
      "a quota that needs limits",
      QUOTA_MISSING,
      { kind: "quota", quota: "compute", detail: "failed quota: compute: must specify limits.cpu,limits.memory" },
    ],
    ["a quota used up", QUOTA_EXCEEDED, { kind: "quota", quota: "compute" }],
    ["a LimitRange", LIMIT_RANGE, { kind: "limit_range" }],
    ["Priority (priority)", PRIORITY, { kind: "priority" }],
    ["Priority (preemptionPolicy)", PREEMPTION, { kind: "priority" }],
    [
      "a webhook",
      WEBHOOK,
      {
        kind: "webhook",
        webhook: "validation.gatekeeper.sh",
        detail:
          "[psp-capabilities] container <pns-debug-t0001> has a disallowed capability. Allowed capabilities are []",
      },
    ],
    [
      "a webhook with a multi-line reason",
      WEBHOOK_MULTILINE,
      {
        kind: "webhook",
        webhook: "validate.kyverno.svc-fail",
        detail: expect.stringMatching(/^resource Pod\/shop\/web-1 was blocked .* disallow-capabilities: adding/),
      },
    ],
    [
      "a webhook without explanation",
      'pods "web-1" is forbidden: admission webhook "deny.example.com" denied the request without explanation',
      { kind: "webhook", webhook: "deny.example.com", detail: "no reason given" },
    ],
    ["a ValidatingAdmissionPolicy", POLICY, { kind: "policy", policy: "no-debug" }],
    [
      "a message that names the phrase inside a webhook's reason (not RBAC)",
      'pods "web-1" is forbidden: admission webhook "x.example.com" denied the request: User "bob" cannot debug resource "pods" in API group "" in the namespace "shop"',
      { kind: "webhook", webhook: "x.example.com" },
    ],
    [
      "anything else",
      'pods "web-1" is forbidden: unable to validate',
      { kind: "unknown", detail: "unable to validate" },
    ],
  ])("%s", (_name, message, want) => {
    expect(classifyRefusal(message)).toMatchObject(want);
  });
});

describe("toPnsError", () => {
  it.each([
    ["401", status(401, "Unauthorized"), get, "forbidden", "The cluster did not accept pns's credentials."],
    [
      "403 from RBAC names the verb and resource the server names",
      status(403, RBAC_EPHEMERAL),
      patch,
      "forbidden",
      "pns may not patch pods/ephemeralcontainers in namespace shop (RBAC).",
    ],
    [
      "403 from RBAC in the apps group",
      status(403, RBAC_APPS),
      { ...get, resource: "deployments", name: "web" },
      "forbidden",
      "pns may not get deployments.apps in namespace shop (RBAC).",
    ],
    [
      "403 from RBAC at the cluster scope",
      status(403, RBAC_CLUSTER),
      { verb: "list", resource: "pods", namespace: "(all namespaces)" },
      "forbidden",
      "pns may not list pods at the cluster scope (RBAC).",
    ],
    [
      "403 from Pod Security",
      status(403, POD_SECURITY),
      patch,
      "pod_security",
      'Pod Security admission in namespace shop refused the debug container: violates PodSecurity "baseline:latest": non-default capabilities (container "pns-debug-t0001" must not include "SYS_PTRACE" in securityContext.capabilities.add)',
    ],
    [
      "403 from a quota that needs limits",
      status(403, QUOTA_MISSING),
      create,
      "admission_refused",
      "ResourceQuota compute in namespace shop refused to create pod web-1-pns-q1w2e: failed quota: compute: must specify limits.cpu,limits.memory",
    ],
    [
      "403 from a LimitRange",
      status(403, LIMIT_RANGE),
      create,
      "admission_refused",
      "A LimitRange in namespace shop refused to create pod web-1-pns-q1w2e: [maximum cpu usage per Container is 500m, but limit is 1, maximum memory usage per Container is 128Mi, but limit is 256Mi]",
    ],
    [
      "403 from Priority",
      status(403, PRIORITY),
      create,
      "admission_refused",
      "Priority admission in namespace shop refused to create pod web-1-pns-q1w2e: the integer value of priority (1000) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name",
    ],
    [
      "403 from a webhook",
      status(403, WEBHOOK),
      patch,
      "admission_refused",
      "Admission webhook validation.gatekeeper.sh in namespace shop refused to patch pod web-1: [psp-capabilities] container <pns-debug-t0001> has a disallowed capability. Allowed capabilities are []",
    ],
    [
      "400 from a webhook (the webhook chose the code)",
      status(400, WEBHOOK),
      patch,
      "admission_refused",
      expect.stringMatching(
        /^Admission webhook validation.gatekeeper.sh in namespace shop refused to patch pod web-1: /,
      ),
    ],
    [
      "422 from a ValidatingAdmissionPolicy",
      status(422, POLICY),
      patch,
      "admission_refused",
      "ValidatingAdmissionPolicy no-debug in namespace shop refused to patch pod web-1: ephemeral containers are not allowed here",
    ],
    [
      "403 with a reason pns does not know",
      status(403, 'pods "web-1" is forbidden: unable to validate against any security policy'),
      patch,
      "forbidden",
      'The cluster refused to patch pod web-1 in namespace shop: pods "web-1" is forbidden: unable to validate against any security policy',
    ],
    [
      "a refused WebSocket upgrade (no reason given)",
      new Error("Unexpected server response: 403"),
      exec,
      "forbidden",
      "The cluster refused pns to create pods/exec in namespace shop (HTTP 403, no reason given).",
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
      "422 of validation",
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
    ["anything else", new Error("boom"), get, "internal", "Something went wrong while pns tried to get pod web-1."],
  ] as const)("%s", (_name, err, op, code, message) => {
    const e = toPnsError(err, op);
    expect([e.code, e.userMessage]).toEqual([code, message]);
  });

  it.each([
    [
      "RBAC",
      status(403, RBAC_EPHEMERAL),
      patch,
      /^Grant system:serviceaccount:pns:pns "patch" on "pods\/ephemeralcontainers"/,
    ],
    ["a quota that needs limits", status(403, QUOTA_MISSING), create, /`debug\.resources`/],
    ["a quota used up", status(403, QUOTA_EXCEEDED), create, /\/pns cleanup/],
    ["a LimitRange", status(403, LIMIT_RANGE), create, /kubectl describe limitrange -n shop/],
    ["Priority", status(403, PRIORITY), create, /drops spec\.priority/],
    ["a webhook on the ephemeral container", status(403, WEBHOOK), patch, /--copy/],
    ["a webhook on a copy", status(403, WEBHOOK), create, /without `--copy`/],
    ["a refused exec upgrade", new Error("Unexpected server response: 403"), exec, /get and create on pods\/exec/],
  ] as const)("gives a fix for %s", (_name, err, op, hint) => {
    expect(toPnsError(err, op).hint).toMatch(hint);
  });

  it("keeps PnsErrors as they are", () => {
    const e = new PnsError("timeout", "slow");
    expect(toPnsError(e, get)).toBe(e);
  });
});
