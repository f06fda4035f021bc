import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["test/browser/**", "test/system/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    globalSetup: ["test/sim/global-setup.ts"],
  },
});
