import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startSimulator } from "./index.js";
import type { ScenarioName } from "./scenario.js";

/** `npm run sim -- [--port N] [--kubeconfig PATH] [--scenario seed|empty]`: runs the simulator until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "0" },
      kubeconfig: { type: "string", default: "./.pns/sim.kubeconfig" },
      scenario: { type: "string", default: "seed" },
      "pod-start-delay-ms": { type: "string", default: "300" },
    },
  });
  const sim = await startSimulator({
    port: Number(values.port),
    scenario: values.scenario as ScenarioName,
    kubeconfigPath: resolve(values.kubeconfig),
    podStartDelayMs: Number(values["pod-start-delay-ms"]),
  });
  process.stdout.write(`server: ${sim.url}\nkubeconfig: ${sim.kubeconfigPath}\n`);
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
