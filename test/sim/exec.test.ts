import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { CoreV1Api, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  COLLECT_SCRIPT,
  READ_FILE_SCRIPT,
  SIGNAL_SCRIPT,
  SignalExit,
  scriptArgv,
} from "../../src/core/process/scripts.js";
import { NGINX_CONF } from "../../src/local/sim/images.js";
import { cmdlineHex } from "../../src/local/sim/proc.js";
import { decodeListing, eventually, exitCodeOf, runExec, type SimFixture, startFixture } from "./helpers.js";

let fx: SimFixture;
let core: CoreV1Api;
const strategic = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);

beforeAll(async () => {
  fx = await startFixture();
  core = fx.kc.makeApiClient(CoreV1Api);
  await addDebug("default", "nginx", "pns-debug", { securityContext: { capabilities: { add: ["SYS_PTRACE"] } } });
  await addDebug("default", "nginx", "plain", {});
  await addDebug("default", "nginx", "nokill", { securityContext: { capabilities: { drop: ["KILL"] } } });
});
afterAll(async () => {
  await fx.close();
});
beforeEach(() => {
  fx.sim.faults.clear();
});

async function addDebug(namespace: string, pod: string, name: string, extra: Record<string, unknown>): Promise<void> {
  await core.patchNamespacedPodEphemeralcontainers(
    {
      name: pod,
      namespace,
      body: { spec: { ephemeralContainers: [{ name, image: "busybox:1.36", command: ["sleep", "3600"], ...extra }] } },
    },
    strategic,
  );
  await eventually(() => fx.sim.state.containerStatus(namespace, pod, name)?.state?.running);
}

async function collect(namespace = "default", pod = "nginx", container = "pns-debug") {
  const r = await runExec(fx.kc, namespace, pod, container, scriptArgv(COLLECT_SCRIPT));
  expect(exitCodeOf(r.status)).toBe(0);
  return decodeListing(r.stdout);
}

function fingerprint(rec: { stat: string[]; hex: string }): [string, string] {
  return [rec.stat[21] ?? "", createHash("sha256").update(rec.hex).digest("hex")];
}

describe("the collector script", () => {
  it("lists the task page's processes, itself included, in the documented format", async () => {
    const listing = await collect();
    const self = Number(listing.header.self);
    const table = listing.records
      .filter((r) => r.pid !== self && r.args[0] !== "sleep")
      .map((r) => [r.pid, r.uid, r.args.join(" ")]);
    expect(table).toEqual([
      [1, 65535, "/pause"],
      [14, 101, "nginx: worker process"],
      [15, 0, "sh"],
      [8, 0, "nginx: master process nginx -g daemon off;"],
    ]);
    expect(listing.records.find((r) => r.pid === self)?.args).toEqual(scriptArgv(COLLECT_SCRIPT));
    expect(listing.count).toBe(listing.records.length);
    expect(listing.header).toMatchObject({ clk: "100", btime: String(fx.sim.state.btime) });
    const pod = fx.sim.state.pod("default", "nginx");
    const nginxId = pod.status.containerStatuses[0].containerID.replace("containerd://", "");
    expect(listing.records.find((r) => r.pid === 8)?.cgroups).toEqual([
      `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${pod.metadata.uid.replace(/-/g, "_")}.slice/cri-containerd-${nginxId}.scope`,
    ]);
    for (const r of listing.records.filter((x) => x.pid !== self)) {
      const p = fx.sim.state.process("default", "nginx", r.pid);
      expect(r.stat[21]).toBe(String(p?.startTicks));
    }
  });

  it("prints stat lines and cmdline hex that real shell tools read the same way", async () => {
    const listing = await collect();
    const rec = listing.records.find((r) => r.pid === 8);
    const line = `${rec?.stat[0]} (${rec?.stat[1]}) ${rec?.stat.slice(2).join(" ")}`;
    // The signal script's own parsing, run by a real shell.
    const fields = execFileSync("sh", [
      "-c",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansions, not a template
      'st=$1; rest=${st##*) }; set -f; set -- $rest; printf "%s %s %s" "${20}" "${12}" "${13}"',
      "x",
      line,
    ]).toString();
    const p = fx.sim.state.process("default", "nginx", 8);
    expect(fields.split(" ")[0]).toBe(String(p?.startTicks));
    expect(rec?.stat).toHaveLength(52);
    const bytes = Buffer.from(`${p?.args.join("\0")}\0`);
    const hex = execFileSync("sh", ["-c", "od -An -v -tx1 -N 4096 | tr -d ' \\n'"], { input: bytes }).toString();
    expect(rec?.hex).toBe(hex);
    expect(cmdlineHex(["a".repeat(5000)])).toHaveLength(8192);
  });

  it("sees only the target container's namespace from a targeted debug container", async () => {
    const web = fx.sim.state.pods("shop").find((p) => p.metadata.name.startsWith("web-"))?.metadata.name;
    await addDebug("shop", web, "dbg", { targetContainerName: "web" });
    const listing = await collect("shop", web, "dbg");
    const self = Number(listing.header.self);
    expect(listing.records.filter((r) => r.pid !== self).map((r) => [r.pid, r.uid, r.args.join(" ")])).toEqual([
      [1, 1000, "node server.js"],
      [2, 0, "sleep 3600"],
    ]);
  });
});

