import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RuntimeName, startSimulator } from "../../src/local/sim/index.js";
import { cgroupRoots, OciEngine } from "../../src/local/sim/runtime/oci.js";
import type { Json } from "../../src/local/sim/world.js";
import { eventually, exitCodeOf, kubectl, runExec, type SimFixture, startFixture } from "./helpers.js";
import { realRuntimes } from "./runtimes.js";

describe("choosing a runtime", () => {
  it("names the runtimes it offers when given an unknown one", async () => {
    await expect(startSimulator({ runtime: "docker" as RuntimeName })).rejects.toThrow(
      'unknown runtime "docker": use one of emulated, runc, crun',
    );
  });
});

// What only real containers show: images from the machine, securityContext as the kernel applies it, cgroups,
// runtime errors, and nothing left behind.
describe.each(realRuntimes)("the %s runtime", (runtime) => {
  let fx: SimFixture;
  let core: CoreV1Api;

  beforeAll(async () => {
    fx = await startFixture({ runtime, podStartDelayMs: 0, scenario: "empty" });
    core = fx.kc.makeApiClient(CoreV1Api);
  });
  afterAll(async () => {
    await fx?.close();
  });

  async function pod(name: string, spec: Json): Promise<string> {
    const created = await core.createNamespacedPod({
      namespace: "default",
      body: { metadata: { name }, spec: { terminationGracePeriodSeconds: 0, ...spec } },
    });
    return created.metadata?.uid ?? "";
  }

  function status(name: string, container: string): Json {
    return fx.sim.state.containerStatus("default", name, container);
  }

  async function running(name: string, container: string): Promise<Json> {
    return eventually(() => (status(name, container)?.state?.running ? status(name, container) : undefined), 20_000);
  }

  async function sh(name: string, container: string, script: string) {
    const r = await runExec(fx.kc, "default", name, container, ["sh", "-c", script]);
    return { code: exitCodeOf(r.status), out: r.stdout, err: r.stderr };
  }

  it("applies the securityContext as containerd does: user, group, capabilities, no_new_privs, read-only root", async () => {
    const sleep = { image: "busybox:1.36", command: ["sleep", "3600"] };
    await pod("sec", {
      securityContext: { runAsUser: 1000, runAsGroup: 3000, supplementalGroups: [4000] },
      containers: [
        { name: "user", ...sleep, securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false } },
        {
          name: "root",
          ...sleep,
          securityContext: { runAsUser: 0, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } },
        },
        { name: "priv", ...sleep, securityContext: { runAsUser: 0, privileged: true } },
        { name: "dflt", ...sleep, securityContext: { runAsUser: 0 } },
      ],
    });
    for (const c of ["user", "root", "priv", "dflt"]) await running("sec", c);
    const caps = async (c: string) => (await sh("sec", c, "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status")).out;
    expect((await sh("sec", "user", "id")).out).toBe("uid=1000 gid=3000 groups=3000,4000\n");
    expect(await caps("user")).toBe("CapEff:\t0000000000000000\nNoNewPrivs:\t1\n");
    const ro = await sh("sec", "user", "touch /etc/x");
    expect([ro.code, ro.err]).toEqual([1, "touch: /etc/x: Read-only file system\n"]);
    expect(await caps("root")).toBe("CapEff:\t0000000000000400\nNoNewPrivs:\t0\n");
    expect(await caps("dflt")).toBe("CapEff:\t00000000a80425fb\nNoNewPrivs:\t0\n");
    const host = /^CapBnd:\s*(\S+)$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    expect(await caps("priv")).toBe(`CapEff:\t${host}\nNoNewPrivs:\t0\n`);
  });

  it("puts each container in containerd's cgroupfs path, named by its container ID, by QoS class", async () => {
    const uid = await pod("cg", {
      containers: [
        {
          name: "app",
          image: "busybox:1.36",
          command: ["sleep", "3600"],
          resources: { requests: { cpu: "10m" } },
        },
      ],
    });
    const s = await running("cg", "app");
    expect(s.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(s.imageID).toMatch(/^docker\.io\/library\/busybox@sha256:[0-9a-f]{64}$/);
    expect(s.image).toBe("docker.io/library/busybox:1.36");
    const lines = (await sh("cg", "app", "cat /proc/self/cgroup")).out.trim().split("\n");
    const id = s.containerID.replace("containerd://", "");
    expect(lines.find((l) => l.includes(":pids:"))).toMatch(
      new RegExp(`^\\d+:pids:/kubepods/burstable/pod${uid}/${id}$`),
    );
    expect(fx.sim.state.pod("default", "cg").status.qosClass).toBe("Burstable");
  });

  it("reports an image it does not have as ErrImagePull", async () => {
    await pod("noimg", { containers: [{ name: "app", image: "shop/api:3.0" }] });
    const w = await eventually(() => {
      const waiting = status("noimg", "app")?.state?.waiting;
      return waiting?.reason === "ErrImagePull" ? waiting : undefined;
    }, 20_000);
    expect(w.message).toContain('the local runtime has no image "shop/api:3.0"');
  });

  it("sends a runtime's exec failure as a Status after the upgrade", async () => {
    await pod("ex", { containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }] });
    await running("ex", "app");
    const r = await kubectl(fx, ["exec", "ex", "--", "nosuch"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Internal error occurred: error executing command in container: .*nosuch/);
    const piped = await kubectl(fx, ["exec", "-i", "ex", "--", "sh", "-c", "read a; echo got $a"], "hello\n");
    expect([piped.code, piped.stdout]).toEqual([0, "got hello\n"]);
  });

  it("attaches kubectl debug -i to the debug container's shell: typed lines run, the output comes back", async () => {
    await pod("att", { containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }] });
    await running("att", "app");
    const r = await kubectl(
      fx,
      ["debug", "-i", "att", "--image=busybox:1.36", "--target=app", "-c", "it", "--", "sh"],
      "sleep 1; ps -o pid,args; exit\n",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s*1 sleep 3600$/m);
    await eventually(() => status("att", "it")?.state?.terminated, 20_000);
  });

  it("runs init containers one by one before the containers, a native sidecar alongside them", async () => {
    await pod("init", {
      restartPolicy: "Never",
      initContainers: [
        { name: "setup", image: "busybox:1.36", command: ["sh", "-c", "echo set up"] },
        { name: "side", image: "busybox:1.36", command: ["sleep", "3600"], restartPolicy: "Always" },
      ],
      containers: [{ name: "app", image: "busybox:1.36", command: ["sh", "-c", "echo app; sleep 3600"] }],
    });
    await running("init", "app");
    const o = fx.sim.state.pod("default", "init");
    const init = Object.fromEntries(o.status.initContainerStatuses.map((s: Json) => [s.name, Object.keys(s.state)[0]]));
    expect(init).toEqual({ setup: "terminated", side: "running" });
    expect((await kubectl(fx, ["logs", "init", "-c", "setup"])).stdout).toBe("set up\n");
    expect(fx.sim.state.processes("default", "init").map((p) => p.container)).toEqual(
      expect.arrayContaining(["side", "app"]),
    );
  });

  it("stops a deleted pod within its grace period and removes its containers and cgroup", async () => {
    const uid = await pod("gone", { containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }] });
    await running("gone", "app");
    const r = await kubectl(fx, ["delete", "pod", "gone", "--grace-period=1"]);
    expect(r.code).toBe(0);
    const podDirs = () => cgroupRoots().filter((root) => existsSync(`${root}/kubepods/besteffort/pod${uid}`));
    await eventually(() => (podDirs().length === 0 ? true : undefined), 20_000);
  });
});

