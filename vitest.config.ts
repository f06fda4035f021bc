import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["test/browser/**", "test/system/**", "test/offline/**", "node_modules/**"],
    // A guard against hangs, not a speed check: property suites of 10,000 runs take long on a loaded 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 30_000,
    globalSetup: ["test/sim/global-setup.ts"],
  },
});
