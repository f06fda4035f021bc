import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/core/config/parse-config.js";

describe("pns.config.example.yaml", () => {
  it("parses without errors", () => {
    const text = readFileSync(new URL("../pns.config.example.yaml", import.meta.url), "utf8");
    const result = parseConfig(text);
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(result.ok && result.config.defaultCluster).toBe("prod");
    expect(result.ok && Object.keys(result.config.clusters)).toEqual(["prod", "staging", "local"]);
  });
});
