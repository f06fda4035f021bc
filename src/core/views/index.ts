/** Block Kit views of pns: pure builders returning messages (`{ text, blocks }`) and modals. */

export * from "./approval-request-view.js";
export * from "./audit-view.js";
export type * from "./block-kit.js";
export * from "./cleanup-view.js";
export * from "./error-view.js";
export * from "./file-view.js";
export * from "./help-view.js";
export * from "./ids.js";
export * from "./limits.js";
export * from "./process-labels.js";
export * from "./process-table-view.js";
export * from "./progress-view.js";
export * from "./reason-modal.js";
export * from "./sessions-view.js";
export * from "./signal-result-view.js";
export * from "./text.js";
export * from "./validate-view.js";
