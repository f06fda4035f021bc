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
  },
});
