import { createWriteStream, mkdirSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createJsonLogger } from "../aws/logger.js";
import { readEnv } from "../handlers/env.js";
import type { RuntimeName } from "./sim/index.js";
import { startLocalStack } from "./stack.js";

/**
 * `npm run demo`: the whole of pns on this machine, with no Slack, AWS or cluster. Starts the Kubernetes simulator
 * (the task page's nginx pod and a small shop), the fake Slack with its browser console, and pns's dev server, and
 * prints the address to open. `--runtime runc|crun` runs the pods as real containers (root).
 */
const { values } = parseArgs({ options: { runtime: { type: "string", default: "emulated" } } });
const runtime = values.runtime as RuntimeName;
const port = Number(process.env.PORT ?? 3000);
// pns's log lines go to a file, so that they never scroll the banner below away.
const logDir = join(process.cwd(), ".pns");
mkdirSync(logDir, { recursive: true });
const logPath = join(logDir, "demo.log");
const logFile = createWriteStream(logPath, { flags: "a" });
const level = process.env.PNS_LOG_LEVEL?.toLowerCase();
const logger = createJsonLogger({
  level: level === "debug" || level === "warn" || level === "error" ? level : "info",
  service: "pns-demo",
  write: (line) => logFile.write(line.endsWith("\n") ? line : `${line}\n`),
});
const stack = await startLocalStack({
  configPath: fileURLToPath(new URL("./demo.config.yaml", import.meta.url)),
  logger,
  slack: { port: Number.isInteger(port) ? port : 3000 },
  sim: { podStartDelayMs: 800, runtime },
  // Expiry shows locally: pending requests expire and copies go within seconds of their lifetime, not 5 minutes.
  janitorIntervalMs: readEnv().janitorIntervalMs,
});

process.stdout.write(
  [
    "",
    "pns demo is running.",
    "",
    `  Open ${stack.slack.url}/ in your browser: you are Alice, on call, in #ops.`,
    "",
    "  Try:",
    "    /pns ps nginx                      the task page's pod: /pause, the nginx master and worker, sh (only you see it)",
    "    Share in channel                   posts that table in #ops for everyone",
    "    pick nginx: master process + HUP → Request signal… → give a reason",
    "    switch to Bob (You are, on the left) and press Approve: the worker restarts with a new PID",
    `    /pns cat nginx ${runtime === "emulated" ? "8" : "<master PID>"} /etc/nginx/nginx.conf`,
    "    /pns ps deploy/web -n shop         a Deployment without a shared namespace (ephemeral container)",
    "    /pns ps billing -n shop            a password in a command line, redacted",
    "    /pns ps api -n locked              Pod Security refuses the debug container: pns says what to do",
    "    /pns help",
    "",
    `  Kubernetes simulator: ${stack.sim.url} (kubeconfig: ${stack.sim.kubeconfigPath}, runtime ${runtime})`,
    `  pns (Slack request URL): ${stack.app.url}/slack/events`,
    `  pns's logs: ${relative(process.cwd(), logPath) || logPath} (tail -f it to follow them)`,
    "",
    `  The janitor runs every ${readEnv().janitorIntervalMs / 1000} s (PNS_JANITOR_INTERVAL; 0: never).`,
    "",
    "Press Ctrl+C to stop.",
    "",
  ].join("\n"),
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void stack.close().then(() => logFile.end(() => process.exit(0)));
  });
}
