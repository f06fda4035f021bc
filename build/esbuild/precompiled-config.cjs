// @ts-check
/**
 * esbuild plugin `precompiled-config` for pns's Lambda bundles (see plugins.cjs): it checks `pns.config.yaml` (the
 * file `npm run package` puts next to each function) once, at build time, with pns's own parser, and gives the bundle
 * a `parseConfig` that returns that result without parsing, so reading the packaged file needs neither yaml nor zod
 * (the bundles load the real parser lazily, only for a configuration in an SSM parameter: src/handlers/config-source.ts).
 *
 * - Only src/handlers/config-file.ts's import of parse-config is replaced; tests, the dev server and the sources keep
 *   reading YAML.
 * - The bundle still reads the file at run time (no file: pns is not configured and refuses every command) and uses
 *   the build-time result only for the very same text (SHA-256); any other text is refused with a message saying to
 *   package again.
 * - An invalid pns.config.yaml fails the build with the parser's messages, instead of a Lambda refusing every command.
 * - KUBECONFIG is read at run time as before: the build parses with a placeholder in its place, which the bundle
 *   replaces with `defaultKubeconfigPath` of the running Lambda's environment; the build checks that this gives what
 *   parsing would, with and without KUBECONFIG.
 */
const { createHash } = require("node:crypto");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { isDeepStrictEqual } = require("node:util");

const ROOT = join(__dirname, "..", "..");
const CONFIG_FILE = "pns.config.yaml";
const NAMESPACE = "pns-precompiled-config";
const IMPORTER = /[\\/]src[\\/]handlers[\\/]config-file\.ts$/;
/** Stands for `defaultKubeconfigPath(env)` in the build-time result; holds no `:`, so that function keeps it whole. */
const KUBECONFIG_PLACEHOLDER = "\u0000pns-default-kubeconfig\u0000";

/**
 * pns's `parseConfig` and `defaultKubeconfigPath`, compiled from the TypeScript sources with the build's own esbuild.
 * @param {import("esbuild").PluginBuild["esbuild"]} esbuild
 */
async function loadParser(esbuild) {
  const out = await esbuild.build({
    stdin: {
      contents:
        'export { parseConfig } from "./src/core/config/parse-config.js";\n' +
        'export { defaultKubeconfigPath } from "./src/core/config/defaults.js";\n',
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    write: false,
    format: "cjs",
    platform: "node",
    logLevel: "silent",
  });
  const module = { exports: /** @type {Record<string, Function>} */ ({}) };
  new Function("module", "exports", "require", out.outputFiles[0]?.text ?? "")(module, module.exports, require);
  return /** @type {{ parseConfig: (text: string, env: object) => any, defaultKubeconfigPath: (env: object) => string | null }} */ (
    module.exports
  );
}

/**
 * The build-time result as JSON with the placeholder where the default kubeconfig path goes, after checking that the
 * bundle's revival of it equals what pns's parser answers at run time.
 * @param {Awaited<ReturnType<typeof loadParser>>} parser
 * @param {string} text
 */
function precompile(parser, text) {
  const result = parser.parseConfig(text, { KUBECONFIG: KUBECONFIG_PLACEHOLDER });
  const json = JSON.stringify(result);
  for (const env of [{}, { KUBECONFIG: "/var/task/kubeconfig" }, { KUBECONFIG: "/a:/b" }]) {
    const revived = JSON.parse(json, (_key, value) =>
      value === KUBECONFIG_PLACEHOLDER ? parser.defaultKubeconfigPath(env) : value,
    );
    if (!isDeepStrictEqual(revived, parser.parseConfig(text, env))) {
      throw new Error(
        `the precompiled ${CONFIG_FILE} differs from a run-time parse (KUBECONFIG ${JSON.stringify(env)})`,
      );
    }
  }
  return { result, json };
}

/**
 * The plugin, for the configuration file at `configFile`.
 * @param {{ configFile?: string }} [options] `configFile` defaults to pns.config.yaml at the repository's root
 * @returns {import("esbuild").Plugin}
 */
function precompiledConfig({ configFile = join(ROOT, CONFIG_FILE) } = {}) {
  return {
    name: "precompiled-config",
    setup(build) {
      build.onResolve({ filter: /[\\/]parse-config\.js$/ }, (args) =>
        IMPORTER.test(args.importer) ? { path: configFile, namespace: NAMESPACE } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
        /** @type {string | undefined} */
        let text;
        try {
          text = readFileSync(args.path, "utf8");
        } catch (err) {
          if (/** @type {NodeJS.ErrnoException} */ (err).code !== "ENOENT") throw err;
        }
        let sha256 = null;
        let json = "null";
        if (text !== undefined) {
          const compiled = precompile(await loadParser(build.esbuild), text);
          if (!compiled.result.ok) {
            return {
              errors: [
                { text: `${args.path} is not a valid pns configuration:\n${compiled.result.errors.join("\n")}` },
              ],
              watchFiles: [args.path],
            };
          }
          sha256 = createHash("sha256").update(text).digest("hex");
          json = compiled.json;
        }
        const refusal =
          text === undefined
            ? `there was no ${CONFIG_FILE} when this Lambda bundle was built, and it reads no other configuration file: package pns again with the file as ${CONFIG_FILE}.`
            : `this Lambda bundle reads only the ${CONFIG_FILE} checked when it was built (SHA-256 ${sha256?.slice(0, 12)}…), and this file differs: package pns again with it as ${CONFIG_FILE}.`;
        const contents = `import { createHash } from "node:crypto";
import { defaultKubeconfigPath } from ${JSON.stringify(join(ROOT, "src/core/config/defaults.ts"))};
const BUILT_FROM = ${JSON.stringify(sha256)};
const RESULT = ${JSON.stringify(json)};
/** The result pns's parser gave for ${CONFIG_FILE} at build time, for that text only. */
export function parseConfig(text, env = {}) {
  if (BUILT_FROM === null || createHash("sha256").update(text).digest("hex") !== BUILT_FROM) {
    return { ok: false, errors: [${JSON.stringify(refusal)}] };
  }
  return JSON.parse(RESULT, (_key, value) => (value === ${JSON.stringify(KUBECONFIG_PLACEHOLDER)} ? defaultKubeconfigPath(env) : value));
}
`;
        return { contents, loader: "js", resolveDir: ROOT, watchFiles: text === undefined ? [] : [args.path] };
      });
    },
  };
}

module.exports = precompiledConfig;
/** pns's own parser, for build/serverless/grants.cjs (the IAM grants the configuration needs). */
module.exports.loadParser = loadParser;
