// @ts-check
/**
 * The esbuild plugins of pns's Lambda bundles: serverless.yml names this file in `custom.esbuild.plugins`, and
 * bench/slack.ts loads it the same way. CommonJS because serverless-esbuild `require`s it from plain Node.
 */
const boltLambdaOnly = require("./bolt-lambda-only.cjs");
const precompiledConfig = require("./precompiled-config.cjs");

/** The plugins serverless-esbuild passes to esbuild for every function. */
module.exports = [boltLambdaOnly, precompiledConfig()];
