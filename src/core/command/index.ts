/** The `/pns` command grammar: parser, command types, usage and help text. */
export { asSlackSends, formatCommand, formatWord } from "./format-command.js";
export { isDnsLabel, isDnsSubdomain, MAX_PID } from "./kube-names.js";
export { labelSelectorProblem } from "./label-selector.js";
export {
  DEFAULT_AUDIT_COUNT,
  MAX_AUDIT_COUNT,
  MAX_CAT_LINES,
  MAX_COMMAND_LENGTH,
  MAX_PATH_BYTES,
  MAX_REASON_LENGTH,
  parseCommand,
} from "./parse-command.js";
export { KIND_ALIASES, parseTarget } from "./target.js";
export type * from "./types.js";
export {
  helpOf,
  helpText,
  SUBCOMMAND_ALIASES,
  SUBCOMMANDS,
  type SubcommandHelp,
  TARGET_HELP,
  usageOf,
} from "./usage.js";
