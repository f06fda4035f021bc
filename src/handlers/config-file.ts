import { readFile } from "node:fs/promises";
import { NOT_CONFIGURED } from "../core/config/defaults.js";
import { parseConfig } from "../core/config/parse-config.js";
import type { PnsConfig } from "../core/config/types.js";
import type { PnsEnv } from "./env.js";

/** The configuration, or why it could not be used (shown to whoever runs a command, and logged). */
export type LoadedConfig = { ok: true; config: PnsConfig; source: string } | { ok: false; problem: string };

/**
 * Reads the configuration file. Fails closed: with no file at the default path (and no PNS_CONFIG_PARAMETER, which
 * src/handlers/config-source.ts reads instead) pns is not configured and refuses every command with a message saying
 * so; there is no permissive built-in default. Local runs name their file (the demo's src/local/demo.config.yaml).
 */
export async function loadConfig(env: PnsEnv): Promise<LoadedConfig> {
  const configEnv = env.kubeconfig ? { KUBECONFIG: env.kubeconfig } : {};
  let text: string;
  try {
    text = await readFile(env.configPath, "utf8");
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    if (missing && !env.configPathGiven) return { ok: false, problem: notConfigured(env.configPath) };
    return {
      ok: false,
      problem: `PNS_CONFIG names ${env.configPath}, which cannot be read (${missing ? "no such file" : (err as Error).message}).`,
    };
  }
  const parsed = parseConfig(text, configEnv);
  if (!parsed.ok) {
    return { ok: false, problem: `${env.configPath} is not a valid pns configuration:\n${parsed.errors.join("\n")}` };
  }
  return { ok: true, config: parsed.config, source: env.configPath };
}

/** Why pns refuses to act with no configuration at all, and what whoever runs it does about it. */
export function notConfigured(path: string): string {
  return [
    `${NOT_CONFIGURED}: there is no ${path} and neither PNS_CONFIG nor PNS_CONFIG_PARAMETER names a configuration.`,
    "Package a pns.config.yaml (see pns.config.example.yaml) with the channels and people pns serves, or set PNS_CONFIG_PARAMETER; locally, run `npm run demo` or set PNS_CONFIG (src/local/demo.config.yaml works with the simulator).",
  ].join("\n");
}
