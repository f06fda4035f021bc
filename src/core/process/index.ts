export * from "./attribute.js";
export * from "./diff.js";
export * from "./fingerprint.js";
export * from "./parse-collector.js";
export * from "./parse-options.js";
export * from "./parse-ps.js";
export * from "./rows.js";
export * from "./scripts.js";
export type * from "./types.js";