describe("the signal script", () => {
  it("sends SIGHUP to the nginx master: the worker comes back under the next PID", async () => {
    const before = await collect();
    const master = before.records.find((r) => r.pid === 8);
    if (!master) throw new Error("no master");
    const r = await runExec(
      fx.kc,
      "default",
      "nginx",
      "pns-debug",
      scriptArgv(SIGNAL_SCRIPT, ["8", "HUP", ...fingerprint(master)]),
    );
    // The node's time right before kill (where the signal's log window starts), then the verdict.
    expect(r.stdout).toMatch(/^pns: at \d{10}\npns: sending\npns: sent\n$/);
    expect(exitCodeOf(r.status)).toBe(SignalExit.sent);
    const workers = fx.sim.state.processes("default", "nginx").filter((p) => p.args[0] === "nginx: worker process");
    expect(workers).toHaveLength(1);
    expect(workers[0]?.pid).toBeGreaterThan(14);
    expect(workers[0]).toMatchObject({ ppid: 8, uid: 101 });
    expect(fx.sim.state.process("default", "nginx", 8)?.startTicks).toBe(Number(master.stat[21]));
  });

  it("refuses a recycled PID and reports a vanished one", async () => {
    const listing = await collect();
    const worker = listing.records.find((r) => r.args[0] === "nginx: worker process");
    if (!worker) throw new Error("no worker");
    const recycled = fx.sim.state.recyclePid("default", "nginx", worker.pid, ["nginx: worker process"]);
    expect(recycled.pid).toBe(worker.pid);
    const changed = await runExec(
      fx.kc,
      "default",
      "nginx",
      "pns-debug",
      scriptArgv(SIGNAL_SCRIPT, [String(worker.pid), "TERM", ...fingerprint(worker)]),
    );
    expect(exitCodeOf(changed.status)).toBe(SignalExit.changed);
    expect(changed.stdout).toBe(`pns: changed start=${recycled.startTicks}\n`);
    fx.sim.state.kill("default", "nginx", worker.pid);
    const gone = await runExec(
      fx.kc,
      "default",
      "nginx",
      "pns-debug",
      scriptArgv(SIGNAL_SCRIPT, [String(worker.pid), "TERM", ...fingerprint(worker)]),
    );
    expect(exitCodeOf(gone.status)).toBe(SignalExit.gone);
    expect(gone.stdout).toBe("pns: gone\n");
  });

  // Signalling another uid needs CAP_KILL (linux kernel/signal.c `kill_ok_by_cred`), which containerd grants by default.
  it("fails with busybox's message when the debug container may not signal (no CAP_KILL)", async () => {
    const listing = await collect("default", "nginx", "nokill");
    const worker = listing.records.find((r) => r.args[0] === "nginx: worker process");
    if (!worker) throw new Error("no worker");
    const r = await runExec(
      fx.kc,
      "default",
      "nginx",
      "nokill",
      scriptArgv(SIGNAL_SCRIPT, [String(worker.pid), "HUP", ...fingerprint(worker)]),
    );
    expect(exitCodeOf(r.status)).toBe(SignalExit.killFailed);
    expect(r.stderr).toBe(`kill: can't kill pid ${worker.pid}: Operation not permitted\n`);
  });
});

