/** A row and how deep it sits under its ancestors in the listing (0 for a process whose parent is not listed). */
export interface TreeEntry<T> {
  row: T;
  depth: number;
}

/**
 * The rows in tree order, as `ps -ef --forest` shows them: each process followed by its children, children in the
 * order given (by PID), depth-first. A process whose parent is not listed (PPID 0, the sandbox left out, an unknown
 * PPID) is a root. Garbled output cannot loop it: every row appears exactly once, cycles as roots at the end.
 */
export function processTree<T extends { pid: number; ppid: number | null }>(rows: readonly T[]): TreeEntry<T>[] {
  const listed = new Set<number>();
  for (const r of rows) listed.add(r.pid);
  const children = new Map<number, T[]>();
  const roots: T[] = [];
  for (const r of rows) {
    if (r.ppid === null || r.ppid === r.pid || !listed.has(r.ppid)) {
      roots.push(r);
      continue;
    }
    const list = children.get(r.ppid);
    if (list === undefined) children.set(r.ppid, [r]);
    else list.push(r);
  }
  const out: TreeEntry<T>[] = [];
  const placed = new Set<T>();
  const walk = (root: T) => {
    const stack: TreeEntry<T>[] = [{ row: root, depth: 0 }];
    for (let e = stack.pop(); e !== undefined; e = stack.pop()) {
      if (placed.has(e.row)) continue;
      placed.add(e.row);
      out.push(e);
      const kids = children.get(e.row.pid) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ row: kids[i]!, depth: e.depth + 1 });
    }
  };
  for (const r of roots) walk(r);
  // Rows left are in a parent cycle (only garbled output has one): show them rather than lose them.
  for (const r of rows) if (!placed.has(r)) walk(r);
  return out;
}
