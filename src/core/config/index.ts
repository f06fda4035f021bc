/** The pns configuration: types, defaults and the parser of `pns.config.yaml`. */
export { DEBUG_PROFILE_NAMES, DEBUG_PROFILES, type DebugProfile } from "./debug-profiles.js";
export {
  DEFAULT_APPROVAL_TTL_MS,
  DEFAULT_CLUSTER_NAME,
  DEFAULT_DEBUG,
  DEFAULT_NAMESPACE,
  DEFAULT_OUTPUT,
  defaultConfig,
  NOT_CONFIGURED,
} from "./defaults.js";
export { formatDuration, parseDuration } from "./duration.js";
export { namespaceMatches } from "./namespace-glob.js";
export { parseConfig, validateConfig } from "./parse-config.js";
export type * from "./types.js";
