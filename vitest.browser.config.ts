import { defineConfig } from "vitest/config";

/** Browser tests: headless Debian Chromium (`apt-get install -y chromium`) driven by playwright-core. */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
