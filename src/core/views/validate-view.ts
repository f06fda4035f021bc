/** Checks a message or modal against Slack's limits (facts.md) before it is sent: tests run it on every view. */

import type {
  Block,
  ConfirmDialog,
  InteractiveElement,
  MessageView,
  ModalView,
  PlainText,
  SelectOption,
  TextObject,
} from "./block-kit.js";
import { SlackLimits as L } from "./limits.js";
import { jsonSize } from "./text.js";

/** Every limit the message or modal breaks, as readable lines; empty when it is fine to send. */
export function validateView(view: MessageView | ModalView): string[] {
  const problems: string[] = [];
  const add = (where: string, what: string) => problems.push(`${where}: ${what}`);
  const max = (where: string, what: string, value: string | undefined, limit: number) => {
    if (value !== undefined && value.length > limit) add(where, `${what} is ${value.length} chars (max ${limit})`);
  };
  const nonEmpty = (where: string, text: TextObject | undefined) => {
    if (text !== undefined && text.text.length === 0) add(where, "text is empty");
  };
  const isModal = "type" in view && view.type === "modal";

  if (isModal) {
    const m = view as ModalView;
    max("modal", "callback_id", m.callback_id, L.callbackId);
    max("modal", "title", m.title.text, L.modalTitle);
    max("modal", "submit", m.submit?.text, L.modalButton);
    max("modal", "close", m.close?.text, L.modalButton);
    max("modal", "private_metadata", m.private_metadata, L.privateMetadata);
    if (view.blocks.length > L.modalBlocks) add("modal", `${view.blocks.length} blocks (max ${L.modalBlocks})`);
  } else {
    const m = view as MessageView;
    if (m.text.trim().length === 0) add("message", "text is empty (it is the notification and screen-reader text)");
    max("message", "text", m.text, L.messageText);
    if (m.blocks.length > L.messageBlocks) add("message", `${m.blocks.length} blocks (max ${L.messageBlocks})`);
    const size = jsonSize(m.blocks);
    if (size > L.blocksJson) add("message", `blocks JSON is ${size} chars (max ${L.blocksJson}, msg_blocks_too_long)`);
  }

  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  let tables = 0;

  const checkConfirm = (where: string, c: ConfirmDialog | undefined) => {
    if (c === undefined) return;
    max(where, "confirm title", c.title.text, L.confirmTitle);
    max(where, "confirm text", c.text.text, L.confirmText);
    max(where, "confirm button", c.confirm.text, L.confirmButton);
    max(where, "confirm deny button", c.deny.text, L.confirmButton);
  };
  const checkOption = (where: string, o: SelectOption) => {
    max(where, "option text", o.text.text, L.optionText);
    max(where, "option value", o.value, L.optionValue);
    max(where, "option description", o.description?.text, L.optionDescription);
    nonEmpty(where, o.text);
  };
  const checkActionId = (where: string, id: string) => {
    max(where, "action_id", id, L.actionId);
    if (actionIds.has(id)) add(where, `duplicate action_id ${id}`);
    actionIds.add(id);
  };
  const checkPlaceholder = (where: string, p: PlainText | undefined) =>
    max(where, "placeholder", p?.text, L.placeholder);

  const checkElement = (where: string, el: InteractiveElement) => {
    checkActionId(where, el.action_id);
    checkConfirm(where, el.confirm);
    if (el.type === "button") {
      max(where, "button text", el.text.text, L.buttonText);
      nonEmpty(where, el.text);
      max(where, "button value", el.value, L.buttonValue);
      return;
    }
    checkPlaceholder(where, el.placeholder);
    const hasOptions = el.options !== undefined;
    const hasGroups = el.option_groups !== undefined;
    if (hasOptions === hasGroups) add(where, "static_select needs exactly one of options and option_groups");
    if (el.options !== undefined) {
      if (el.options.length === 0) add(where, "static_select has no options");
      if (el.options.length > L.selectOptions) add(where, `${el.options.length} options (max ${L.selectOptions})`);
      for (const [i, o] of el.options.entries()) checkOption(`${where}.options[${i}]`, o);
    }
    if (el.option_groups !== undefined) {
      if (el.option_groups.length === 0) add(where, "static_select has no option groups");
      if (el.option_groups.length > L.selectGroups)
        add(where, `${el.option_groups.length} option groups (max ${L.selectGroups})`);
      const total = el.option_groups.reduce((n, g) => n + g.options.length, 0);
      if (total > L.selectOptions) add(where, `${total} options in groups (max ${L.selectOptions})`);
      el.option_groups.forEach((g, gi) => {
        max(`${where}.option_groups[${gi}]`, "group label", g.label.text, L.groupLabel);
        for (const [i, o] of g.options.entries()) checkOption(`${where}.option_groups[${gi}].options[${i}]`, o);
      });
    }
    if (el.initial_option !== undefined) checkOption(`${where}.initial_option`, el.initial_option);
  };

  view.blocks.forEach((block: Block, i) => {
    const where = `blocks[${i}] (${block.type})`;
    if (block.block_id !== undefined) {
      max(where, "block_id", block.block_id, L.blockId);
      if (blockIds.has(block.block_id)) add(where, `duplicate block_id ${block.block_id}`);
      blockIds.add(block.block_id);
    }
    switch (block.type) {
      case "section":
        if (block.text === undefined && (block.fields === undefined || block.fields.length === 0))
          add(where, "section has neither text nor fields");
        max(where, "section text", block.text?.text, L.sectionText);
        nonEmpty(where, block.text);
        if (block.fields !== undefined) {
          if (block.fields.length > L.sectionFields)
            add(where, `${block.fields.length} fields (max ${L.sectionFields})`);
          block.fields.forEach((f, fi) => {
            max(`${where}.fields[${fi}]`, "field text", f.text, L.fieldText);
            nonEmpty(`${where}.fields[${fi}]`, f);
          });
        }
        if (block.accessory !== undefined) checkElement(`${where}.accessory`, block.accessory);
        break;
      case "header":
        max(where, "header text", block.text.text, L.header);
        nonEmpty(where, block.text);
        break;
      case "context":
        if (block.elements.length === 0) add(where, "context has no elements");
        if (block.elements.length > L.contextElements)
          add(where, `${block.elements.length} context elements (max ${L.contextElements})`);
        block.elements.forEach((e, ei) => {
          max(`${where}.elements[${ei}]`, "context text", e.text, L.sectionText);
          nonEmpty(`${where}.elements[${ei}]`, e);
        });
        break;
      case "actions":
        if (block.elements.length === 0) add(where, "actions block has no elements");
        if (block.elements.length > L.actionsElements)
          add(where, `${block.elements.length} elements (max ${L.actionsElements})`);
        for (const [ei, e] of block.elements.entries()) checkElement(`${where}.elements[${ei}]`, e);
        break;
      case "input":
        if (!isModal) add(where, "input blocks belong in modals");
        max(where, "input label", block.label.text, L.inputLabel);
        if (block.element.type === "static_select") {
          checkElement(`${where}.element`, block.element);
          break;
        }
        checkActionId(where, block.element.action_id);
        checkPlaceholder(where, block.element.placeholder);
        if ((block.element.max_length ?? 0) > L.inputMaxLength)
          add(where, `max_length ${block.element.max_length} (max ${L.inputMaxLength})`);
        break;
      case "rich_text":
        if (block.elements.length === 0) add(where, "rich_text has no elements");
        break;
      case "table": {
        tables += 1;
        if (isModal) add(where, "table blocks are for messages only");
        if (block.rows.length === 0) add(where, "table has no rows");
        if (block.rows.length > L.tableRows) add(where, `${block.rows.length} rows (max ${L.tableRows})`);
        const width = block.rows[0]?.length ?? 0;
        block.rows.forEach((row, ri) => {
          if (row.length > L.tableCells) add(`${where}.rows[${ri}]`, `${row.length} cells (max ${L.tableCells})`);
          if (row.length !== width) add(`${where}.rows[${ri}]`, `${row.length} cells, first row has ${width}`);
        });
        if ((block.column_settings?.length ?? 0) > L.tableCells)
          add(where, `${block.column_settings?.length} column_settings (max ${L.tableCells})`);
        break;
      }
      case "divider":
        break;
    }
  });
  if (tables > L.tablesPerMessage) add("message", `${tables} table blocks (max ${L.tablesPerMessage})`);
  return problems;
}
