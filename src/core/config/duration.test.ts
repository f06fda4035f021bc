import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    ["15m", 900_000],
    ["900s", 900_000],
    ["1h30m", 5_400_000],
    ["1h0m5s", 3_605_000],
    ["500ms", 500],
    [" 20s ", 20_000],
    ["0s", 0],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "15", "m", "15 m", "1.5h", "-1m", "2d", "15M", `${"9".repeat(40)}h`, "9999999999999999h"])(
    "refuses %j",
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );
});

describe("formatDuration", () => {
  it.each([
    [900_000, "15m"],
    [5_400_000, "1h30m"],
    [1500, "1s500ms"],
    [0, "0s"],
  ])("%d ms is %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
