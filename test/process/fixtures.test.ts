import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { attributeContainers, type PodLike } from "../../src/core/process/attribute.js";
import { parseCollectorOutput } from "../../src/core/process/parse-collector.js";
import { toRows } from "../../src/core/process/rows.js";
import { withoutCollector } from "../../src/core/process/without-collector.js";
import { createRedactor } from "../../src/core/redact/redactor.js";

const dir = join(import.meta.dirname, "../fixtures/proc");
const read = (name: string) => readFileSync(join(dir, name), "utf8");
const redactor = createRedactor();
const FIXTURE_SECRETS = ["fixture-hunter2", "fixture-pw1", "fixture-pw2", "fixture-tok3", "fixture-pw4"];

describe("live collector fixtures (unshare'd PID namespace on this machine)", () => {
  it.each(["live-busybox.txt", "live-dash.txt", "live-busybox-applets.txt"])("parses %s", (name) => {
    const l = parseCollectorOutput(read(name));
    expect(l).toMatchObject({ complete: true, source: "proc", clockTicks: 100, selfPid: 13, unreadable: 0 });
    expect(l.processes).toHaveLength(12);
    // Two CPU samples about a second apart; every process was idle but the collector.
    expect(l.cpuSampleSeconds).toBeGreaterThanOrEqual(1);
    expect(l.cpuSampleSeconds).toBeLessThan(2);
    expect(l.processes.filter((p) => p.pid !== 13).every((p) => p.cpuPercent === 0 && p.threads === 1)).toBe(true);
    const byArgs = (first: string) => l.processes.find((p) => p.args[0] === first);
    const master = byArgs("nginx: master process nginx -g daemon off;");
    const worker = byArgs("nginx: worker process");
    expect(master).toMatchObject({ comm: "sleep", uid: 0, user: "root", state: "S" });
    expect(worker).toMatchObject({ ppid: master?.pid, uid: 101, user: "101" });
    const odd = l.processes.find((p) => p.args.includes("arg with spaces"));
    expect(odd?.args).toEqual([
      "bash",
      "-c",
      "sleep 1000\n: second line",
      "worker",
      "arg with spaces",
      "multi\nline",
      "\ufffd\ufffd bad utf8",
      "\x1b[31mred\x1b[0m",
      "",
      "tab\there",
    ]);
    const zombie = l.processes.find((p) => p.state === "Z");
    expect(zombie).toMatchObject({ args: [], comm: "sleep", rssKb: null });

    const rows = toRows(l, redactor);
    const text = rows.map((r) => r.command).join("\n");
    for (const s of FIXTURE_SECRETS) expect(text).not.toContain(s);
    expect(text).toContain("nginx: master process nginx -g daemon off; 1000");
    expect(rows.find((r) => r.pid === odd?.pid)?.command).toContain("multi\\x0aline");
    expect(rows.find((r) => r.pid === zombie?.pid)?.command).toBe("[sleep]");
    expect(rows.every((r) => /^\d+:\d\d$/.test(r.cpuTime) && r.startedAt?.startsWith("2026-"))).toBe(true);
  });
});

describe("a live namespace of processes hiding from pns or passing for it (hostile-workload.sh)", () => {
  const l = parseCollectorOutput(read("live-hostile-dash.txt"));
  const listed = attributeContainers(l, {});

  it("lists every process, whatever its comm, and reads none as garbage", () => {
    expect(l).toMatchObject({ complete: true, unreadable: 0, selfPid: 14 });
    expect(l.processes.map((p) => p.comm)).toEqual(
      expect.arrayContaining(["x)\ny) S 1 (", "\ne\nz 1\np 7\ns ", "my proc (1) R", ")", "busy"]),
    );
    for (const comm of ["x)\ny) S 1 (", "\ne\nz 1\np 7\ns ", "my proc (1) R", ")"]) {
      expect(l.processes.find((p) => p.comm === comm)).toMatchObject({ state: "S", ppid: 1, cpuPercent: 0 });
    }
    expect(l.processes.find((p) => p.comm === "busy")?.cpuPercent).toBeGreaterThan(1);
  });

  it("makes nothing pns's own but the collector: pns-ps/ in argv is an app process, and so is its child", () => {
    const disguised = listed.processes.find((p) => p.args.includes("pns-ps/2"));
    expect(disguised?.role).toBe("app");
    expect(listed.processes.find((p) => p.ppid === disguised?.pid)?.role).toBe("app");
    expect(listed.processes.filter((p) => p.role === "debug").map((p) => p.pid)).toEqual([14]);
    expect(withoutCollector(listed).processes).toHaveLength(12);
  });

  it("shows a newline in comm escaped, as a zombie's or kernel thread's [comm] would be", () => {
    const weird = l.processes.find((p) => p.comm === "x)\ny) S 1 (");
    const row = toRows({ ...l, processes: [{ ...weird!, args: [] }] }, redactor)[0];
    expect(row?.command).toBe("[x)\\x0ay) S 1 (]");
  });
});

