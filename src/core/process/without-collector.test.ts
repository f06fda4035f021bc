import { describe, expect, it } from "vitest";
import type { ProcessInfo, ProcessListing } from "./types.js";
import { withoutCollector } from "./without-collector.js";

const proc = (pid: number, ppid: number | null, args: string[]): ProcessInfo => ({
  pid,
  ppid,
  uid: 0,
  user: "root",
  state: "S",
  startTicks: pid * 10,
  cpuTicks: 0,
  rssKb: 0,
  comm: args[0] ?? "",
  args,
  cmdHex: "",
  cgroups: [],
  container: null,
  role: "app",
});

const listing = (selfPid: number | null): ProcessListing => ({
  processes: [
    proc(1, 0, ["/pause"]),
    proc(8, 0, ["nginx: master process"]),
    proc(17, 0, ["sh", "-c", "collector"]),
    proc(18, 17, ["od", "-An"]),
    proc(19, 18, ["tr", "-d"]),
    proc(20, 8, ["nginx: worker process"]),
  ],
  clockTicks: 100,
  bootTime: null,
  uptime: null,
  selfPid,
  complete: true,
  source: "proc",
});

describe("withoutCollector", () => {
  it.each([
    ["drops the collector's shell and every descendant", 17, [1, 8, 20]],
    ["keeps everything when the collector's PID is unknown", null, [1, 8, 17, 18, 19, 20]],
    ["keeps everything when the collector already exited", 99, [1, 8, 17, 18, 19, 20]],
  ])("%s", (_name, selfPid, pids) => {
    expect(withoutCollector(listing(selfPid)).processes.map((p) => p.pid)).toEqual(pids);
  });
});
