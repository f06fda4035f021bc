import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, startDemo } from "./helpers.js";

// The demo's #ops, plus a namespace whose Pod Security level is `baseline`: it refuses SYS_PTRACE (the capability
// is not in baseline's allowed adds, pod-security-admission policy/check_capabilities_baseline.go).
const CONFIG = `clusters:
  sim:
    kubeconfig: {}
channels:
  C0OPS:
    namespaces: [default, guarded]
    defaultNamespace: default
people:
  ps: "*"
  cat: "*"
`;

let stack: LocalStack;
let d: Driver;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pns-least-"));
  await writeFile(join(dir, "pns.config.yaml"), CONFIG);
  ({ stack, d } = await startDemo({ configPath: join(dir, "pns.config.yaml") }));
  stack.sim.state.addNamespace("guarded", { "pod-security.kubernetes.io/enforce": "baseline" });
  stack.sim.state.createPod(
    "guarded",
    {
      metadata: { name: "app" },
      spec: {
        shareProcessNamespace: true,
        containers: [
          { name: "app", image: "busybox:1.36", command: ["sleep", "9999"], securityContext: { runAsUser: 1000 } },
        ],
      },
    },
    { immediate: true },
  );
});
afterAll(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

/** pns's debug containers in a pod, with the capabilities each adds. */
function debugContainers(namespace: string, pod: string) {
  const spec = (stack.sim.state.pod(namespace, pod) as V1Pod).spec;
  return (spec?.ephemeralContainers ?? []).map((c) => c.securityContext?.capabilities?.add ?? []);
}

describe("least privilege per action", () => {
  it("lists processes and reads a root process's file without SYS_PTRACE", async () => {
    await d.command("U0ALICE", "ps nginx");
    expect(debugContainers("default", "nginx")).toEqual([[]]);
    await d.command("U0ALICE", "cat nginx 8 /etc/nginx/nginx.conf");
    expect(d.toldTo("U0ALICE").at(-1)).toContain("worker_processes");
    expect(debugContainers("default", "nginx")).toEqual([[]]);
  });

  it("adds SYS_PTRACE only for a read the baseline container is refused (another uid), and reuses it", async () => {
    await d.command("U0ALICE", "cat nginx 14 /etc/nginx/nginx.conf");
    expect(d.toldTo("U0ALICE").at(-1)).toContain("worker_processes");
    expect(debugContainers("default", "nginx")).toEqual([[], ["SYS_PTRACE"]]);
    await d.command("U0ALICE", "cat nginx 14 /etc/nginx/nginx.conf");
    expect(d.toldTo("U0ALICE").at(-1)).toContain("worker_processes");
    expect(debugContainers("default", "nginx")).toEqual([[], ["SYS_PTRACE"]]);
  });

  it("says so when Pod Security refuses the read profile, and adds nothing", async () => {
    await d.command("U0ALICE", "ps app -n guarded");
    expect(debugContainers("guarded", "app")).toEqual([[]]);
    const pid = stack.sim.state.processes("guarded", "app").find((p) => p.args.join(" ") === "sleep 9999")?.pid;
    await d.command("U0ALICE", `cat app ${pid} -n guarded /etc/hostname`);
    const told = d.toldTo("U0ALICE").at(-1) ?? "";
    expect(told).toContain("may not look into the files of PID");
    expect(told).toContain("Pod Security in namespace guarded refuses the `general` debug profile");
    expect(debugContainers("guarded", "app")).toEqual([[]]);
  });
});
