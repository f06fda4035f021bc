import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCmdline, parseCollectorOutput } from "./parse-collector.js";

const hexOf = (args: string[]) => Buffer.from(`${args.join("\0")}\0`, "utf8").toString("hex");
const statLine = (pid: number, comm: string, state = "S", ppid = 1, utime = 120, stime = 30, start = 4242) =>
  `${pid} (${comm}) ${state} ${ppid} ${pid} ${pid} 0 -1 4194560 412 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 ${start} 1052672 102 18446744073709551615 1 1 0`;
const record = (
  pid: number,
  opts: { comm?: string; args?: string[]; uid?: string; cgroups?: string[]; signals?: string } = {},
) =>
  [
    `p ${pid}`,
    `s ${statLine(pid, opts.comm ?? "sleep")}`,
    `u ${opts.uid ?? "0"} 1800 3`,
    `q ${opts.signals ?? "0000000000004a07 0000000000001000"}`,
    ...(opts.cgroups ?? ["0::/"]).map((g) => `g ${g}`),
    `c ${hexOf(opts.args ?? ["sleep", "1000"])}`,
    "e",
  ].join("\n");
const HEADER = "h pns-ps/2 clk=100 btime=1796009612 uptime=380.98 self=99 sample=1";
/** A stat in hex, as the collector prints it on an `x` line when comm holds a newline. */
const statHex = (pid: number, comm: string) => Buffer.from(`${statLine(pid, comm)}\n`, "utf8").toString("hex");

