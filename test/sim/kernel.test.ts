import { CoreV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { READ_FILE_SCRIPT, ReadFileExit, scriptArgv } from "../../src/core/process/scripts.js";
import type { Json } from "../../src/local/sim/world.js";
import { eventually, exitCodeOf, kubectl, runExec, type SimFixture, startFixture } from "./helpers.js";
import { runtimes } from "./runtimes.js";

const strategic = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);

// What the kernel and the kubelet do, checked on every runtime: the emulated one must agree with runc and crun.
describe.each(runtimes)("pods on the %s runtime behave as on a node", (runtime) => {
  let fx: SimFixture;
  let core: CoreV1Api;

  beforeAll(async () => {
    fx = await startFixture({ runtime, podStartDelayMs: 0 });
    core = fx.kc.makeApiClient(CoreV1Api);
    await eventually(() => fx.sim.state.containerStatus("default", "nginx", "shell")?.state?.running, 20_000);
  }, 30_000);
  afterAll(async () => {
    await fx?.close();
  });

  async function createPod(name: string, spec: Json): Promise<void> {
    await core.createNamespacedPod({
      namespace: "default",
      body: { metadata: { name }, spec: { terminationGracePeriodSeconds: 0, ...spec } },
    });
  }

  async function running(pod: string, container: string): Promise<Json> {
    return eventually(() => {
      const s = fx.sim.state.containerStatus("default", pod, container);
      return s?.state?.running ? s : undefined;
    }, 20_000);
  }

  async function addDebug(pod: string, name: string, extra: Json = {}): Promise<void> {
    await core.patchNamespacedPodEphemeralcontainers(
      {
        name: pod,
        namespace: "default",
        body: {
          spec: { ephemeralContainers: [{ name, image: "busybox:1.36", command: ["sleep", "3600"], ...extra }] },
        },
      },
      strategic,
    );
    await running(pod, name);
  }

  function exec(pod: string, container: string, argv: string[]) {
    return runExec(fx.kc, "default", pod, container, argv);
  }

  const mainOf = (pod: string, container: string) => {
    const p = fx.sim.state.processes("default", pod, container).find((x) => x.ppid === 0);
    if (!p) throw new Error(`no main process in ${pod}/${container}`);
    return p;
  };

  describe("the task page's pod (shareProcessNamespace)", () => {
    it("shows /pause as PID 1, the nginx master and worker and sh to kubectl exec … ps ax", async () => {
      const r = await kubectl(fx, ["exec", "nginx", "-c", "shell", "--", "ps", "ax"]);
      expect(r.code).toBe(0);
      const rows = r.stdout.trim().split("\n").slice(1);
      expect(rows[0]).toMatch(/^\s*1\s.*\/pause$/);
      expect(rows.some((l) => /nginx: master process nginx -g daemon off;$/.test(l))).toBe(true);
      expect(rows.some((l) => /\s101\s.*nginx: worker process$/.test(l))).toBe(true);
      expect(rows.some((l) => /\ssh$/.test(l))).toBe(true);
    });

    it("re-spawns the workers under new PIDs on HUP to the master, and logs the reload", async () => {
      const master = fx.sim.state
        .processes("default", "nginx", "nginx")
        .find((p) => p.args[0]?.startsWith("nginx: master"));
      const workers = () =>
        fx.sim.state
          .processes("default", "nginx", "nginx")
          .filter((p) => p.args[0] === "nginx: worker process")
          .map((p) => p.pid);
      const before = workers();
      const r = await kubectl(fx, ["exec", "nginx", "-c", "shell", "--", "kill", "-HUP", String(master?.pid)]);
      expect(r.code).toBe(0);
      const after = await eventually(() => {
        const now = workers();
        return now.length > 0 && now.every((p) => !before.includes(p)) ? now : undefined;
      }, 20_000);
      expect(Math.min(...after)).toBeGreaterThan(Math.max(...before));
      const logs = await eventually(async () => {
        const l = await kubectl(fx, ["logs", "nginx", "-c", "nginx"]);
        return /signal 1 \(SIGHUP\) received/.test(l.stdout) ? l.stdout : undefined;
      }, 20_000);
      expect(logs).toMatch(/\[notice\] \d+#\d+: reconfiguring/);
    });

    it("reads nginx's own config through /proc/<master>/root", async () => {
      const master = fx.sim.state
        .processes("default", "nginx", "nginx")
        .find((p) => p.args[0]?.startsWith("nginx: master"));
      const r = await kubectl(fx, [
        "exec",
        "nginx",
        "-c",
        "shell",
        "--",
        "head",
        `/proc/${master?.pid}/root/etc/nginx/nginx.conf`,
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout.split("\n")[0]).toBe("user nginx;");
      expect(r.stdout).toContain("worker_processes");
    });
  });

  it("takes the task page's manifest with kubectl apply -f, validating its fields", async () => {
    const manifest = (name: string, imageKey = "image") =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  shareProcessNamespace: true\n  terminationGracePeriodSeconds: 0\n  containers:\n  - name: nginx\n    ${imageKey}: nginx\n  - name: shell\n    image: busybox:1.28\n    securityContext:\n      capabilities:\n        add:\n        - SYS_PTRACE\n    stdin: true\n    tty: true\n`;
    const created = await kubectl(fx, ["apply", "-f", "-"], manifest("applied"));
    expect([created.code, created.stdout]).toEqual([0, "pod/applied created\n"]);
    const again = await kubectl(fx, ["apply", "-f", "-"], manifest("applied"));
    expect([again.code, again.stdout]).toEqual([0, "pod/applied unchanged\n"]);
    const typo = await kubectl(fx, ["apply", "-f", "-"], manifest("typo", "imagee"));
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('strict decoding error: unknown field "spec.containers[0].imagee"');
    await running("applied", "shell");
    const ps = await kubectl(fx, ["exec", "applied", "-c", "shell", "--", "ps", "ax"]);
    expect(ps.stdout.split("\n")[1]).toMatch(/^\s*1\s.*\/pause$/);
  });

  describe("a pod without a shared namespace, debugged with --target", () => {
    beforeAll(async () => {
      await createPod("solo", { containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }] });
      await running("solo", "app");
    });

    it("kubectl debug --target sees the target's main process as PID 1", async () => {
      const r = await kubectl(fx, [
        "debug",
        "solo",
        "--image=busybox:1.36",
        "--target=app",
        "-c",
        "dbg",
        "--",
        "sleep",
        "3600",
      ]);
      expect(r.code).toBe(0);
      await running("solo", "dbg");
      const ps = await kubectl(fx, ["exec", "solo", "-c", "dbg", "--", "ps"]);
      expect(ps.stdout.split("\n")[1]).toMatch(/^\s*1\s+root\s.*sleep 3600$/);
    });

    it("drops TERM and KILL sent to that PID 1 from inside its namespace, while kill exits 0", async () => {
      const before = fx.sim.state.containerStatus("default", "solo", "app");
      for (const sig of ["TERM", "KILL", "STOP"]) {
        const r = await exec("solo", "dbg", ["kill", `-${sig}`, "1"]);
        expect([sig, exitCodeOf(r.status)]).toEqual([sig, 0]);
      }
      const main = mainOf("solo", "app");
      expect(main.args).toEqual(["sleep", "3600"]);
      expect(main.state).toBe("S");
      const after = fx.sim.state.containerStatus("default", "solo", "app");
      expect(after.containerID).toBe(before.containerID);
      expect(after.restartCount).toBe(0);
    });

    it("kills the joined debug container when that PID 1 dies; the container restarts, the debug one stays dead", async () => {
      await addDebug("solo", "joined", { targetContainerName: "app" });
      const before = fx.sim.state.containerStatus("default", "solo", "app");
      expect(fx.sim.state.kill("default", "solo", mainOf("solo", "app").pid, "KILL", "app")).toBe("sent");
      const after = await eventually(() => {
        const s = fx.sim.state.containerStatus("default", "solo", "app");
        return s?.restartCount === 1 && s.state?.running ? s : undefined;
      }, 20_000);
      expect(after.containerID).not.toBe(before.containerID);
      expect(after.lastState.terminated).toMatchObject({
        exitCode: 137,
        reason: "Error",
        containerID: before.containerID,
      });
      const dbg = await eventually(
        () => fx.sim.state.containerStatus("default", "solo", "joined")?.state?.terminated,
        10_000,
      );
      expect(dbg).toMatchObject({ exitCode: 137, reason: "Error" });
      await new Promise((r) => setTimeout(r, 300));
      const still = fx.sim.state.containerStatus("default", "solo", "joined");
      expect([still.restartCount, Object.keys(still.state)]).toEqual([0, ["terminated"]]);
      const r = await kubectl(fx, ["exec", "solo", "-c", "joined", "--", "true"]);
      expect([r.code, r.stderr]).toEqual([1, expect.stringMatching(/container is not created or running/)]);
    });
  });

  it("re-creates the sandbox when /pause gets TERM: every container restarts, the debug container stays dead", async () => {
    await createPod("sbx", {
      shareProcessNamespace: true,
      containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
    });
    const before = await running("sbx", "app");
    await addDebug("sbx", "dbg");
    const r = await exec("sbx", "dbg", ["kill", "-TERM", "1"]);
    expect(exitCodeOf(r.status)).toBe(0);
    const after = await eventually(() => {
      const s = fx.sim.state.containerStatus("default", "sbx", "app");
      return s?.restartCount === 1 && s.state?.running ? s : undefined;
    }, 20_000);
    expect(after.containerID).not.toBe(before.containerID);
    const dbg = await eventually(
      () => fx.sim.state.containerStatus("default", "sbx", "dbg")?.state?.terminated,
      20_000,
    );
    expect(dbg.exitCode).toBe(137);
    const procs = fx.sim.state.processes("default", "sbx").map((p) => [p.pid === 1, p.container, p.args.join(" ")]);
    expect(procs).toEqual(
      expect.arrayContaining([
        [true, null, "/pause"],
        [false, "app", "sleep 3600"],
      ]),
    );
  });

  describe("permissions between containers of a shared namespace", () => {
    beforeAll(async () => {
      await createPod("shared", {
        shareProcessNamespace: true,
        containers: [
          { name: "app", image: "busybox:1.36", command: ["sleep", "3600"], securityContext: { runAsUser: 1000 } },
          { name: "root", image: "busybox:1.36", command: ["sleep", "3601"] },
        ],
      });
      await running("shared", "app");
      await running("shared", "root");
      await addDebug("shared", "dflt");
      await addDebug("shared", "trace", { securityContext: { capabilities: { add: ["SYS_PTRACE"], drop: ["KILL"] } } });
      await addDebug("shared", "bare", { securityContext: { capabilities: { drop: ["ALL"] } } });
      fx.sim.state.writeFile("default", "shared", "app", "/etc/app.conf", "from app\n", 0o644, 1000);
      fx.sim.state.writeFile("default", "shared", "root", "/etc/app.conf", "from root\n");
      fx.sim.state.symlink("default", "shared", "root", "/etc/abs-link", "/etc/app.conf");
      fx.sim.state.symlink("default", "shared", "root", "/etc/rel-link", "app.conf");
      fx.sim.state.mkfifo("default", "shared", "root", "/tmp/pipe");
    });

    const pidOf = (container: string) => mainOf("shared", container).pid;

    it("lets a root container with the default capabilities (CAP_KILL) signal another uid, without SYS_PTRACE", async () => {
      const r = await exec("shared", "dflt", ["kill", "-STOP", String(pidOf("app"))]);
      expect(exitCodeOf(r.status)).toBe(0);
      await eventually(() =>
        fx.sim.state.process("default", "shared", pidOf("app"))?.state === "T" ? true : undefined,
      );
      await exec("shared", "dflt", ["kill", "-CONT", String(pidOf("app"))]);
      await eventually(() =>
        fx.sim.state.process("default", "shared", pidOf("app"))?.state === "S" ? true : undefined,
      );
    });

    it("refuses a cross-uid signal without CAP_KILL, SYS_PTRACE or not", async () => {
      const r = await exec("shared", "trace", ["kill", "-STOP", String(pidOf("app"))]);
      expect(exitCodeOf(r.status)).toBe(1);
      expect(r.stderr).toMatch(/Operation not permitted/);
      expect(fx.sim.state.process("default", "shared", pidOf("app"))?.state).toBe("S");
    });

    it("needs ptrace-read access for another uid's /proc/PID/root (SYS_PTRACE), not for a same-uid subset", async () => {
      const read = (from: string, pid: number, path: string) =>
        exec("shared", from, scriptArgv(READ_FILE_SCRIPT, [String(pid), path, "100"]));
      // Without ptrace access the kernel refuses to follow /proc/PID/root (EACCES): permission denied, not missing.
      const denied = await read("dflt", pidOf("app"), "/etc/app.conf");
      expect([exitCodeOf(denied.status), denied.stderr]).toEqual([ReadFileExit.unreadable, "pns: permission denied\n"]);
      const traced = await read("trace", pidOf("app"), "/etc/app.conf");
      expect([exitCodeOf(traced.status), traced.stdout]).toEqual([0, "from app\n"]);
      const sameUid = await read("dflt", pidOf("root"), "/etc/app.conf");
      expect([exitCodeOf(sameUid.status), sameUid.stdout]).toEqual([0, "from root\n"]);
      const fewerCaps = await read("bare", pidOf("root"), "/etc/app.conf");
      expect(exitCodeOf(fewerCaps.status)).toBe(ReadFileExit.unreadable);
      const gone = await read("trace", 99_999, "/etc/app.conf");
      expect([exitCodeOf(gone.status), gone.stderr]).toEqual([ReadFileExit.missing, "pns: no such process\n"]);
    });

    it("resolves an absolute symlink under /proc/PID/root against the reader's root, a relative one in the target's", async () => {
      const read = (path: string) =>
        exec("shared", "trace", scriptArgv(READ_FILE_SCRIPT, [String(pidOf("root")), path, "100"]));
      const rel = await read("/etc/rel-link");
      expect([exitCodeOf(rel.status), rel.stdout]).toEqual([0, "from root\n"]);
      const abs = await read("/etc/abs-link");
      expect(exitCodeOf(abs.status)).toBe(ReadFileExit.missing);
      fx.sim.state.writeFile("default", "shared", "trace", "/etc/app.conf", "the reader's own\n");
      const own = await read("/etc/abs-link");
      expect([exitCodeOf(own.status), own.stdout]).toEqual([0, "the reader's own\n"]);
    });

    it("blocks a read of a FIFO until the exec is given up", async () => {
      const r = await runExec(
        fx.kc,
        "default",
        "shared",
        "trace",
        scriptArgv(READ_FILE_SCRIPT, [String(pidOf("root")), "/tmp/pipe", "100"]),
        { timeoutMs: 800 },
      ).catch((e: unknown) => String(e));
      expect(r).toBe("Error: exec timed out");
    });
  });

  it("refuses runAsNonRoot without runAsUser on a root image: CreateContainerConfigError", async () => {
    await createPod("nonroot", {
      securityContext: { runAsNonRoot: true },
      containers: [{ name: "app", image: "busybox:1.36", command: ["sleep", "3600"] }],
    });
    const waiting = await eventually(() => {
      const w = fx.sim.state.containerStatus("default", "nonroot", "app")?.state?.waiting;
      return w?.reason === "CreateContainerConfigError" ? w : undefined;
    }, 20_000);
    const uid = fx.sim.state.pod("default", "nonroot").metadata.uid;
    expect(waiting.message).toBe(
      `container has runAsNonRoot and image will run as root (pod: "nonroot_default(${uid})", container: app)`,
    );
  });
});
