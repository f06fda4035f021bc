import { describe, expect, it } from "vitest";
import {
  allowedSignalList,
  LINUX_SIGNALS,
  lookupSignal,
  normalizeSignal,
  SIGNAL_HINTS,
  SIGNAL_NAMES,
  SIGNALS,
} from "./signals.js";

describe("normalizeSignal", () => {
  it.each([
    ["a bare name", "HUP", "HUP"],
    ["lower case with SIG", "sighup", "HUP"],
    ["SIG prefix", "SIGTERM", "TERM"],
    ["a number", "9", "KILL"],
    ["spaces around", "  usr1 ", "USR1"],
    ["WINCH by number", "28", "WINCH"],
    ["a signal outside the allowlist", "SEGV", null],
    ["a number outside the allowlist", "11", null],
    ["a number with leading zeros is still that number", "001", "HUP"],
    ["a huge number", "99999", null],
    ["empty", "", null],
    ["SIG alone", "SIG", null],
    ["a negative number", "-9", null],
  ])("%s: %s → %s", (_name, input, expected) => {
    expect(normalizeSignal(input)).toBe(expected);
  });

  it("every allowed signal has a hint and round-trips by name and by number", () => {
    for (const name of SIGNAL_NAMES) {
      expect(SIGNAL_HINTS[name].length).toBeGreaterThan(0);
      expect(normalizeSignal(name)).toBe(name);
      expect(normalizeSignal(String(SIGNALS[name]))).toBe(name);
    }
  });
});

describe("lookupSignal", () => {
  it.each([
    ["an allowed name", "HUP", { kind: "allowed", name: "HUP" }],
    ["an allowed number", "9", { kind: "allowed", name: "KILL" }],
    ["SIG and lower case", "sigusr2", { kind: "allowed", name: "USR2" }],
    ["a refused name", "SEGV", { kind: "refused", name: "SEGV", number: 11 }],
    ["a refused name with SIG", "SIGPIPE", { kind: "refused", name: "PIPE", number: 13 }],
    ["an alias of a refused signal", "CLD", { kind: "refused", name: "CLD", number: 17 }],
    ["a refused number takes its first name", "6", { kind: "refused", name: "ABRT", number: 6 }],
    ["a real-time number has no name", "40", { kind: "refused", name: null, number: 40 }],
    ["the highest signal", "64", { kind: "refused", name: null, number: 64 }],
    ["signal 0", "0", { kind: "refused", name: null, number: 0 }],
    ["past the highest signal", "65", { kind: "unknown" }],
    ["a word", "reload", { kind: "unknown" }],
    ["a dash is not part of a signal", "-9", { kind: "unknown" }],
  ])("%s: %s", (_name, input, expected) => {
    expect(lookupSignal(input)).toEqual(expected);
  });

  it("every allowed signal has the number Linux gives it", () => {
    for (const name of SIGNAL_NAMES) expect(LINUX_SIGNALS[name]).toBe(SIGNALS[name]);
  });

  it("lists the allowed signals with their numbers", () => {
    expect(allowedSignalList()).toBe(
      "HUP (1), INT (2), QUIT (3), KILL (9), USR1 (10), USR2 (12), TERM (15), CONT (18), STOP (19), WINCH (28)",
    );
  });
});
