import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRedactor } from "../redact/redactor.js";
import { MASK } from "../redact/rules.js";
import { cmdlineSha256 } from "./fingerprint.js";
import { escapeControl, formatCpuTime, rowsOfContainer, startedAt, toRows, truncate } from "./rows.js";
import { aListing, aProcess } from "./test-builders.js";

const redactor = createRedactor();

describe("toRows", () => {
  it("formats a row: M:SS, ISO start, redacted command, fingerprint", () => {
    const p = aProcess({
      pid: 7,
      cpuTicks: 12_345,
      startTicks: 250,
      cpuPercent: 12.5,
      threads: 4,
      caughtSignals: 0x4a07,
      ignoredSignals: 0x1000,
      args: ["app", "--password=x"],
    });
    const [row] = toRows(aListing([p]), redactor);
    expect(row).toEqual({
      pid: 7,
      ppid: 1,
      user: "root",
      container: null,
      role: "app",
      state: "S",
      cpuTime: "2:03",
      cpuPercent: 12.5,
      startedAt: new Date((1796000000 + 2.5) * 1000).toISOString(),
      // uptime 1000 s, started 2.5 s after boot
      ageSeconds: 997,
      rssKb: 1024,
      threads: 4,
      main: false,
      caughtSignals: 0x4a07,
      ignoredSignals: 0x1000,
      command: `app --password=${MASK}`,
      fingerprint: { pid: 7, startTicks: 250, cmdSha256: cmdlineSha256(p.cmdHex) },
    });
  });

  it("sorts by PID", () => {
    const rows = toRows(aListing([aProcess({ pid: 10 }), aProcess({ pid: 2 })]), redactor);
    expect(rows.map((r) => r.pid)).toEqual([2, 10]);
  });

  const noFingerprint: { name: string; listing: ReturnType<typeof aListing> }[] = [
    { name: "pause", listing: aListing([aProcess({ pid: 1, role: "pause" })]) },
    { name: "debug", listing: aListing([aProcess({ pid: 1, role: "debug" })]) },
    { name: "ps fallback", listing: aListing([aProcess({ pid: 1, startTicks: null })], { source: "ps" }) },
  ];
  it.each(noFingerprint)("gives no fingerprint to $name rows", ({ listing }) => {
    expect(toRows(listing, redactor)[0]?.fingerprint).toBeNull();
  });

  it("shows [comm] for an empty command line", () => {
    expect(toRows(aListing([aProcess({ pid: 2, args: [], comm: "kthreadd" })]), redactor)[0]?.command).toBe(
      "[kthreadd]",
    );
  });

  it("escapes control characters and caps the command", () => {
    const rows = toRows(
      aListing([aProcess({ pid: 2, args: ["sh", "-c", `a\nb\x1b[31m${"x".repeat(500)}`] })]),
      redactor,
      {
        maxCommandChars: 40,
      },
    );
    expect(rows[0]?.command).toBe(`sh -c a\\x0ab\\x1b[31m${"x".repeat(19)}…`);
    expect(rows[0]?.command.length).toBe(40);
  });

  it("has no age without uptime, nor for a start after the listing (garbled output)", () => {
    expect(toRows(aListing([aProcess({ pid: 2 })], { uptime: null }), redactor)[0]?.ageSeconds).toBeNull();
    expect(toRows(aListing([aProcess({ pid: 2, startTicks: 200_000 })]), redactor)[0]?.ageSeconds).toBeNull();
  });

  // Shared namespace: the shim (outside, PPID 0) starts each container's first process; orphans go to /pause.
  const mains: { name: string; pid: number; main: boolean }[] = [
    { name: "a container's first process (PPID 0)", pid: 8, main: true },
    { name: "its child", pid: 14, main: false },
    { name: "an orphan adopted by the sandbox", pid: 30, main: false },
    { name: "the sandbox itself", pid: 1, main: false },
    { name: "pns's own process", pid: 40, main: false },
    { name: "a process of no known container", pid: 50, main: false },
    { name: "under hostPID, a container's process whose parent is the node's shim", pid: 61, main: true },
  ];
  it.each(mains)("takes $name for main: $main", ({ pid, main }) => {
    const l = aListing([
      aProcess({ pid: 1, ppid: 0, role: "pause" }),
      aProcess({ pid: 8, ppid: 0, container: "nginx" }),
      aProcess({ pid: 14, ppid: 8, container: "nginx" }),
      aProcess({ pid: 30, ppid: 1, container: "nginx" }),
      aProcess({ pid: 40, ppid: 0, role: "debug", container: "pns-debug-1" }),
      aProcess({ pid: 50, ppid: 0, container: null }),
      aProcess({ pid: 60, ppid: 50, container: null }),
      aProcess({ pid: 61, ppid: 60, container: "app" }),
    ]);
    expect(toRows(l, redactor).find((r) => r.pid === pid)?.main).toBe(main);
  });

  it("prints the start time as Date's toISOString does, for every time of years 0000–9999", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -62_167_219_200, max: 253_402_299_800 }),
        fc.integer({ min: 0, max: 99_999 }),
        (boot, ticks) => {
          const at = startedAt(aProcess({ pid: 2, startTicks: ticks }), { bootTime: boot, clockTicks: 100 });
          expect(at).toBe(new Date(boot * 1000 + ticks * 10).toISOString());
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("has no start time without a boot time", () => {
    expect(toRows(aListing([aProcess({ pid: 2 })], { bootTime: null }), redactor)[0]?.startedAt).toBeNull();
  });
});

