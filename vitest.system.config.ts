import { defineConfig } from "vitest/config";

/**
 * System tests: pns's scripts in real shells (busybox sh, dash, bash) inside real PID namespaces
 * (`unshare --pid --fork --mount-proc`, as root). Need `apt-get install -y busybox-static` (or busybox); `.ci/run` installs it.
 */
export default defineConfig({
  test: {
    include: ["test/system/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
