import { readFile } from "node:fs/promises";
import { defaultConfig } from "../core/config/defaults.js";
import { parseConfig } from "../core/config/parse-config.js";
import type { PnsConfig } from "../core/config/types.js";
import type { PnsEnv } from "./env.js";

/** The configuration, or why it could not be used (shown to whoever runs a command, and logged). */
export type LoadedConfig = { ok: true; config: PnsConfig; source: string } | { ok: false; problem: string };

/**
 * Reads the configuration file. No file at the default path means the built-in default (one cluster from
 * KUBECONFIG, every channel and namespace, approval by a second person); a file named by PNS_CONFIG must exist.
 */
export async function loadConfig(env: PnsEnv): Promise<LoadedConfig> {
  const configEnv = env.kubeconfig ? { KUBECONFIG: env.kubeconfig } : {};
  let text: string;
  try {
    text = await readFile(env.configPath, "utf8");
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    if (missing && !env.configPathGiven)
      return { ok: true, config: defaultConfig(configEnv), source: "built-in default" };
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