describe("the read-file script", () => {
  it.each([
    { name: "a file", path: "/etc/nginx/nginx.conf", code: 0, stdout: NGINX_CONF.slice(0, 40), stderr: "file" },
    { name: "a missing file", path: "/etc/nope", code: 3, stdout: "", stderr: "missing" },
    { name: "a directory", path: "/etc/nginx", code: 4, stdout: "", stderr: "directory" },
  ])("reads $name of another container through /proc/8/root", async ({ path, code, stdout, stderr }) => {
    const r = await runExec(fx.kc, "default", "nginx", "pns-debug", scriptArgv(READ_FILE_SCRIPT, ["8", path, "40"]));
    expect(exitCodeOf(r.status)).toBe(code);
    expect(r.stdout).toBe(stdout);
    expect(r.stderr).toBe(`pns: ${stderr} ${Buffer.from(path).toString("hex")}\n`);
  });
});

describe("commands people run", () => {
  it("prints busybox ps in the shell container and procps ps in the nginx container", async () => {
    const bb = await runExec(fx.kc, "default", "nginx", "shell", ["ps", "ax"]);
    const lines = bb.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("PID   USER     TIME  COMMAND");
    expect(lines[1]).toBe("    1 65535     0:00 /pause");
    expect(lines.some((l) => /^ +\d+ 101 +0:00 nginx: worker process$/.test(l))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/^ +\d+ root +0:00 ps ax$/);
    const procps = await runExec(fx.kc, "default", "nginx", "nginx", ["ps", "-o", "pid,user,args"]);
    expect(procps.stdout.split("\n")[0]).toBe("  PID USER     COMMAND");
    expect(procps.stdout).toContain("    8 root     nginx: master process nginx -g daemon off;");
  });

  it("stops and continues a process", async () => {
    const worker = fx.sim.state.processes("default", "nginx").find((p) => p.args[0] === "nginx: worker process");
    await runExec(fx.kc, "default", "nginx", "shell", ["kill", "-STOP", String(worker?.pid)]);
    expect(fx.sim.state.process("default", "nginx", worker?.pid ?? 0)?.state).toBe("T");
    await runExec(fx.kc, "default", "nginx", "shell", ["sh", "-c", `kill -s CONT ${worker?.pid}`]);
    expect(fx.sim.state.process("default", "nginx", worker?.pid ?? 0)?.state).toBe("S");
  });

  it("restarts a container whose main process gets SIGTERM", async () => {
    const before = fx.sim.state.containerStatus("shop", "db-0", "postgres");
    const r = await runExec(fx.kc, "shop", "db-0", "postgres", ["kill", "-TERM", "1"]);
    expect(exitCodeOf(r.status)).toBe(0);
    const after = fx.sim.state.containerStatus("shop", "db-0", "postgres");
    expect(after.restartCount).toBe(before.restartCount + 1);
    expect(after.containerID).not.toBe(before.containerID);
    expect(after.lastState.terminated).toMatchObject({ exitCode: 143 });
    expect(fx.sim.state.processes("shop", "db-0", "postgres")[0]?.args).toEqual(["postgres", "-c", "password=hunter2"]);
  });

  it.each([
    { name: "an unknown command", argv: ["frobnicate"], code: 127, stdout: "", stderr: "sh: frobnicate: not found\n" },
    {
      name: "cat of a missing file",
      argv: ["cat", "/nope"],
      code: 1,
      stdout: "",
      stderr: "cat: can't open '/nope': No such file or directory\n",
    },
    {
      name: "head -n 2 via sh -c",
      argv: ["sh", "-c", "head -n 2 /proc/8/root/etc/nginx/nginx.conf"],
      code: 0,
      stdout: "user nginx;\nworker_processes 1;\n",
      stderr: "",
    },
    { name: "echo", argv: ["echo", "hello", "world"], code: 0, stdout: "hello world\n", stderr: "" },
    { name: "hostname file", argv: ["cat", "/etc/hostname"], code: 0, stdout: "nginx\n", stderr: "" },
  ])("runs $name", async ({ argv, code, stdout, stderr }) => {
    const r = await runExec(fx.kc, "default", "nginx", "shell", argv);
    expect(exitCodeOf(r.status)).toBe(code);
    expect(r.stdout).toBe(stdout);
    expect(r.stderr).toBe(stderr);
  });

  it("sends no stderr frames when stderr is not asked for", async () => {
    const r = await runExec(fx.kc, "default", "nginx", "shell", ["frobnicate"], { stderr: false });
    expect(exitCodeOf(r.status)).toBe(127);
  });

  it("refuses exec into a container that is not running, on the error channel after the upgrade", async () => {
    fx.sim.faults.imagePullFailure("never:1");
    await core.patchNamespacedPodEphemeralcontainers(
      {
        name: "nginx",
        namespace: "default",
        body: { spec: { ephemeralContainers: [{ name: "stuck", image: "never:1" }] } },
      },
      strategic,
    );
    await eventually(
      () =>
        fx.sim.state.containerStatus("default", "nginx", "stuck")?.state?.waiting?.reason === "ImagePullBackOff" ||
        undefined,
    );
    // Since 1.30 the API server upgrades first; the kubelet's refusal arrives as a Status on the error channel.
    const r = await runExec(fx.kc, "default", "nginx", "stuck", ["true"]);
    expect(r.status).toMatchObject({
      status: "Failure",
      reason: "InternalError",
      message: 'Internal error occurred: unable to upgrade connection: container not found ("stuck")',
    });
    expect(fx.sim.requests.entries.at(-1)).toMatchObject({ route: "GET pods/exec", status: 101 });
  });
});

