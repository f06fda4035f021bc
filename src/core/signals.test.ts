import { describe, expect, it } from "vitest";
import { normalizeSignal, SIGNAL_HINTS, SIGNAL_NAMES, SIGNALS } from "./signals.js";

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
