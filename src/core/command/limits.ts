/** Bounds of what the command grammar accepts. */

/** Longest command text accepted. */
export const MAX_COMMAND_LENGTH = 4000;
/** Longest signal reason accepted. */
export const MAX_REASON_LENGTH = 500;
/** Longest file path accepted by `cat`, in UTF-8 bytes (Linux PATH_MAX). */
export const MAX_PATH_BYTES = 4096;
/** Most lines `cat --lines` may ask for. */
export const MAX_CAT_LINES = 10_000;
/** Most audit entries `audit N` may ask for. */
export const MAX_AUDIT_COUNT = 200;
/** Audit entries shown by `audit` without N. */
export const DEFAULT_AUDIT_COUNT = 20;