describe("exec faults", () => {
  it("drops an exec stream mid-output", async () => {
    fx.sim.faults.dropExecAfter(50);
    const r = await runExec(fx.kc, "default", "nginx", "pns-debug", scriptArgv(COLLECT_SCRIPT));
    expect(r.status).toBeNull();
    expect(r.stdout.length).toBe(50);
    const again = await runExec(fx.kc, "default", "nginx", "pns-debug", scriptArgv(COLLECT_SCRIPT));
    expect(exitCodeOf(again.status)).toBe(0);
  });

  it("deletes a pod during a session", async () => {
    fx.sim.state.createPod(
      "default",
      {
        metadata: { name: "doomed" },
        spec: {
          shareProcessNamespace: true,
          containers: [{ name: "app", image: "busybox", command: ["sleep", "3600"] }],
        },
      },
      { immediate: true },
    );
    fx.sim.faults.deletePodDuringSession("default", "doomed");
    const r = await runExec(fx.kc, "default", "doomed", "app", ["ps"]);
    expect(exitCodeOf(r.status)).toBe(0);
    expect(fx.sim.state.hasPod("default", "doomed")).toBe(false);
    await expect(core.readNamespacedPod({ name: "doomed", namespace: "default" })).rejects.toMatchObject({ code: 404 });
  });

  it("ends a running command when its pod is deleted", async () => {
    fx.sim.state.createPod(
      "default",
      {
        metadata: { name: "short-lived" },
        spec: { containers: [{ name: "app", image: "busybox", command: ["sleep", "3600"] }] },
      },
      { immediate: true },
    );
    const running = runExec(fx.kc, "default", "short-lived", "app", ["sleep", "30"]);
    await eventually(() =>
      fx.sim.state.processes("default", "short-lived").find((p) => p.args.join(" ") === "sleep 30"),
    );
    fx.sim.state.deletePod("default", "short-lived");
    expect(exitCodeOf((await running).status)).toBe(137);
  });

  it("fails the exec upgrade when told to", async () => {
    fx.sim.faults.failNext("GET pods/exec", 500);
    await expect(runExec(fx.kc, "default", "nginx", "shell", ["true"])).rejects.toThrow();
    const ok = await runExec(fx.kc, "default", "nginx", "shell", ["true"]);
    expect(exitCodeOf(ok.status)).toBe(0);
  });
});