describe("parseCollectorOutput", () => {
  it("reads the header and a record field by field", () => {
    const l = parseCollectorOutput(`${HEADER}\n${record(7, { uid: "101" })}\nz 1\n`);
    expect(l).toMatchObject({ clockTicks: 100, bootTime: 1796009612, uptime: 380.98, selfPid: 99, complete: true });
    expect(l.source).toBe("proc");
    expect(l.processes).toEqual([
      {
        pid: 7,
        ppid: 1,
        uid: 101,
        user: "101",
        state: "S",
        startTicks: 4242,
        cpuTicks: 150,
        rssKb: 1800,
        threads: 3,
        // SigCgt 0x4a07: HUP INT QUIT USR1 USR2 TERM; SigIgn 0x1000: PIPE.
        caughtSignals: 0x4a07,
        ignoredSignals: 0x1000,
        cpuPercent: null,
        comm: "sleep",
        args: ["sleep", "1000"],
        cmdHex: hexOf(["sleep", "1000"]),
        cgroups: ["0::/"],
        container: null,
        role: "app",
      },
    ]);
  });

  it("reads SigCgt/SigIgn from the q line, its low 32 bits; unknown when missing or garbled", () => {
    const parse = (signals: string) => parseCollectorOutput(`${HEADER}\n${record(7, { signals })}\nz 1\n`).processes[0];
    expect(parse("ffffffff80004a07 0000000000000000")).toMatchObject({
      caughtSignals: 0x80004a07,
      ignoredSignals: 0,
    });
    for (const bad of ["", " ", "0000000000004a07", "zz 00", "0000000000004a07 0x1", "00000000000000000 0"])
      expect([bad, parse(bad)]).toMatchObject([bad, { caughtSignals: null, ignoredSignals: null }]);
    const noQ = parseCollectorOutput(`${HEADER}\np 7\ns ${statLine(7, "x")}\nc 00\ne\nz 1\n`).processes[0];
    expect(noQ).toMatchObject({ caughtSignals: null, ignoredSignals: null });
  });

  const statCases: { name: string; comm: string }[] = [
    { name: "spaces in comm", comm: "my proc" },
    { name: "a closing parenthesis and state-like text in comm", comm: "x) R 5 (y" },
    { name: "empty comm", comm: "" },
    { name: "non-ASCII comm", comm: "nginx✓" },
    // fs/proc/array.c proc_task_name prints a kernel thread's or workqueue worker's name of up to 63 bytes.
    { name: "a workqueue worker's 63-character name full of ')'", comm: `kworker/u8:2-${"a)".repeat(25)}` },
  ];
  it.each(statCases)("takes comm up to the last ')': $name", ({ comm }) => {
    const l = parseCollectorOutput(`${HEADER}\n${record(3, { comm })}\nz 1\n`);
    expect(l.processes[0]).toMatchObject({ comm, state: "S", ppid: 1, startTicks: 4242 });
  });

  const hexCases: { name: string; comm: string }[] = [
    { name: "a newline", comm: "a\nb" },
    { name: "a newline and a closing parenthesis", comm: "x)\ny) S 1" },
    { name: "only newlines", comm: "\n\n" },
    { name: "a forged record", comm: "\ne\nz 1\np 7\ns " },
  ];
  it.each(hexCases)("reads a stat in hex whose comm holds $name", ({ comm }) => {
    const text = `${HEADER}\np 3\nx ${statHex(3, comm)}\nu 0 10 1\nc ${hexOf(["sh"])}\ne\n${record(4)}\nz 2\n`;
    const l = parseCollectorOutput(text);
    expect(l.processes.map((p) => [p.pid, p.comm, p.state, p.ppid, p.startTicks])).toEqual([
      [3, comm, "S", 1, 4242],
      [4, "sleep", "S", 1, 4242],
    ]);
    expect(l.unreadable).toBe(0);
  });

  it("reads threads and leaves missing u fields null (a kernel thread has no VmRSS)", () => {
    const text = `${HEADER}\n${record(2).replace("u 0 1800 3", "u 0  1")}\n${record(3).replace("u 0 1800 3", "u 0 1800")}\nz 2\n`;
    expect(parseCollectorOutput(text).processes.map((p) => [p.rssKb, p.threads])).toEqual([
      [null, 1],
      [1800, null],
    ]);
  });

  it("computes %CPU from the two samples of the same process only", () => {
    const k = (pid: number, utime: number, stime: number, start = 4242) => `k ${pid} ${utime} ${stime} ${start}`;
    const text = [
      HEADER,
      "t 380.98",
      k(1, 100, 20),
      k(2, 0, 0),
      k(3, 5, 5, 999),
      k(5, 7, 7),
      "t 381.98",
      k(1, 150, 40),
      k(2, 0, 0),
      k(3, 50, 50),
      k(5, 1, 1),
      record(1),
      record(2),
      record(3),
      record(4),
      record(5),
      "z 5",
    ].join("\n");
    const l = parseCollectorOutput(text);
    expect(l.cpuSampleSeconds).toBe(1);
    // 1: 70 ticks over 1 s at 100 ticks/s; 3: another process had PID 3 in the first sample; 4: not sampled;
    // 5: fewer ticks the second time (garbled).
    expect(l.processes.map((p) => p.cpuPercent)).toEqual([70, 0, null, null, null]);
  });

  it("pairs the samples by PID in the shell's glob order, with processes gone, new, or listed twice", () => {
    const k = (pid: number, utime: number, start = 4242) => `k ${pid} ${utime} 0 ${start}`;
    const records = (pids: number[]) => pids.map((pid) => record(pid));
    // The glob sorts /proc as text: 1, 10, 2. PID 7 exits before the second sample, PID 8 starts after the first.
    const glob = [HEADER, "t 1.00", k(1, 10), k(10, 20), k(2, 30), k(7, 5), "t 2.00", k(1, 15), k(10, 20), k(2, 31)];
    const ordered = parseCollectorOutput([...glob, k(8, 3), ...records([1, 10, 2, 8]), "z 4"].join("\n"));
    expect(ordered.processes.map((p) => [p.pid, p.cpuPercent])).toEqual([
      [1, 5],
      [2, 1],
      [8, null],
      [10, 0],
    ]);
    // Records in another order than the samples find theirs all the same.
    const shuffled = parseCollectorOutput([...glob, ...records([2, 1, 10]), "z 3"].join("\n"));
    expect(shuffled.processes.map((p) => p.cpuPercent)).toEqual([5, 1, 0]);
    // A PID listed twice in the first sample (no order holds): the last of its lines counts, as a PID index has it.
    const twice = [HEADER, "t 1.00", k(3, 10), k(3, 40), "t 2.00", k(3, 42), ...records([3]), "z 1"];
    expect(parseCollectorOutput(twice.join("\n")).processes[0]?.cpuPercent).toBe(2);
  });

  it("takes no %CPU from samples too close together or without a second one", () => {
    const close = `${HEADER}\nt 10.00\nk 1 0 0 4242\nt 10.05\nk 1 50 0 4242\n${record(1)}\nz 1\n`;
    const one = `${HEADER}\nt 10.00\nk 1 0 0 4242\n${record(1)}\nz 1\n`;
    for (const text of [close, one]) {
      const l = parseCollectorOutput(text);
      expect([l.cpuSampleSeconds, l.processes[0]?.cpuPercent]).toEqual([null, null]);
    }
  });

  it("still reads the first version of the format (no samples, no threads)", () => {
    const v1 = `h pns-ps/1 clk=100 btime=1796009612 uptime=380.98 self=99\np 7\ns ${statLine(7, "sleep")}\nu 0 1800\nc ${hexOf(["sleep"])}\ne\nz 1\n`;
    const l = parseCollectorOutput(v1);
    expect(l).toMatchObject({ complete: true, selfPid: 99, cpuSampleSeconds: null, unreadable: 0 });
    expect(l.processes[0]).toMatchObject({ pid: 7, rssKb: 1800, threads: null, cpuPercent: null });
  });

  it("names uid 0 root and uses the name map for others", () => {
    const users = new Map([[101, "nginx"]]);
    const l = parseCollectorOutput(
      `${HEADER}\n${record(1, { uid: "0" })}\n${record(2, { uid: "101" })}\n${record(3, { uid: "7" })}\nz 3\n`,
      {
        users,
      },
    );
    expect(l.processes.map((p) => p.user)).toEqual(["root", "nginx", "7"]);
  });

  const dropCases: { name: string; text: string; pids: number[]; complete: boolean; unreadable: number }[] = [
    { name: "no z line", text: `${HEADER}\n${record(1)}\n`, pids: [1], complete: false, unreadable: 0 },
    {
      name: "a record without e",
      text: `${HEADER}\n${record(1).replace(/\ne$/, "")}\n${record(2)}\nz 2\n`,
      pids: [2],
      complete: true,
      unreadable: 1,
    },
    {
      name: "a record with an empty stat",
      text: `${HEADER}\np 4\ns \nu  \nc \ne\n${record(5)}\nz 2\n`,
      pids: [5],
      complete: true,
      unreadable: 1,
    },
    {
      name: "a stat cut at a newline of comm (the first format read one line only)",
      text: `${HEADER}\np 4\ns 4 (a\nb) S 1 4 4 0 -1\nu 0 1 1\nc 6100\ne\n${record(5)}\nz 2\n`,
      pids: [5],
      complete: true,
      unreadable: 1,
    },
    {
      name: "an x line that is not hex",
      text: `${HEADER}\np 4\nx zz\nu 0 1 1\nc 6100\ne\n${record(5)}\nz 2\n`,
      pids: [5],
      complete: true,
      unreadable: 1,
    },
    {
      name: "garbage lines between records",
      text: `${HEADER}\nhello\n\x00\x01\n${record(1)}\nzz top\nq 1\n${record(2)}\nz 2`,
      pids: [1, 2],
      complete: true,
      unreadable: 0,
    },
    {
      name: "a cut in the middle of the hex",
      text: `${HEADER}\n${record(1)}\np 2\ns ${statLine(2, "x")}\nc 6162`,
      pids: [1],
      complete: false,
      unreadable: 0,
    },
    {
      name: "a duplicate PID",
      text: `${HEADER}\n${record(1)}\n${record(1, { args: ["other"] })}\nz 2\n`,
      pids: [1],
      complete: true,
      unreadable: 0,
    },
    {
      name: "a non-numeric PID",
      text: `${HEADER}\np x1\ns 1 (a) S 0\ne\n${record(9)}\nz 2\n`,
      pids: [9],
      complete: true,
      unreadable: 1,
    },
    {
      name: "a second header (ignored)",
      text: `${HEADER}\n${record(1)}\nh pns-ps/2 fallback self=1\n${record(2)}\nz 2\n`,
      pids: [1, 2],
      complete: true,
      unreadable: 0,
    },
    { name: "an empty text", text: "", pids: [], complete: false, unreadable: 0 },
    { name: "z without a header", text: `${record(1)}\nz 1\n`, pids: [1], complete: false, unreadable: 0 },
  ];
  it.each(dropCases)("survives $name", ({ text, pids, complete, unreadable }) => {
    const l = parseCollectorOutput(text);
    expect(l.processes.map((p) => p.pid)).toEqual(pids);
    expect(l.complete).toBe(complete);
    expect(l.unreadable).toBe(unreadable);
  });

  it("sorts by PID although the shell's glob lists /proc/10 before /proc/2", () => {
    const l = parseCollectorOutput(`${HEADER}\n${record(10)}\n${record(1)}\n${record(2)}\nz 3\n`);
    expect(l.processes.map((p) => p.pid)).toEqual([1, 2, 10]);
  });

  it("keeps the lowest PIDs up to the cap and marks the listing incomplete", () => {
    const text = `${HEADER}\n${[5, 4, 3, 2, 1].map((p) => record(p)).join("\n")}\nz 5\n`;
    const capped = parseCollectorOutput(text, { maxProcesses: 3 });
    expect(capped.processes.map((p) => p.pid)).toEqual([1, 2, 3]);
    expect(capped.complete).toBe(false);
    expect(parseCollectorOutput(text, { maxProcesses: 5 }).complete).toBe(true);
  });

  it.each([
    ["h pns-ps/1 fallback", null],
    ["h pns-ps/2 fallback self=31", 31],
  ])("hands a fallback header to the ps parser: %s", (header, selfPid) => {
    const l = parseCollectorOutput(`${header}\nPID   USER     TIME  COMMAND\n    1 root      0:00 /pause\n`);
    expect(l.source).toBe("ps");
    expect(l.selfPid).toBe(selfPid);
    expect(l.processes[0]).toMatchObject({ pid: 1, user: "root", startTicks: null, args: ["/pause"] });
  });

  it("falls back to 100 ticks per second when clk is garbage", () => {
    expect(parseCollectorOutput("h pns-ps/1 clk=abc btime= uptime=x self=\nz 0\n")).toMatchObject({
      clockTicks: 100,
      bootTime: null,
      uptime: null,
      selfPid: null,
    });
  });

  it("never throws and returns well-formed processes on random lines (10,000 runs)", () => {
    const line = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom("e", "z 3", HEADER, "h pns-ps/1 fallback", "p 1", "p 2", "u 0 10 2", "g 0::/", "c 6100", "t 1.5"),
      fc
        .tuple(fc.constantFrom("p ", "s ", "x ", "u ", "g ", "c ", "h ", "t ", "k "), fc.string({ maxLength: 60 }))
        .map(([a, b]) => a + b),
      fc.integer({ min: 1, max: 9 }).map((n) => `s ${statLine(n, "x")}`),
      fc.integer({ min: 1, max: 9 }).map((n) => `x ${statHex(n, "a\nb")}`),
      fc.tuple(fc.nat(9), fc.nat(500)).map(([n, t]) => `k ${n} ${t} 0 4242`),
      fc.uint8Array({ maxLength: 40 }).map((b) => `c ${Buffer.from(b).toString("hex")}`),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const l = parseCollectorOutput(lines.join("\n"), { maxProcesses: 5 });
        expect(l.processes.length).toBeLessThanOrEqual(5);
        for (const p of l.processes) {
          expect(Number.isSafeInteger(p.pid)).toBe(true);
          expect(Array.isArray(p.args)).toBe(true);
          expect(p.state.length).toBeLessThanOrEqual(1);
          expect(p.cpuPercent === null || (Number.isFinite(p.cpuPercent) && p.cpuPercent >= 0)).toBe(true);
        }
        expect(Number.isSafeInteger(l.unreadable) && l.unreadable >= 0).toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });

  it("never throws on random bytes decoded as text (10,000 runs)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const text = `${HEADER}\n${new TextDecoder().decode(bytes)}`;
        expect(() => parseCollectorOutput(text)).not.toThrow();
      }),
      { numRuns: 10_000 },
    );
  });
});

describe("decodeCmdline", () => {
  const cases: { name: string; hex: string; args: string[] }[] = [
    { name: "empty (kernel thread, zombie)", hex: "", args: [] },
    { name: "args with the trailing NUL dropped", hex: hexOf(["sleep", "1000"]), args: ["sleep", "1000"] },
    { name: "an empty argument in the middle", hex: hexOf(["a", "", "b"]), args: ["a", "", "b"] },
    { name: "newlines and spaces kept", hex: hexOf(["sh", "a b\nc"]), args: ["sh", "a b\nc"] },
    { name: "invalid UTF-8 as U+FFFD", hex: "fffe2078" + "00", args: ["\ufffd\ufffd x"] },
    {
      name: "a rewritten title without NUL",
      hex: Buffer.from("nginx: worker").toString("hex"),
      args: ["nginx: worker"],
    },
    { name: "odd-length hex cut short", hex: "61626", args: ["ab"] },
    { name: "non-hex garbage", hex: "zz", args: [] },
    { name: "a NUL right after a broken sequence", hex: "e2820061" + "00", args: ["\ufffd", "a"] },
  ];
  it.each(cases)("decodes $name", ({ hex, args }) => {
    expect(decodeCmdline(hex)).toEqual(args);
  });
});
