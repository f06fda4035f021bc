/** The esbuild plugins of the Lambda bundles (build/esbuild/): the bundles they give, run in this process. */
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BuildOptions, build, type Plugin } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig as loadConfigFromSource } from "../../src/handlers/config-file.js";
import { readEnv } from "../../src/handlers/env.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const require = createRequire(import.meta.url);
const boltLambdaOnly = require("../../build/esbuild/bolt-lambda-only.cjs") as Plugin;
const precompiledConfig = require("../../build/esbuild/precompiled-config.cjs") as (options: {
  configFile: string;
}) => Plugin;
const LEFT_OUT = /left out of pns's Lambda bundle/;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pns-lambda-bundle-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Bundles like serverless.yml does (ESM with the createRequire banner), imports the result, and lists its inputs. */
async function bundleAndImport<T>(
  name: string,
  entry: Pick<BuildOptions, "entryPoints" | "stdin">,
  plugins: Plugin[],
): Promise<{ module: T; inputs: string[] }> {
  const outfile = join(dir, `${name}.mjs`);
  const result = await build({
    ...entry,
    outfile,
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    mainFields: ["module", "main"],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    metafile: true,
    logLevel: "silent",
    plugins,
  });
  return {
    module: (await import(pathToFileURL(outfile).href)) as T,
    inputs: Object.keys(result.metafile.inputs),
  };
}

type BoltBundle = {
  lambdaApp: () => unknown;
  defaultReceiverApp: () => unknown;
  stubs: Record<string, new (options: object) => unknown>;
};

describe("bolt-lambda-only", () => {
  it("keeps a Bolt app on AwsLambdaReceiver working and every stubbed part out, failing clearly if used", async () => {
    const { module, inputs } = await bundleAndImport<BoltBundle>(
      "bolt",
      {
        stdin: {
          contents: `import { App, AwsLambdaReceiver, ExpressReceiver, FileInstallationStore, HTTPReceiver, MemoryInstallationStore, SocketModeReceiver } from "@slack/bolt";
export function lambdaApp() {
  const receiver = new AwsLambdaReceiver({ signingSecret: "secret" });
  new App({ receiver, authorize: async () => ({ botToken: "xoxb-1" }) });
  return receiver.toHandler();
}
export function defaultReceiverApp() { return new App({ signingSecret: "secret", token: "xoxb-1" }); }
export const stubs = { ExpressReceiver, FileInstallationStore, HTTPReceiver, MemoryInstallationStore, SocketModeReceiver };`,
          resolveDir: ROOT,
          loader: "ts",
        },
      },
      [boltLambdaOnly],
    );
    expect(typeof module.lambdaApp()).toBe("function");
    expect(() => module.defaultReceiverApp()).toThrow(LEFT_OUT);
    for (const [name, Stub] of Object.entries(module.stubs)) {
      expect(() => new Stub({}), name).toThrow(LEFT_OUT);
    }
    const leftOut = ["express", "@slack/socket-mode", "@slack/oauth", "raw-body", "undici", "iconv-lite", "mime-db"];
    expect(inputs.filter((i) => leftOut.some((pkg) => i.includes(`node_modules/${pkg}/`)))).toEqual([]);
  });
});

type ConfigFileModule = typeof import("../../src/handlers/config-file.js");

describe("precompiled-config", () => {
  const example = join(ROOT, "pns.config.example.yaml");
  const bundleConfigFile = (name: string, configFile: string) =>
    bundleAndImport<ConfigFileModule>(name, { entryPoints: ["src/handlers/config-file.ts"] }, [
      precompiledConfig({ configFile }),
    ]);

  it("gives the bundle what parsing gives, for the same text, with neither yaml nor zod in it", async () => {
    const configFile = join(dir, "example.yaml");
    await copyFile(example, configFile);
    const { module, inputs } = await bundleConfigFile("config-example", configFile);
    expect(inputs.filter((i) => /node_modules\/(yaml|zod)\//.test(i))).toEqual([]);
    const cases = [
      { name: "no KUBECONFIG", env: { PNS_CONFIG: configFile } },
      { name: "one KUBECONFIG file", env: { PNS_CONFIG: configFile, KUBECONFIG: "/var/task/kubeconfig" } },
      { name: "a KUBECONFIG list", env: { PNS_CONFIG: configFile, KUBECONFIG: "/a:/b" } },
    ];
    for (const { name, env } of cases) {
      const loaded = await module.loadConfig(readEnv(env));
      expect(loaded.ok, name).toBe(true);
      expect(loaded, name).toEqual(await loadConfigFromSource(readEnv(env)));
    }
  });

  it("refuses any other text, saying to package again", async () => {
    const configFile = join(dir, "built.yaml");
    await copyFile(example, configFile);
    const { module } = await bundleConfigFile("config-other", configFile);
    const other = join(dir, "other.yaml");
    await writeFile(other, "defaultCluster: prod\n");
    const loaded = await module.loadConfig(readEnv({ PNS_CONFIG: other }));
    expect(loaded).toEqual({ ok: false, problem: expect.stringMatching(/differs: package pns again/) });
  });

  it("without a file at build time refuses to act (pns is not configured) and refuses a file that appears later", async () => {
    const { module } = await bundleConfigFile("config-none", join(dir, "absent.yaml"));
    const env = readEnv({ PNS_CONFIG: undefined });
    const defaults = { ...env, configPath: join(dir, "still-absent.yaml") };
    expect(await module.loadConfig(defaults)).toEqual({
      ok: false,
      problem: expect.stringMatching(/^pns is not configured: there is no .*still-absent\.yaml/),
    });
    expect(await module.loadConfig(defaults)).toEqual(await loadConfigFromSource(defaults));
    expect(await module.loadConfig(readEnv({ PNS_CONFIG: example }))).toEqual({
      ok: false,
      problem: expect.stringMatching(/no pns\.config\.yaml when this Lambda bundle was built/),
    });
  });

  it("fails the build on an invalid configuration, with the parser's messages", async () => {
    const configFile = join(dir, "invalid.yaml");
    await writeFile(configFile, "defaultCluster: nowhere\nsignals: 3\n");
    await expect(bundleConfigFile("config-invalid", configFile)).rejects.toThrow(/not a valid pns configuration/);
  });
});
