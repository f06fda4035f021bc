import { describe, expect, it } from "vitest";
import { aListing, aProcess } from "./test-builders.js";
import { collectorPids, withoutCollector } from "./without-collector.js";

const proc = (pid: number, ppid: number | null, args: string[]) => aProcess({ pid, ppid, args, comm: args[0] ?? "" });

const listing = (selfPid: number | null) =>
  aListing(
    [
      proc(1, 0, ["/pause"]),
      proc(8, 0, ["nginx: master process"]),
      proc(17, 0, ["sh", "-c", "collector"]),
      proc(18, 17, ["od", "-An"]),
      proc(19, 18, ["tr", "-d"]),
      proc(20, 8, ["nginx: worker process"]),
      // A process that dresses as the collector: the marker in its argv, a header as its argument.
      proc(30, 0, ["sh", "-c", "sleep 1000", "h pns-ps/2 self=30", "pns-ps/"]),
      proc(31, 30, ["sleep", "1000"]),
    ],
    { selfPid },
  );

describe("withoutCollector", () => {
  it.each([
    ["drops the collector's shell and every descendant", 17, [1, 8, 20, 30, 31]],
    ["keeps everything when the collector's PID is unknown", null, [1, 8, 17, 18, 19, 20, 30, 31]],
    ["keeps everything when the collector already exited", 99, [1, 8, 17, 18, 19, 20, 30, 31]],
  ])("%s", (_name, selfPid, pids) => {
    expect(withoutCollector(listing(selfPid)).processes.map((p) => p.pid)).toEqual(pids);
  });

  it("finds descendants listed before their parents, as after the PIDs wrapped", () => {
    const l = aListing([proc(2, 3, ["tr"]), proc(3, 17, ["od"]), proc(8, 0, ["nginx"]), proc(17, 0, ["sh"])], {
      selfPid: 17,
    });
    expect([...collectorPids(l)].sort((a, b) => a - b)).toEqual([2, 3, 17]);
    expect(withoutCollector(l).processes.map((p) => p.pid)).toEqual([8]);
  });

  it("follows parents only, so a cycle in garbled output ends", () => {
    const l = aListing([proc(5, 6, ["a"]), proc(6, 5, ["b"]), proc(7, 7, ["c"])], { selfPid: 5 });
    expect([...collectorPids(l)].sort()).toEqual([5, 6]);
  });
});