describe("node fixtures (containerd v1/v2, CRI-O) with their pods", () => {
  it.each(["containerd-v1", "containerd-v2", "containerd-v2-cgroupns", "crio-v2"])("attributes %s", (name) => {
    const pod = JSON.parse(read(`node-${name}.pod.json`)) as PodLike;
    const l = attributeContainers(parseCollectorOutput(read(`node-${name}.txt`)), pod);
    const debug = "pns-debug-7f3k2";
    expect(l.processes.map((p) => [p.pid, p.role, p.container, p.user])).toEqual([
      [1, "pause", null, "65535"],
      [8, "app", "nginx", "root"],
      [14, "app", "nginx", "101"],
      [15, "app", "shell", "root"],
      [41, "debug", debug, "root"],
      [57, "debug", debug, "root"],
    ]);
    const rows = toRows(l, redactor);
    expect(rows.filter((r) => r.fingerprint !== null).map((r) => r.pid)).toEqual([8, 14, 15]);
    expect(rows[1]).toMatchObject({
      command: "nginx: master process nginx -g daemon off;",
      cpuTime: "0:00",
      cpuPercent: 50,
      threads: 1,
      main: true,
    });
    expect(rows.filter((r) => r.main).map((r) => r.pid)).toEqual([8, 15]);
  });
});

describe("ps fallback fixtures", () => {
  const cases: { name: string; master: number; worker: { pid: number; user: string }; ppid: boolean; rss: boolean }[] =
    [
      { name: "ps-busybox.txt", master: 2, worker: { pid: 7, user: "postgres" }, ppid: false, rss: false },
      { name: "ps-busybox-o.txt", master: 2, worker: { pid: 6, user: "postgres" }, ppid: true, rss: true },
      { name: "ps-procps-ax.txt", master: 2, worker: { pid: 6, user: "?" }, ppid: false, rss: false },
      { name: "ps-procps-aux.txt", master: 2, worker: { pid: 5, user: "postgres" }, ppid: false, rss: true },
      { name: "ps-procps-o.txt", master: 2, worker: { pid: 0, user: "" }, ppid: true, rss: true },
    ];
  it.each(cases)("parses $name", ({ name, master, worker, ppid, rss }) => {
    const l = parseCollectorOutput(read(name));
    expect(l.source).toBe("ps");
    expect(l.complete).toBe(true);
    const m = l.processes.find((p) => p.pid === master);
    expect(m?.args.join(" ")).toBe("nginx: master process nginx -g daemon off; 1000");
    expect(m?.ppid === null).toBe(!ppid);
    expect(m?.rssKb === null).toBe(!rss);
    if (worker.pid > 0) {
      const w = l.processes.find((p) => p.pid === worker.pid);
      expect(w?.args.join(" ")).toBe("nginx: worker process 1000");
      expect(w?.user).toBe(worker.user);
    }
    const rows = toRows(l, redactor);
    expect(rows.every((r) => r.fingerprint === null && r.startedAt === null)).toBe(true);
    expect(rows.map((r) => r.command).join("\n")).not.toContain("fixture-pw1");
  });

  it("parses the scenario's busybox `ps ax` (PID USER TIME COMMAND)", () => {
    const l = parseCollectorOutput(
      [
        "h pns-ps/1 fallback",
        "PID   USER     TIME  COMMAND",
        "    1 root      0:00 /pause",
        "    8 root      0:00 nginx: master process nginx -g daemon off;",
        "   14 101       0:00 nginx: worker process",
        "   15 root      0:00 sh",
        "   21 root      1:05 ps ax",
      ].join("\n"),
    );
    expect(l.processes.map((p) => [p.pid, p.user, p.uid, p.cpuTicks, p.args.join(" ")])).toEqual([
      [1, "root", 0, 0, "/pause"],
      [8, "root", 0, 0, "nginx: master process nginx -g daemon off;"],
      [14, "101", 101, 0, "nginx: worker process"],
      [15, "root", 0, 0, "sh"],
      [21, "root", 0, 6500, "ps ax"],
    ]);
    expect(toRows(l, redactor)[4]?.cpuTime).toBe("1:05");
  });
});
