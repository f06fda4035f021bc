import { describe, expect, it } from "vitest";
import { diffListings } from "./diff.js";
import { aListing, aProcess } from "./test-builders.js";

const pause = aProcess({ pid: 1, ppid: 0, args: ["/pause"], startTicks: 10, role: "pause" });
const master = aProcess({ pid: 8, ppid: 0, args: ["nginx: master process nginx -g daemon off;"], container: "nginx" });
const worker = (pid: number, startTicks: number) =>
  aProcess({ pid, ppid: 8, args: ["nginx: worker process"], container: "nginx", startTicks, uid: 101 });
const shell = aProcess({ pid: 15, ppid: 0, args: ["sh"], container: "shell" });
const pids = (ps: { pid: number }[]) => ps.map((p) => p.pid);

describe("diffListings", () => {
  it("sees nginx's worker 14 restarted as 22 after SIGHUP", () => {
    const before = aListing([pause, master, worker(14, 500), shell]);
    const after = aListing([pause, master, shell, worker(22, 900)]);
    const d = diffListings(before, after);
    expect(d.restarted.map((r) => [r.before.pid, r.after.pid])).toEqual([[14, 22]]);
    expect(d.exited).toEqual([]);
    expect(d.started).toEqual([]);
    expect(pids(d.unchanged)).toEqual([1, 8, 15]);
  });

  it("takes a recycled PID (same PID, other start) as exited and started, never unchanged", () => {
    const d = diffListings([worker(14, 500)], [worker(14, 901)]);
    expect(pids(d.exited)).toEqual([14]);
    expect(pids(d.started)).toEqual([14]);
    expect(d.restarted).toEqual([]);
    expect(d.unchanged).toEqual([]);
  });

  it("pairs several workers one to one", () => {
    const d = diffListings(
      [master, worker(14, 1), worker(16, 2)],
      [master, worker(22, 3), worker(23, 4), worker(24, 5)],
    );
    expect(d.restarted.map((r) => [r.before.pid, r.after.pid])).toEqual([
      [14, 22],
      [16, 23],
    ]);
    expect(pids(d.started)).toEqual([24]);
  });

  it("does not pair processes of another container or parent", () => {
    const other = aProcess({ pid: 30, ppid: 15, args: ["nginx: worker process"], container: "shell" });
    const d = diffListings([master, worker(14, 1)], [master, other]);
    expect(d.restarted).toEqual([]);
    expect(pids(d.exited)).toEqual([14]);
    expect(pids(d.started)).toEqual([30]);
  });

  it("pairs children whose parent restarted too, by the parent's command", () => {
    const newMaster = { ...master, pid: 40, startTicks: 9000 };
    const d = diffListings([master, worker(14, 1)], [newMaster, aProcess({ ...worker(41, 9001), ppid: 40 })]);
    expect(d.restarted.map((r) => [r.before.pid, r.after.pid])).toEqual([
      [8, 40],
      [14, 41],
    ]);
  });

  it("compares ps fallback processes by PID and command line", () => {
    const a = aProcess({ pid: 5, startTicks: null, args: ["sleep", "1"] });
    const b = aProcess({ pid: 5, startTicks: null, args: ["sleep", "2"] });
    expect(pids(diffListings([a], [a]).unchanged)).toEqual([5]);
    expect(pids(diffListings([a], [b]).exited)).toEqual([5]);
  });
});
