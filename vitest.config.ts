import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["test/browser/**", "test/system/**", "test/offline/**", "test/reliability/**", "node_modules/**"],
    // A guard against hangs, not a speed check: property suites of 10,000 runs take long on a loaded 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 30_000,
    // Quiet by default: pns's own log lines at error only (tests that read logs pass their own logger), and no
    // AWS SDK notice about Node 20 (this machine's Node; Lambda runs nodejs22.x).
    // No watch after a signal unless a test asks for one (it adds 10 s to every signal, and a reply to its thread).
    env: {
      PNS_LOG_LEVEL: "error",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      PNS_WATCH_AFTER_SIGNAL: "0",
    },
    globalSetup: ["test/sim/global-setup.ts"],
  },
});
