import { readConfigParameter } from "../aws/config-parameter.js";
import { asPnsError } from "../core/errors.js";
import type { Logger } from "../core/log.js";
import { type LoadedConfig, loadConfig } from "./config-file.js";
import type { PnsEnv } from "./env.js";

/** After a failed read of the parameter, how long the configuration in force is kept before reading again. @default 10 s */
export const CONFIG_RETRY_MS = 10_000;

/** The configuration in force, asked for on every invocation. */
export interface ConfigSource {
  /** The configuration to act on: the same object for as long as it does not change. */
  current(): Promise<LoadedConfig>;
  /** Why the newest configuration was refused while an older one stays in force; undefined when it was not. */
  refused(): string | undefined;
}

/**
 * The configuration from the bundle's (or PNS_CONFIG's) file, read once; or, when PNS_CONFIG_PARAMETER names an SSM
 * parameter, from that parameter, read again after its cache age (src/aws/config-parameter.ts) and parsed with the
 * same schema. A new text that is not a valid configuration is logged at ERROR and the last good one stays in force;
 * with none yet, every command is refused with the problem (never the bundle's file in its place). A failed read keeps what is in force for {@link CONFIG_RETRY_MS}, so an unreachable SSM does
 * not slow every request on Slack's 3-second path.
 */
export function createConfigSource(
  env: PnsEnv,
  logger: Logger,
  read: (name: string) => Promise<string> = readConfigParameter,
): ConfigSource {
  const name = env.configParameter;
  if (!name) {
    let loaded: Promise<LoadedConfig> | undefined;
    return { current: () => (loaded ??= loadConfig(env)), refused: () => undefined };
  }
  const source = `SSM parameter ${name}`;
  const configEnv = env.kubeconfig ? { KUBECONFIG: env.kubeconfig } : {};
  let good: LoadedConfig | undefined;
  let inForce: LoadedConfig | undefined;
  let lastText: string | undefined;
  let refusal: string | undefined;
  let retryAt = 0;

  const refuseAll = (problem: string): LoadedConfig => {
    inForce = good ?? { ok: false, problem };
    return inForce;
  };

  return {
    refused: () => (good && refusal ? refusal : undefined),
    async current() {
      if (inForce && Date.now() < retryAt) return inForce;
      let text: string;
      try {
        text = await read(name);
      } catch (err) {
        const error = asPnsError(err);
        retryAt = Date.now() + CONFIG_RETRY_MS;
        logger.error(
          good ? "could not read the configuration; keeping the one in force" : "could not read the configuration",
          {
            parameter: name,
            error: err,
          },
        );
        return refuseAll(`${error.userMessage}${error.hint ? ` ${error.hint}` : ""}`);
      }
      retryAt = 0;
      if (text === lastText && inForce) return inForce;
      lastText = text;
      // The real parser, loaded only here: the bundles' pns.config.yaml needs none (build/esbuild/precompiled-config.cjs).
      const { parseConfig } = await import("../core/config/parse-config.js");
      const parsed = parseConfig(text, configEnv);
      if (parsed.ok) {
        good = { ok: true, config: parsed.config, source };
        refusal = undefined;
        logger.info("configuration loaded", { source });
        inForce = good;
        return good;
      }
      refusal = `The ${source} is not a valid pns configuration:\n${parsed.errors.join("\n")}`;
      logger.error(
        good
          ? "the new configuration is invalid; the last good one stays in force"
          : "configuration invalid; pns will refuse every command",
        { parameter: name, problem: refusal },
      );
      return refuseAll(refusal);
    },
  };
}
