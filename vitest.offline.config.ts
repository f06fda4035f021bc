import { defineConfig } from "vitest/config";

/**
 * The packaged Lambda bundles under serverless-offline (test/offline): packages pns, then drives it through the
 * emulator's HTTP route and Lambda endpoint. Slow (about a minute), so apart from `npm test`; `.ci/run` runs it.
 */
export default defineConfig({
  test: {
    include: ["test/offline/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // No AWS SDK notice about Node 20 (this machine's Node; Lambda runs nodejs22.x), as in `npm test`.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
