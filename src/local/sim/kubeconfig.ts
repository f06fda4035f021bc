import { stringify } from "yaml";

/** Renders a kubeconfig (context `sim`) for the simulator: CA inline, bearer token. */
export function renderKubeconfig(url: string, caPem: string, token: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "sim",
        cluster: { server: url, "certificate-authority-data": Buffer.from(caPem).toString("base64") },
      },
    ],
    users: [{ name: "sim", user: { token } }],
    contexts: [{ name: "sim", context: { cluster: "sim", user: "sim", namespace: "default" } }],
    "current-context": "sim",
    preferences: {},
  });
}
