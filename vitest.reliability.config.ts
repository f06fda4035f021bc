import { defineConfig } from "vitest/config";

/**
 * `npm run test:reliability`: the checks of docs/RELIABILITY.md (exactly once, retries, faults of Slack, Kubernetes
 * and DynamoDB, hostile input), each recording its figure; the global teardown writes the document.
 */
export default defineConfig({
  test: {
    // The fuzz suite and the redaction corpus also run in `npm test`; here they record their figures.
    include: [
      "test/reliability/**/*.test.ts",
      "test/security/fuzz.test.ts",
      "src/core/redact/redaction-corpus.test.ts",
    ],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    // As in vitest.config.ts: no watch after a signal, so each execute job is its three execs (list, signal, list).
    env: {
      PNS_LOG_LEVEL: "error",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      PNS_WATCH_AFTER_SIGNAL: "0",
    },
    globalSetup: ["test/reliability/global-setup.ts"],
  },
});
