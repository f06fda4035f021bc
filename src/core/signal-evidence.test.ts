import { describe, expect, it } from "vitest";
import {
  errorLines,
  evidenceFacts,
  evidenceWindow,
  extractDump,
  logFileText,
  parseLogLines,
} from "./signal-evidence.js";

const stamped = (lines: string[]) =>
  `${lines.map((l, i) => `2026-11-30T03:45:0${i % 10}.123456789Z ${l}`).join("\n")}\n`;

describe("parseLogLines", () => {
  it("splits the kubelet's timestamps from the text, keeps the raw line and a line without a stamp", () => {
    const lines = parseLogLines(`${stamped(["a b", ""])}no stamp`);
    expect(lines.map((l) => [l.time, l.text])).toEqual([
      [Date.parse("2026-11-30T03:45:00.123Z"), "a b"],
      [Date.parse("2026-11-30T03:45:01.123Z"), ""],
      [null, "no stamp"],
    ]);
    expect(logFileText(lines)).toBe(`${stamped(["a b", ""])}no stamp\n`);
  });
});

describe("extractDump", () => {
  it("cuts a HotSpot thread dump out, heap summary included", () => {
    const lines = parseLogLines(
      stamped([
        "before",
        "Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode):",
        '"main" #1 prio=5',
        "JNI global refs: 17, weak refs: 0",
        "",
        "Heap",
        " garbage-first heap   total 262144K",
        "after",
      ]),
    );
    const dump = extractDump(lines);
    expect(dump?.kind).toBe("thread dump");
    expect(dump?.text).toBe(
      'Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode):\n"main" #1 prio=5\nJNI global refs: 17, weak refs: 0\n\nHeap\n garbage-first heap   total 262144K\n',
    );
    expect(evidenceWindow("jvm", "QUIT").done(lines)).toBe(true);
    expect(evidenceWindow("jvm", "QUIT").done(lines.slice(0, 3))).toBe(false);
  });

  it("takes a Go goroutine dump from SIGQUIT to the end", () => {
    const lines = parseLogLines(
      stamped(["serving", "SIGQUIT: quit", "PC=0x46 m=0 sigcode=0", "goroutine 1 [running]:"]),
    );
    expect(extractDump(lines)).toMatchObject({ kind: "goroutine dump", lines: 3 });
    expect(extractDump(parseLogLines(stamped(["nothing"])))).toBeNull();
  });
});

describe("errors and facts", () => {
  it("matches the usual error words, not notices", () => {
    const lines = parseLogLines(
      stamped([
        "2026/11/30 03:45:00 [notice] 8#8: signal 1 (SIGHUP) received, reconfiguring",
        '2026/11/30 03:45:00 [emerg] 8#8: unknown directive "foo"',
        "java.lang.IllegalStateException: boom",
        "request served in 3 ms",
      ]),
    );
    expect(errorLines(lines).map((l) => l.text)).toEqual([
      '2026/11/30 03:45:00 [emerg] 8#8: unknown directive "foo"',
      "java.lang.IllegalStateException: boom",
    ]);
    const facts = evidenceFacts(
      lines,
      { restarted: true, restartCount: 2, lastTermination: { exitCode: 137, reason: "Error" }, truncated: false },
      1.5,
    );
    expect(facts).toMatchObject({ lines: 4, errors: 2, restarted: true, exitCode: 137, reason: "Error", seconds: 1.5 });
  });

  it("an nginx reload is done once the old worker exited", () => {
    const w = evidenceWindow("nginx-master", "HUP");
    expect(
      w.done(parseLogLines(stamped(["2026/11/30 03:45:00 [notice] 8#8: worker process 14 exited with code 0"]))),
    ).toBe(true);
    expect(w.done(parseLogLines(stamped(["2026/11/30 03:45:00 [notice] 8#8: reconfiguring"])))).toBe(false);
    expect(w.maxMs).toBe(3000);
  });
});
