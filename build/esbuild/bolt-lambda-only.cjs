// @ts-check
/**
 * esbuild plugin `bolt-lambda-only` for pns's Lambda bundles (see plugins.cjs): it resolves the parts of Bolt that a
 * Bolt app on `AwsLambdaReceiver` never executes to stubs that throw a clear error if anything ever calls them. Bolt's `index.js` and `App.js` `require` every receiver at load
 * time, so without this each bundle carries express (with iconv-lite and mime-db), @slack/socket-mode (with undici),
 * @slack/oauth (with jsonwebtoken) and raw-body: about 1.3 MB of a 1.6 MB bare Bolt bundle. Only imports made from
 * inside `@slack/bolt/dist` are stubbed; the sources, the tests and the dev server are untouched.
 */

const BOLT_DIST = /[\\/]node_modules[\\/]@slack[\\/]bolt[\\/]dist[\\/]/;
const NAMESPACE = "pns-lambda-stub";

/**
 * What each stub stands for and the module it becomes. `__esModule` keeps Bolt's `__importDefault` from wrapping it.
 * @type {{ path: RegExp; name: string; exports: (unavailable: string) => string }[]}
 */
const STUBS = [
  {
    path: /^\.\/receivers\/(?:HTTPReceiver|ExpressReceiver|SocketModeReceiver)$/,
    name: "receiver",
    exports: (u) => `module.exports = { __esModule: true, default: ${u} };`,
  },
  {
    path: /^@slack\/oauth$/,
    name: "@slack/oauth",
    exports: (u) =>
      `module.exports = { __esModule: true, InstallProvider: ${u}, FileInstallationStore: ${u}, MemoryInstallationStore: ${u} };`,
  },
  {
    path: /^raw-body$/,
    name: "raw-body",
    exports: (u) => `module.exports = ${u};`,
  },
];

/**
 * A constructor/function that throws when called or constructed (and is never an instance's class, so Bolt's
 * `receiver instanceof SocketModeReceiver` stays false).
 * @param {string} what
 */
function unavailableSource(what) {
  const message = `${what} is left out of pns's Lambda bundle (build/esbuild/bolt-lambda-only.cjs): pns runs Bolt on AwsLambdaReceiver only. Remove the stub to use it.`;
  return `(function Unavailable() { throw new Error(${JSON.stringify(message)}); })`;
}

/** @type {import("esbuild").Plugin} */
const boltLambdaOnly = {
  name: "bolt-lambda-only",
  setup(build) {
    for (const stub of STUBS) {
      build.onResolve({ filter: stub.path }, (args) =>
        BOLT_DIST.test(args.importer) ? { path: args.path, namespace: NAMESPACE } : undefined,
      );
    }
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
      const stub = STUBS.find((s) => s.path.test(args.path));
      if (!stub) throw new Error(`no stub for ${args.path}`);
      const what = stub.name === "receiver" ? `Bolt's ${args.path.slice("./receivers/".length)}` : stub.name;
      return { contents: `"use strict";\n${stub.exports(unavailableSource(what))}\n`, loader: "js" };
    });
  },
};

module.exports = boltLambdaOnly;
