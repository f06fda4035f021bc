/** Slack's Block Kit limits, as checked in facts.md; `validateView` enforces them and every builder stays within. */
export const SlackLimits = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  blockId: 255,
  actionId: 255,
  callbackId: 255,
  buttonText: 75,
  buttonValue: 2000,
  actionsElements: 25,
  selectOptions: 100,
  selectGroups: 100,
  optionText: 75,
  /** Slack allows more; pns keeps option values short so they survive every surface. */
  optionValue: 75,
  optionDescription: 75,
  groupLabel: 75,
  placeholder: 150,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  header: 150,
  messageText: 40_000,
  tableRows: 100,
  tableCells: 20,
  tablesPerMessage: 1,
  /** The undocumented `msg_blocks_too_long` limit sits around 13k chars of blocks JSON; pns stays under this. */
  blocksJson: 12_000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  inputMaxLength: 3000,
} as const;

/** Room builders leave in the blocks JSON for the closing blocks they add after filling a budget. */
export const BLOCKS_JSON_RESERVE = 600;
