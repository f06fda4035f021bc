import { describe, expect, it } from "vitest";
import { describeTarget } from "./target.js";

describe("describeTarget", () => {
  it.each([
    ["a bare name", { kind: "auto", name: "nginx" }, "nginx"],
    ["a workload", { kind: "deployment", name: "web" }, "deployment/web"],
    ["a selector", { kind: "selector", selector: "app=web" }, "pods matching app=web"],
  ] as const)("%s", (_name, target, text) => {
    expect(describeTarget({ target })).toBe(text);
  });
});