describe.each(realRuntimes)("nothing left behind by the %s runtime", (runtime) => {
  it("removes its containers when npm run sim gets SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/local/sim/main.ts", "--runtime", runtime, "--kubeconfig", "/dev/null"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    await eventually(() => (out.includes("runtime:") ? true : undefined), 20_000);
    const owned = () =>
      readdirSync("/run/pns-sim").filter((d) => {
        try {
          return JSON.parse(readFileSync(`/run/pns-sim/${d}/owner.json`, "utf8")).pid === child.pid;
        } catch {
          return false;
        }
      });
    expect(owned()).toHaveLength(1);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(owned()).toEqual([]);
  });

  it("removes its run on close, and a crashed run's containers at the next start", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/local/sim/main.ts",
        "--runtime",
        runtime,
        "--scenario",
        "seed",
        "--kubeconfig",
        "/dev/null",
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    await eventually(() => (out.includes("runtime:") ? true : undefined), 20_000);
    const runs = () => readdirSync("/run/pns-sim").filter((d) => d.startsWith("run-"));
    const ownerOf = (r: string) => {
      try {
        return (JSON.parse(readFileSync(`/run/pns-sim/${r}/owner.json`, "utf8")) as { pid?: number }).pid;
      } catch {
        return undefined;
      }
    };
    // The child's own run (its owner.json names its PID): other test files' simulators run beside it.
    const crashed = await eventually(() => {
      for (const r of runs()) {
        try {
          if (ownerOf(r) === child.pid && readdirSync(`/run/pns-sim/${r}/bundles`).length > 0) return r;
        } catch {}
      }
      return undefined;
    }, 20_000);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    expect(runs()).toContain(crashed);
    await OciEngine.sweep();
    expect(runs()).not.toContain(crashed);
    const before = new Set(runs());
    const fx = await startFixture({ runtime, scenario: "empty" });
    // This process's new run (other test files' simulators come and go beside it).
    const mine = runs().filter((r) => !before.has(r) && ownerOf(r) === process.pid);
    expect(mine).toHaveLength(1);
    await fx.close();
    expect(runs().filter((r) => mine.includes(r))).toEqual([]);
  });
});
