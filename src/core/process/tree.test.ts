import { describe, expect, it } from "vitest";
import { processTree } from "./tree.js";

const p = (pid: number, ppid: number | null) => ({ pid, ppid });

describe("processTree", () => {
  it("puts children under their parents, depth-first, in the given order", () => {
    const rows = [p(1, 0), p(2, 1), p(3, 9), p(5, 2), p(9, 1), p(12, 77)];
    expect(processTree(rows).map((e) => [e.row.pid, e.depth])).toEqual([
      [1, 0],
      [2, 1],
      [5, 2],
      [9, 1],
      [3, 2],
      [12, 0],
    ]);
  });

  it("shows every row once, even in a parent cycle from garbled output", () => {
    const rows = [p(4, 5), p(5, 4), p(6, 6), p(7, null)];
    const tree = processTree(rows);
    expect(tree.map((e) => e.row.pid).sort()).toEqual([4, 5, 6, 7]);
    expect(tree).toHaveLength(4);
  });

  it("stays fast and flat-stacked for a 10,000-deep chain", () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => p(i + 1, i));
    const tree = processTree(rows);
    expect(tree.at(-1)).toEqual({ row: p(10_000, 9_999), depth: 9_999 });
  });
});
