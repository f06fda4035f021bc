import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { secretMountPaths } from "../../src/kube/secret-mounts.js";

// The pod the ServiceAccount admission plugin leaves behind (its projected kube-api-access volume), plus the usual
// secret-bearing volumes and one that holds none.
const pod: V1Pod = {
  spec: {
    volumes: [
      { name: "kube-api-access-x7k2p", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } },
      { name: "tls", secret: { secretName: "web-tls" } },
      { name: "vault", csi: { driver: "secrets-store.csi.k8s.io" } },
      { name: "conf", configMap: { name: "web" } },
      { name: "data", emptyDir: {} },
    ],
    initContainers: [{ name: "migrate", volumeMounts: [{ name: "vault", mountPath: "/mnt/vault" }] }],
    containers: [
      {
        name: "web",
        volumeMounts: [
          { name: "kube-api-access-x7k2p", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" },
          { name: "tls", mountPath: "/etc/tls/key.pem", subPath: "tls.key" },
          { name: "conf", mountPath: "/etc/web" },
          { name: "data", mountPath: "/data" },
        ],
      },
      { name: "sidecar", volumeMounts: [{ name: "tls", mountPath: "/certs" }] },
    ],
  },
};

describe("secretMountPaths", () => {
  it("lists where one container mounts secret, projected and Secrets Store volumes (subPath files too)", () => {
    expect(secretMountPaths(pod, "web")).toEqual(["/var/run/secrets/kubernetes.io/serviceaccount", "/etc/tls/key.pem"]);
    expect(secretMountPaths(pod, "migrate")).toEqual(["/mnt/vault"]);
  });

  it("lists every container's when the container is unknown", () => {
    expect(secretMountPaths(pod, null)).toEqual([
      "/mnt/vault",
      "/var/run/secrets/kubernetes.io/serviceaccount",
      "/etc/tls/key.pem",
      "/certs",
    ]);
    expect(secretMountPaths(pod, "gone")).toHaveLength(4);
  });

  it("has nothing for a pod without secret volumes", () => {
    expect(secretMountPaths({ spec: { containers: [{ name: "a" }] } }, "a")).toEqual([]);
  });
});
