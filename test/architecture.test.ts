import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The direction of dependencies, checked on the real import graph of `src/`: handlers → app → core; adapters
 * (slack, kube, store, aws) implement the app's ports and import no other adapter; local tooling may use anything.
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");

/** For each layer, the layers and packages it must never import. */
const FORBIDDEN: Record<string, { layers: string[]; packages: RegExp }> = {
  core: {
    layers: ["app", "slack", "kube", "store", "aws", "handlers", "local"],
    // @slack/types only as `import type` (checked below): Slack's Block Kit definitions, erased at build.
    packages:
      /^(@slack\/(?!types$)|@kubernetes\/|@aws-sdk\/|@smithy\/|@aws-lambda-powertools\/|ws$|node:(fs|http|https|net|child_process))/,
  },
  app: {
    layers: ["slack", "kube", "store", "aws", "handlers", "local"],
    packages:
      /^(@slack\/|@kubernetes\/|@aws-sdk\/|@smithy\/|@aws-lambda-powertools\/|ws$|node:(fs|http|https|net|child_process))/,
  },
  slack: { layers: ["kube", "store", "aws", "handlers", "local"], packages: /^(@kubernetes\/|@aws-sdk\/)/ },
  kube: { layers: ["slack", "store", "aws", "handlers", "local"], packages: /^(@slack\/|@aws-sdk\/)/ },
  store: { layers: ["slack", "kube", "aws", "handlers", "local"], packages: /^(@slack\/|@kubernetes\/)/ },
  aws: { layers: ["slack", "kube", "store", "handlers", "local"], packages: /^(@slack\/|@kubernetes\/)/ },
  handlers: { layers: ["local"], packages: /^$/ },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Every `import … from "x"` and `export … from "x"` of a file (type-only ones too: they couple as much). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gms)].map((m) => m[1]!);
}

/** The layer of a path under src/ (its first folder). */
const layerOf = (path: string) => relative(SRC, path).split("/")[0]!;

/** The layer a relative import of `file` lands in; null for a package. */
const targetOf = (file: string, spec: string) => (spec.startsWith(".") ? layerOf(resolve(dirname(file), spec)) : null);

const edges = sourceFiles(SRC).flatMap((file) =>
  importsOf(file).map((spec) => ({
    from: relative(SRC, file),
    layer: layerOf(file),
    spec,
    target: targetOf(file, spec),
  })),
);

describe("the import graph of src/", () => {
  it("has edges to check", () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(new Set(edges.map((e) => e.layer))).toEqual(new Set([...Object.keys(FORBIDDEN), "local"]));
  });

  it.each(Object.entries(FORBIDDEN))("%s imports none of the layers or packages it must not", (layer, rule) => {
    const wrong = edges
      .filter((e) => e.layer === layer)
      .filter((e) => (e.target ? rule.layers.includes(e.target) : rule.packages.test(e.spec)))
      .map((e) => `${e.from} → ${e.spec}`);
    expect(wrong).toEqual([]);
  });

  it("core takes nothing but types from @slack/types", () => {
    const files = edges.filter((e) => e.spec === "@slack/types").map((e) => join(SRC, e.from));
    expect(files.map((f) => relative(SRC, f))).toEqual(["core/views/block-kit.ts"]);
    for (const file of files)
      expect(readFileSync(file, "utf8")).toMatch(/^import type \* as Slack from "@slack\/types";$/m);
  });

  it("would catch a wrong edge", () => {
    const rule = FORBIDDEN.app!;
    expect(targetOf(join(SRC, "app/x.ts"), "../kube/pod-debugger.js")).toBe("kube");
    expect(targetOf(join(SRC, "app/ports/x.ts"), "./stores.js")).toBe("app");
    expect(rule.layers).toContain("kube");
    expect(rule.packages.test("@slack/web-api")).toBe(true);
    expect(rule.packages.test("node:crypto")).toBe(false);
  });
});
