// @ts-check
/**
 * The esbuild plugins of pns's Lambda bundles: serverless.yml names this file in `custom.esbuild.plugins`, and
 * bench/slack.ts loads it the same way. CommonJS because serverless-esbuild `require`s it from plain Node.
 */
const boltLambdaOnly = require("./bolt-lambda-only.cjs");
const precompiledConfig = require("./precompiled-config.cjs");

/**
 * ws's optional native add-ons, which it `require`s in a try/catch: left to fail at run time. Kept out here rather
 * than in serverless-esbuild's `external`, which would make packaging run `npm ls` for packages never installed.
 * @type {import("esbuild").Plugin}
 */
const wsOptionalAddons = {
  name: "ws-optional-addons",
  setup(build) {
    build.onResolve({ filter: /^(bufferutil|utf-8-validate)$/ }, (args) => ({ path: args.path, external: true }));
  },
};

/** The plugins serverless-esbuild passes to esbuild for every function. */
module.exports = [boltLambdaOnly, precompiledConfig(), wsOptionalAddons];
