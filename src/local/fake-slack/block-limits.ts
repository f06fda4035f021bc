/**
 * Slack's documented Block Kit limits, checked the way Slack answers them: the first problem found becomes an
 * `invalid_blocks` (messages) or `invalid_arguments` (views) error naming a JSON pointer.
 */

/** A limit violation: what is wrong and where (a JSON pointer into the request). */
export interface BlockProblem {
  message: string;
  pointer: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string | undefined => (isObj(v) && typeof v.text === "string" ? v.text : undefined);

function tooLong(value: string | undefined, max: number, pointer: string): BlockProblem | undefined {
  if (value !== undefined && value.length > max) {
    return { message: `must be less than ${max + 1} characters`, pointer };
  }
  return undefined;
}

function checkConfirm(confirm: unknown, at: string): BlockProblem | undefined {
  if (confirm === undefined) return undefined;
  if (!isObj(confirm)) return { message: "must be an object", pointer: at };
  return (
    tooLong(textOf(confirm.title), 100, `${at}/title/text`) ??
    tooLong(textOf(confirm.text), 300, `${at}/text/text`) ??
    tooLong(textOf(confirm.confirm), 30, `${at}/confirm/text`) ??
    tooLong(textOf(confirm.deny), 30, `${at}/deny/text`)
  );
}

function checkOptions(options: unknown, at: string): BlockProblem | undefined {
  if (options === undefined) return undefined;
  if (!Array.isArray(options)) return { message: "must be an array", pointer: at };
  if (options.length > 100) return { message: "must contain less than 101 items", pointer: at };
  for (const [i, o] of options.entries()) {
    if (!isObj(o)) return { message: "must be an object", pointer: `${at}/${i}` };
    const p = tooLong(textOf(o.text), 75, `${at}/${i}/text/text`);
    if (p) return p;
    if (typeof o.value === "string" && o.value.length > 150) {
      return { message: "must be less than 151 characters", pointer: `${at}/${i}/value` };
    }
  }
  return undefined;
}

function checkElement(el: unknown, at: string): BlockProblem | undefined {
  if (!isObj(el) || typeof el.type !== "string") return { message: "must provide a type", pointer: at };
  if (typeof el.action_id === "string" && el.action_id.length > 255) {
    return { message: "must be less than 256 characters", pointer: `${at}/action_id` };
  }
  if (el.type === "button") {
    return (
      tooLong(textOf(el.text), 75, `${at}/text/text`) ??
      tooLong(typeof el.value === "string" ? el.value : undefined, 2000, `${at}/value`) ??
      checkConfirm(el.confirm, `${at}/confirm`)
    );
  }
  if (el.type === "static_select") {
    if (Array.isArray(el.option_groups)) {
      if (el.option_groups.length > 100) {
        return { message: "must contain less than 101 items", pointer: `${at}/option_groups` };
      }
      for (const [i, g] of el.option_groups.entries()) {
        const p = checkOptions(isObj(g) ? g.options : undefined, `${at}/option_groups/${i}/options`);
        if (p) return p;
      }
    }
    return checkOptions(el.options, `${at}/options`) ?? checkConfirm(el.confirm, `${at}/confirm`);
  }
  if (el.type === "overflow" && Array.isArray(el.options) && el.options.length > 5) {
    return { message: "must contain less than 6 items", pointer: `${at}/options` };
  }
  return undefined;
}

function checkBlock(block: unknown, at: string): BlockProblem | undefined {
  if (!isObj(block) || typeof block.type !== "string") return { message: "must provide a type", pointer: at };
  if (typeof block.block_id === "string" && block.block_id.length > 255) {
    return { message: "must be less than 256 characters", pointer: `${at}/block_id` };
  }
  switch (block.type) {
    case "header":
      return tooLong(textOf(block.text), 150, `${at}/text/text`);
    case "section": {
      if (block.text === undefined && block.fields === undefined) {
        return { message: "must provide text or fields", pointer: at };
      }
      const p = tooLong(textOf(block.text), 3000, `${at}/text/text`);
      if (p) return p;
      if (Array.isArray(block.fields)) {
        if (block.fields.length > 10) return { message: "must contain less than 11 items", pointer: `${at}/fields` };
        for (const [i, f] of block.fields.entries()) {
          const q = tooLong(textOf(f), 2000, `${at}/fields/${i}/text`);
          if (q) return q;
        }
      }
      return block.accessory === undefined ? undefined : checkElement(block.accessory, `${at}/accessory`);
    }
    case "actions": {
      if (!Array.isArray(block.elements)) return { message: "must provide elements", pointer: `${at}/elements` };
      if (block.elements.length > 25) return { message: "must contain less than 26 items", pointer: `${at}/elements` };
      for (const [i, el] of block.elements.entries()) {
        const p = checkElement(el, `${at}/elements/${i}`);
        if (p) return p;
      }
      return undefined;
    }
    case "input":
      return block.element === undefined
        ? { message: "must provide an element", pointer: `${at}/element` }
        : checkElement(block.element, `${at}/element`);
    case "table": {
      if (!Array.isArray(block.rows)) return { message: "must provide rows", pointer: `${at}/rows` };
      if (block.rows.length > 100) return { message: "must contain less than 101 items", pointer: `${at}/rows` };
      for (const [i, row] of block.rows.entries()) {
        if (!Array.isArray(row) || row.length > 20) {
          return { message: "must be an array of at most 20 cells", pointer: `${at}/rows/${i}` };
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Checks a message's or view's blocks against Slack's limits; undefined when they pass. */
export function checkBlocks(blocks: unknown, maxBlocks: number, pointer = "/blocks"): BlockProblem | undefined {
  if (!Array.isArray(blocks)) return { message: "must be an array", pointer };
  if (blocks.length > maxBlocks) return { message: `must contain less than ${maxBlocks + 1} items`, pointer };
  for (const [i, b] of blocks.entries()) {
    const p = checkBlock(b, `${pointer}/${i}`);
    if (p) return p;
  }
  return undefined;
}