describe("row formatting", () => {
  const times: { ticks: number | null; text: string }[] = [
    { ticks: 0, text: "0:00" },
    { ticks: 5999, text: "0:59" },
    { ticks: 6000, text: "1:00" },
    { ticks: 750_700, text: "125:07" },
    { ticks: null, text: "-" },
  ];
  it.each(times)("formats $ticks ticks as $text", ({ ticks, text }) => {
    expect(formatCpuTime(ticks, 100)).toBe(text);
  });

  const escapes: { name: string; input: string; output: string }[] = [
    { name: "newline", input: "a\nb", output: "a\\x0ab" },
    { name: "tab", input: "a\tb", output: "a\\x09b" },
    { name: "DEL and C1", input: "\x7f\x9b", output: "\\x7f\\x9b" },
    { name: "right-to-left override", input: "a\u202eb", output: "a\\u202eb" },
    { name: "zero-width space", input: "a\u200bb", output: "a\\u200bb" },
    { name: "plain text unchanged", input: "nginx: worker ✓", output: "nginx: worker ✓" },
  ];
  it.each(escapes)("escapes $name", ({ input, output }) => {
    expect(escapeControl(input)).toBe(output);
  });

  it("never cuts a surrogate pair", () => {
    expect(truncate("ab😀cd", 4)).toBe("ab…");
    expect(truncate("abc", 3)).toBe("abc");
  });
});

describe("rowsOfContainer", () => {
  const redactor = createRedactor([]);
  const rows = toRows(
    aListing([
      aProcess({ pid: 1, comm: "pause", args: ["/pause"], container: null, role: "pause" }),
      aProcess({ pid: 7, comm: "nginx", args: ["nginx"], container: "web", role: "app" }),
      aProcess({ pid: 9, comm: "nginx", args: ["nginx: worker"], ppid: 7, container: "web", role: "app" }),
      aProcess({ pid: 12, comm: "envoy", args: ["envoy"], container: "proxy", role: "app" }),
      aProcess({ pid: 13, comm: "envoy", args: ["envoy", "--hot"], container: "proxy", role: "app" }),
      aProcess({ pid: 40, comm: "sleep", args: ["sleep", "3600"], container: "pns-debug-1", role: "debug" }),
    ]),
    redactor,
  );

  it("keeps the container's processes and pns's own, and counts what it hid per container", () => {
    const { rows: kept, hidden } = rowsOfContainer(rows, "web");
    expect(kept.map((r) => r.pid)).toEqual([7, 9, 40]);
    expect([...hidden]).toEqual([
      [null, 1],
      ["proxy", 2],
    ]);
  });

  it("hides nothing when every app process is the container's (its own PID namespace)", () => {
    const own = rows.filter((r) => r.container === "proxy" || r.role === "debug");
    const { rows: kept, hidden } = rowsOfContainer(own, "proxy");
    expect([kept, hidden.size]).toEqual([own, 0]);
  });
});
