import { CoreV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attributeContainers,
  COLLECT_SCRIPT,
  diffListings,
  fingerprintOf,
  parseCollectorOutput,
  parsePsOutput,
  SIGNAL_SCRIPT,
  SignalExit,
  scriptArgv,
} from "../../src/core/process/index.js";
import { eventually, exitCodeOf, runExec, type SimFixture, startFixture } from "./helpers.js";

// The simulator's output read by pns's own parsers: the collector format is the contract between them.
describe.each([
  { name: "full cgroup paths", cgroupNamespaces: false },
  { name: "cgroup namespaces", cgroupNamespaces: true },
])("pns's parsers on the simulator's output ($name)", ({ cgroupNamespaces }) => {
  let fx: SimFixture;
  let core: CoreV1Api;

  beforeAll(async () => {
    fx = await startFixture({ cgroupNamespaces });
    core = fx.kc.makeApiClient(CoreV1Api);
    await core.patchNamespacedPodEphemeralcontainers(
      {
        name: "nginx",
        namespace: "default",
        body: {
          spec: {
            ephemeralContainers: [
              {
                name: "pns-debug-1",
                image: "busybox:1.36",
                command: ["sleep", "3600"],
                securityContext: { capabilities: { add: ["SYS_PTRACE"] } },
              },
            ],
          },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    await eventually(() => fx.sim.state.containerStatus("default", "nginx", "pns-debug-1")?.state?.running);
  });
  afterAll(async () => {
    await fx.close();
  });

  async function listing() {
    const r = await runExec(fx.kc, "default", "nginx", "pns-debug-1", scriptArgv(COLLECT_SCRIPT));
    expect(exitCodeOf(r.status)).toBe(0);
    const pod = await core.readNamespacedPod({ name: "nginx", namespace: "default" });
    return attributeContainers(parseCollectorOutput(r.stdout), pod);
  }

  it("attributes every process to its container, the sandbox and pns itself", async () => {
    const l = await listing();
    expect(l.complete).toBe(true);
    expect(l.bootTime).toBe(fx.sim.state.btime);
    const seen = l.processes.map((p) => [p.pid, p.container, p.role, p.user, p.args.join(" ")]);
    expect(seen.filter((s) => s[2] !== "debug")).toEqual([
      [1, null, "pause", "65535", "/pause"],
      [8, "nginx", "app", "root", "nginx: master process nginx -g daemon off;"],
      [14, "nginx", "app", "101", "nginx: worker process"],
      [15, "shell", "app", "root", "sh"],
    ]);
    expect(l.processes.find((p) => p.pid === l.selfPid)?.role).toBe("debug");
  });

  it("gives fingerprints the signal script accepts, and sees the HUP restart in the diff", async () => {
    const before = await listing();
    const master = before.processes.find((p) => p.pid === 8);
    const fp = master ? fingerprintOf(master) : null;
    if (!fp) throw new Error("no fingerprint");
    const sent = await runExec(
      fx.kc,
      "default",
      "nginx",
      "pns-debug-1",
      scriptArgv(SIGNAL_SCRIPT, [String(fp.pid), "HUP", String(fp.startTicks), fp.cmdSha256]),
    );
    expect(exitCodeOf(sent.status)).toBe(SignalExit.sent);
    const after = await listing();
    const restarted = diffListings(before, after).restarted.filter((r) => r.after.role !== "debug");
    expect(restarted.map((r) => [r.before.pid, r.after.args.join(" ")])).toEqual([[14, "nginx: worker process"]]);
    expect(restarted[0]?.after.pid).toBeGreaterThan(14);
  });

  it("parses the simulator's busybox ps", async () => {
    const r = await runExec(fx.kc, "default", "nginx", "shell", ["ps"]);
    const parsed = parsePsOutput(r.stdout);
    expect(parsed.processes.slice(0, 2).map((p) => [p.pid, p.user, p.args.join(" ")])).toEqual([
      [1, "65535", "/pause"],
      [8, "root", "nginx: master process nginx -g daemon off;"],
    ]);
  });
});
