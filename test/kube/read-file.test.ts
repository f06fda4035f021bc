import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DebugLocation, FileRequest, PodDebugger } from "../../src/app/ports/cluster.js";
import { PnsError } from "../../src/core/errors.js";
import type { ProcessInfo } from "../../src/core/process/types.js";
import { locationOf } from "../../src/kube/pod-debugger.js";
import { runtimes } from "../sim/runtimes.js";
import { debuggerFor, type Sim, startSim } from "./harness.js";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJrdWJlcm5ldGVzIn0.c2lnbmF0dXJlc2lnbmF0dXJl";

async function failure(promise: Promise<unknown>): Promise<PnsError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof PnsError) return err;
    throw err;
  }
  throw new Error("expected a PnsError");
}

// `/pns cat` as the process sees the file, through pns's kube adapter, on every runtime: on runc and crun the kernel
// answers, and the emulated runtime must say the same.
describe.each(runtimes)("reading files as the process sees them on the %s runtime", (runtime) => {
  let sim: Sim;
  let d: PodDebugger;
  let files: DebugLocation;
  let nginx: DebugLocation;
  let procs: ProcessInfo[];
  let nginxProcs: ProcessInfo[];

  const main = (container: string) => {
    const p = procs.find((x) => x.container === container && x.role === "app");
    if (!p) throw new Error(`no process in ${container}`);
    return p;
  };
  const read = (container: string, path: string, extra: Partial<FileRequest> = {}) =>
    d.readFile({ location: files, pid: main(container).pid, path, container, ...extra });

  async function waitRunning(pod: string, container: string): Promise<void> {
    const end = Date.now() + 20_000;
    while (!sim.state.containerStatus("default", pod, container)?.state?.running) {
      if (Date.now() > end) throw new Error(`${pod}/${container} did not start`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  beforeAll(async () => {
    sim = await startSim(30, { runtime });
    sim.state.createPod("default", {
      metadata: { name: "files" },
      spec: {
        shareProcessNamespace: true,
        terminationGracePeriodSeconds: 0,
        volumes: [{ name: "creds", secret: { secretName: "creds" } }],
        containers: [
          {
            name: "app",
            image: "busybox:1.36",
            command: ["sleep", "3600"],
            securityContext: { runAsUser: 1000 },
            volumeMounts: [{ name: "creds", mountPath: "/etc/creds/" }],
          },
          { name: "root", image: "busybox:1.36", command: ["sleep", "3601"] },
        ],
      },
    });
    await waitRunning("files", "app");
    await waitRunning("files", "root");
    await waitRunning("nginx", "nginx");
    // The script reads uid 1000's files: that needs ptrace access, the `general` profile (pns's retry for reads).
    d = await debuggerFor(sim, { profile: "general" });
    const attach = async (name: string) => {
      const a = await d.attach(await d.resolveTarget("default", { kind: "pod", name }), { requestedBy: "U1" });
      return locationOf("default", a);
    };
    files = await attach("files");
    nginx = await attach("nginx");
    procs = (await d.listProcesses(files)).listing.processes;
    nginxProcs = (await d.listProcesses(nginx)).listing.processes;
    const s = sim.state;
    s.writeFile("default", "files", "root", "/etc/app.conf", "from root\n");
    s.symlink("default", "files", "root", "/etc/abs-link", "/etc/app.conf");
    s.symlink("default", "files", "root", "/etc/rel-link", "app.conf");
    s.symlink("default", "files", "root", "/srv/up", "../../../../../etc/app.conf");
    s.symlink("default", "files", "root", "/etc/loop-a", "/etc/loop-b");
    s.symlink("default", "files", "root", "/etc/loop-b", "loop-a");
    s.symlink("default", "files", "root", "/etc/dangling", "/etc/nowhere");
    s.mkfifo("default", "files", "root", "/tmp/pipe");
    s.symlink("default", "files", "root", "/tmp/to-pipe", "/tmp/pipe");
    s.writeFile("default", "files", "app", "/etc/private", "root only\n", 0o600, 0);
    s.writeFile("default", "files", "app", "/home/app/notes", "mine\n", 0o600, 1000);
    s.mkdir("default", "files", "app", "/vault", 0o700, 0);
    s.writeFile("default", "files", "app", "/vault/inside", "open file, closed directory\n", 0o644, 0);
    s.writeFile("default", "files", "app", "/var/run/secrets/kubernetes.io/serviceaccount/token", JWT);
    s.symlink("default", "files", "app", "/tmp/token", "/var/run/secrets/kubernetes.io/serviceaccount/token");
    s.writeFile("default", "files", "app", "/etc/creds/password", "hunter2\n");
    s.symlink("default", "files", "app", "/etc/creds-link", "creds");
    s.writeFile("default", "files", "app", "/etc/shadow", "root:*:19000:0:99999:7:::\n", 0o644, 0);
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
  });

  it("follows an absolute symlink inside the target's root, not the debug container's", async () => {
    sim.state.writeFile("default", "files", files.container, "/etc/app.conf", "the debug container's own\n");
    expect(await read("root", "/etc/abs-link")).toMatchObject({ text: "from root\n", path: "/etc/app.conf" });
    expect(await read("root", "/etc/rel-link")).toMatchObject({ text: "from root\n", via: "/etc/rel-link" });
  });

  it("never climbs above the root with .. in a link", async () => {
    expect(await read("root", "/srv/up")).toMatchObject({ text: "from root\n", path: "/etc/app.conf" });
  });

  it.each([
    ["a link loop", "/etc/loop-a", "invalid_command", /more than 40 symbolic links/],
    ["a dangling link", "/etc/dangling", "not_found", /`\/etc\/nowhere` does not exist/],
    ["a missing file", "/etc/nope", "not_found", /There is no file `\/etc\/nope` of PID \d+\.$/],
    ["a path through a file", "/etc/app.conf/x", "not_found", /`\/etc\/app.conf` is not a directory/],
    ["a directory", "/etc", "invalid_command", /is a directory: name a file/],
    ["a FIFO, at once", "/tmp/pipe", "invalid_command", /is a FIFO \(named pipe\)/],
    ["a link to a FIFO", "/tmp/to-pipe", "invalid_command", /is a FIFO.*it leads to `\/tmp\/pipe`/],
    ["a device", "/dev/null", "invalid_command", /is a device/],
    ["/proc of the process", "/proc/1/environ", "invalid_command", /the kernel's view/],
  ])("refuses %s with a clear message", async (_name, path, code, message) => {
    const err = await failure(read("root", path));
    expect([err.code, err.userMessage]).toEqual([code, expect.stringMatching(message)]);
  });

  it("refuses nginx's access.log, a link to /dev/stdout, without waiting on it", async () => {
    const master = nginxProcs.find((p) => p.args[0]?.startsWith("nginx: master"));
    const started = Date.now();
    const err = await failure(
      d.readFile({ location: nginx, pid: master?.pid ?? 0, path: "/var/log/nginx/access.log", container: "nginx" }),
    );
    expect(err.code).toBe("invalid_command");
    expect(err.userMessage).toMatch(/is a link to `\/dev\/stdout`: the container's own output, not a file/);
    expect(err.hint).toBe("Its lines are in the container's log: `kubectl logs nginx -c nginx`.");
    // Well under the exec timeout (10 s here): nothing waited for the pipe.
    expect(Date.now() - started).toBeLessThan(8000);
    const conf = await d.readFile({ location: nginx, pid: master?.pid ?? 0, path: "/etc/nginx/nginx.conf" });
    expect(conf.text?.split("\n")[0]).toBe("user nginx;");
  });

  it("reads with the process's own rights: another uid's 0600 file is 'permission denied', its own is read", async () => {
    const denied = await failure(read("app", "/etc/private"));
    expect([denied.code, denied.userMessage]).toEqual([
      "forbidden",
      expect.stringMatching(/^Permission denied: PID \d+ \(uid 1000, gid \d+\) may not read it/),
    ]);
    expect((await read("app", "/home/app/notes")).text).toBe("mine\n");
    const dir = await failure(read("app", "/vault/inside"));
    expect(dir.userMessage).toMatch(/may not search `\/vault`/);
    // The root container (CAP_DAC_OVERRIDE) reads any file of its own.
    sim.state.writeFile("default", "files", "root", "/etc/private", "root reads it\n", 0o600, 1000);
    expect((await read("root", "/etc/private")).text).toBe("root reads it\n");
  });

  it.each([
    ["a service-account token", "/var/run/secrets/kubernetes.io/serviceaccount/token", /mounted secrets/],
    ["a link to the token", "/tmp/token", /mounted secrets/],
    ["a secret volume of the pod spec", "/etc/creds/password", /a secret volume of the pod/],
    ["a link to that volume", "/etc/creds-link/password", /a secret volume of the pod/],
    ["/etc/shadow", "/etc/shadow", /password hashes/],
    ["a private key by name", "/root/.ssh/id_ed25519", /an SSH private key/],
  ])("refuses %s before reading a byte", async (_name, path, why) => {
    const err = await failure(read("app", path));
    expect([err.code, err.userMessage]).toEqual(["not_allowed", expect.stringMatching(why)]);
    expect(err.hint).toMatch(/people\.catSecrets/);
  });

  it("reads secrets when they are allowed (the caller redacts them)", async () => {
    const token = await read("app", "/tmp/token", { secrets: "allow" });
    expect(token).toMatchObject({
      text: JWT,
      path: "/var/run/secrets/kubernetes.io/serviceaccount/token",
      via: "/tmp/token",
    });
    expect((await read("app", "/etc/creds/password", { secrets: "allow" })).text).toBe("hunter2\n");
  });
});
