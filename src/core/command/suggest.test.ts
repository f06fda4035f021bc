import { describe, expect, it } from "vitest";
import { closest } from "./suggest.js";

const subcommands = ["ps", "signal", "cat", "sessions", "cleanup", "audit", "help"];

describe("closest", () => {
  it.each([
    ["a swap", "sp", "ps"],
    ["a missing letter", "signl", "signal"],
    ["two edits", "singal", "signal"],
    ["case", "CAT", "cat"],
    ["an extra letter", "auditt", "audit"],
    ["nothing near", "restart", null],
    ["a single letter", "x", null],
    ["one letter off a short name", "ls", "ps"],
    ["empty", "", null],
    ["a huge input", "s".repeat(100), null],
  ])("%s: %s → %s", (_, input, expected) => {
    expect(closest(input, subcommands)).toBe(expected);
  });

  it("honours a smaller distance", () => {
    expect(closest("HUPP", ["HUP", "INT"], 1)).toBe("HUP");
    expect(closest("HPX", ["HUP", "INT"], 1)).toBeNull();
  });
});
