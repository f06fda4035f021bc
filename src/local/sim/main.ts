import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { type RuntimeName, type ServerVersion, startSimulator } from "./index.js";
import type { ScenarioName } from "./scenario.js";

/**
 * `npm run sim -- [--port N] [--kubeconfig PATH] [--scenario seed|empty] [--runtime emulated|runc|crun]
 * [--rbac MANIFEST] [--server-version 1.31|1.28]`: runs the simulator until SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      kubeconfig: { type: "string", default: "./.pns/sim.kubeconfig" },
      scenario: { type: "string", default: "seed" },
      "pod-start-delay-ms": { type: "string", default: "300" },
      runtime: { type: "string", default: "emulated" },
      rbac: { type: "string" },
      "server-version": { type: "string", default: "1.31" },
    },
  });
  const sim = await startSimulator({
    port: Number(values.port),
    scenario: values.scenario as ScenarioName,
    kubeconfigPath: resolve(values.kubeconfig),
    podStartDelayMs: Number(values["pod-start-delay-ms"]),
    runtime: values.runtime as RuntimeName,
    serverVersion: values["server-version"] as ServerVersion,
    ...(values.rbac ? { rbac: resolve(values.rbac) } : {}),
  });
  process.stdout.write(`server: ${sim.url}\nkubeconfig: ${sim.kubeconfigPath}\n`);
  if (sim.runtime !== "emulated") process.stdout.write(`runtime: ${sim.runtime}\n`);
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`sim: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
