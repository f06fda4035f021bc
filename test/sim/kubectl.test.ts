import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, kubectl, type SimFixture, startFixture } from "./helpers.js";

let fx: SimFixture;

beforeAll(async () => {
  fx = await startFixture();
});
afterAll(async () => {
  await fx.close();
});

function psRows(text: string): [number, string, string][] {
  return text
    .trimEnd()
    .split("\n")
    .slice(1)
    .map((l) => {
      const m = /^\s*(\d+)\s+(\S+)\s+\S+\s+(.*)$/.exec(l);
      return [Number(m?.[1]), m?.[2] ?? "", m?.[3] ?? ""];
    });
}

describe("kubectl against the simulator", () => {
  it("gets pods in every namespace as a table", async () => {
    const r = await kubectl(fx, ["get", "pods", "-A"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]?.split(/\s{2,}/)).toEqual(["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    expect(
      lines
        .find((l) => l.startsWith("default "))
        ?.split(/\s+/)
        .slice(0, 5),
    ).toEqual(["default", "nginx", "2/2", "Running", "0"]);
    expect(lines.filter((l) => / web-[a-z0-9]+-[a-z0-9]{5} /.test(l))).toHaveLength(2);
  });

  it("runs ps ax in the shell container, sends SIGHUP to the nginx master, and sees new worker PIDs", async () => {
    const before = await kubectl(fx, ["exec", "nginx", "-c", "shell", "--", "ps", "ax"]);
    expect(before.code).toBe(0);
    const rows = psRows(before.stdout);
    expect(rows.slice(0, 4)).toEqual([
      [1, "65535", "/pause"],
      [8, "root", "nginx: master process nginx -g daemon off;"],
      [14, "101", "nginx: worker process"],
      [15, "root", "sh"],
    ]);
    const psPid = rows[4]?.[0] ?? 0;
    expect(rows[4]?.[2]).toBe("ps ax");
    const hup = await kubectl(fx, ["exec", "nginx", "-c", "shell", "--", "kill", "-HUP", "8"]);
    expect(hup.code).toBe(0);
    const after = psRows((await kubectl(fx, ["exec", "nginx", "-c", "shell", "--", "ps", "ax"])).stdout);
    const worker = after.find((r) => r[2] === "nginx: worker process");
    expect(worker?.[0]).toBe(psPid + 2); // the kill process took psPid + 1
    expect(after.map((r) => r[0])).not.toContain(14);
  });

  it("reads another container's file and passes exit codes through", async () => {
    const head = await kubectl(fx, [
      "exec",
      "nginx",
      "-c",
      "shell",
      "--",
      "head",
      "-n",
      "2",
      "/proc/8/root/etc/nginx/nginx.conf",
    ]);
    expect(head.stdout).toBe("user nginx;\nworker_processes 1;\n");
    const missing = await kubectl(fx, ["exec", "nginx", "-c", "shell", "--", "cat", "/nope"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cat: can't open '/nope': No such file or directory");
  });

  it("adds an ephemeral debug container with kubectl debug --target that becomes Running", async () => {
    const pod = fx.sim.state.pods("shop").find((p) => p.metadata.name.startsWith("web-"))?.metadata.name;
    const r = await kubectl(fx, ["debug", pod, "-n", "shop", "--image=busybox", "--target=web", "--", "sleep", "60"]);
    expect(r.code).toBe(0);
    const name = /Defaulting debug container name to ([\w-]+)/.exec(r.stderr + r.stdout)?.[1] ?? "";
    const spec = fx.sim.state.pod("shop", pod).spec.ephemeralContainers.find((c: { name: string }) => c.name === name);
    expect(spec).toMatchObject({ image: "busybox", targetContainerName: "web", command: ["sleep", "60"] });
    await eventually(() => fx.sim.state.containerStatus("shop", pod, name)?.state?.running);
  });

  it("makes and deletes a debug copy with shared processes", async () => {
    const copyTo = [
      "debug",
      "nginx",
      "--copy-to=nginx-copy",
      "--share-processes",
      "--image=busybox",
      "--",
      "sleep",
      "60",
    ];
    const r = await kubectl(fx, copyTo);
    expect(r.code).toBe(0);
    const copy = fx.sim.state.pod("default", "nginx-copy");
    expect(copy.spec.shareProcessNamespace).toBe(true);
    expect(copy.spec.containers.map((c: { name: string }) => c.name).slice(0, 2)).toEqual(["nginx", "shell"]);
    await eventually(() => (fx.sim.state.pod("default", "nginx-copy").status.phase === "Running" ? true : undefined));
    const again = await kubectl(fx, copyTo);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("already exists");
    const del = await kubectl(fx, ["delete", "pod", "nginx-copy"]);
    expect(del.code).toBe(0);
    expect(del.stdout).toContain('pod "nginx-copy" deleted');
    expect(fx.sim.state.hasPod("default", "nginx-copy")).toBe(false);
  });

  it("attaches to the shell container as the task page does; exit restarts the container", async () => {
    const before = fx.sim.state.containerStatus("default", "nginx", "shell").restartCount;
    const r = await kubectl(fx, ["attach", "-i", "nginx", "-c", "shell"], "ps ax\nexit\n");
    expect(r.code).toBe(0);
    const rows = psRows(r.stdout.split("/ # ")[0] ?? "");
    expect(rows.map((x) => x[2])).toContain("nginx: master process nginx -g daemon off;");
    const ps = rows.find((x) => x[2] === "ps ax");
    expect(fx.sim.state.process("default", "nginx", ps?.[0] ?? 0)).toBeUndefined();
    await eventually(() =>
      fx.sim.state.containerStatus("default", "nginx", "shell").restartCount === before + 1 ? true : undefined,
    );
  });

  it("runs kubectl debug -i with a shell in the target's PID namespace", async () => {
    const pod = fx.sim.state.pods("shop").find((p) => p.metadata.name.startsWith("web-"))?.metadata.name;
    const r = await kubectl(
      fx,
      ["debug", "-i", pod, "-n", "shop", "--image=busybox", "--target=web", "--", "sh"],
      "ps ax\nexit\n",
    );
    expect(r.code).toBe(0);
    const table = r.stdout.slice(r.stdout.indexOf("PID   USER")).split("/ # ")[0] ?? "";
    expect(psRows(table)[0]).toEqual([1, "1000", "node server.js"]);
  });

  it("reports a wrong token as not logged in", async () => {
    const { writeFile } = await import("node:fs/promises");
    const path = `${fx.dir}/bad.kubeconfig`;
    await writeFile(path, fx.sim.kubeconfig.replace(fx.sim.token, "wrong"));
    const r = await kubectl(fx, ["--kubeconfig", path, "get", "pods"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("You must be logged in to the server");
  });

  it("is refused by Pod Security in the restricted namespace", async () => {
    const r = await kubectl(fx, [
      "debug",
      "api",
      "-n",
      "locked",
      "--image=busybox",
      "--target=api",
      "--profile=general",
      "--",
      "sleep",
      "60",
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('violates PodSecurity "restricted:latest"');
  });
});
