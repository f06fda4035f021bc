import { describe, expect, it } from "vitest";
import type { Block, ButtonElement, MessageView, ModalView, SelectOption } from "./block-kit.js";
import { validateView } from "./validate-view.js";

const pt = (text: string) => ({ type: "plain_text" as const, text });
const md = (text: string) => ({ type: "mrkdwn" as const, text });
const section = (text: string, block_id?: string): Block => ({ type: "section", text: md(text), block_id });
const msg = (blocks: Block[], text = "hello"): MessageView => ({ text, blocks });
const button = (over: Partial<ButtonElement> = {}): ButtonElement => ({
  type: "button",
  action_id: "a",
  text: pt("Go"),
  ...over,
});
const options = (n: number, text = "opt", value = "v"): SelectOption[] =>
  Array.from({ length: n }, (_, i) => ({ text: pt(`${text}${i}`), value: `${value}${i}` }));
const confirm = (over: Partial<{ title: string; text: string; confirm: string; deny: string }>) => ({
  title: pt(over.title ?? "Sure?"),
  text: pt(over.text ?? "Really."),
  confirm: pt(over.confirm ?? "Yes"),
  deny: pt(over.deny ?? "No"),
});
const modal = (over: Partial<ModalView> = {}): ModalView => ({
  type: "modal",
  callback_id: "pns.test",
  title: pt("Title"),
  blocks: [section("x")],
  ...over,
});
const tableRows = (rows: number, cells: number) =>
  Array.from({ length: rows }, () => Array.from({ length: cells }, () => ({ type: "raw_text" as const, text: "c" })));

describe("validateView", () => {
  it("accepts a small message and a small modal", () => {
    expect(validateView(msg([section("hi"), { type: "actions", elements: [button()] }]))).toEqual([]);
    expect(validateView(modal())).toEqual([]);
  });

  it.each<{ name: string; view: MessageView | ModalView; expect: string }>([
    {
      name: "51 blocks in a message",
      view: msg(Array.from({ length: 51 }, () => ({ type: "divider" }))),
      expect: "51 blocks (max 50)",
    },
    {
      name: "101 blocks in a modal",
      view: modal({ blocks: Array.from({ length: 101 }, () => ({ type: "divider" })) }),
      expect: "101 blocks (max 100)",
    },
    {
      name: "section text over 3000",
      view: msg([section("x".repeat(3001))]),
      expect: "section text is 3001 chars (max 3000)",
    },
    {
      name: "11 fields",
      view: msg([{ type: "section", fields: Array.from({ length: 11 }, () => md("f")) }]),
      expect: "11 fields (max 10)",
    },
    {
      name: "field over 2000",
      view: msg([{ type: "section", fields: [md("f".repeat(2001))] }]),
      expect: "field text is 2001 chars (max 2000)",
    },
    {
      name: "block_id over 255",
      view: msg([section("x", "b".repeat(256))]),
      expect: "block_id is 256 chars (max 255)",
    },
    {
      name: "action_id over 255",
      view: msg([{ type: "actions", elements: [button({ action_id: "a".repeat(256) })] }]),
      expect: "action_id is 256 chars (max 255)",
    },
    {
      name: "button text over 75",
      view: msg([{ type: "actions", elements: [button({ text: pt("b".repeat(76)) })] }]),
      expect: "button text is 76 chars (max 75)",
    },
    {
      name: "button value over 2000",
      view: msg([{ type: "actions", elements: [button({ value: "v".repeat(2001) })] }]),
      expect: "button value is 2001 chars (max 2000)",
    },
    {
      name: "26 elements in actions",
      view: msg([{ type: "actions", elements: Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })) }]),
      expect: "26 elements (max 25)",
    },
    {
      name: "101 options",
      view: msg([{ type: "actions", elements: [{ type: "static_select", action_id: "s", options: options(101) }] }]),
      expect: "101 options (max 100)",
    },
    {
      name: "101 option groups",
      view: msg([
        {
          type: "actions",
          elements: [
            {
              type: "static_select",
              action_id: "s",
              option_groups: Array.from({ length: 101 }, (_, i) => ({
                label: pt(`g${i}`),
                options: options(1, `g${i}`),
              })),
            },
          ],
        },
      ]),
      expect: "101 option groups (max 100)",
    },
    {
      name: "option text over 75",
      view: msg([
        { type: "actions", elements: [{ type: "static_select", action_id: "s", options: options(1, "t".repeat(80)) }] },
      ]),
      expect: "option text is 81 chars (max 75)",
    },
    {
      name: "option value over 75",
      view: msg([
        {
          type: "actions",
          elements: [{ type: "static_select", action_id: "s", options: options(1, "t", "v".repeat(80)) }],
        },
      ]),
      expect: "option value is 81 chars (max 75)",
    },
    {
      name: "select with options and groups",
      view: msg([
        {
          type: "actions",
          elements: [{ type: "static_select", action_id: "s", options: options(1), option_groups: [] }],
        },
      ]),
      expect: "exactly one of options and option_groups",
    },
    {
      name: "confirm title over 100",
      view: msg([{ type: "actions", elements: [button({ confirm: confirm({ title: "t".repeat(101) }) })] }]),
      expect: "confirm title is 101 chars (max 100)",
    },
    {
      name: "confirm text over 300",
      view: msg([{ type: "actions", elements: [button({ confirm: confirm({ text: "t".repeat(301) }) })] }]),
      expect: "confirm text is 301 chars (max 300)",
    },
    {
      name: "confirm button over 30",
      view: msg([{ type: "actions", elements: [button({ confirm: confirm({ confirm: "c".repeat(31) }) })] }]),
      expect: "confirm button is 31 chars (max 30)",
    },
    {
      name: "deny button over 30",
      view: msg([{ type: "actions", elements: [button({ confirm: confirm({ deny: "d".repeat(31) }) })] }]),
      expect: "confirm deny button is 31 chars (max 30)",
    },
    {
      name: "header over 150",
      view: msg([{ type: "header", text: pt("h".repeat(151)) }]),
      expect: "header text is 151 chars (max 150)",
    },
    {
      name: "text over 40,000",
      view: msg([section("x")], "t".repeat(40_001)),
      expect: "text is 40001 chars (max 40000)",
    },
    { name: "empty text", view: msg([section("x")], " "), expect: "text is empty" },
    {
      name: "two tables",
      view: msg([
        { type: "table", rows: tableRows(1, 1) },
        { type: "table", rows: tableRows(1, 1) },
      ]),
      expect: "2 table blocks (max 1)",
    },
    { name: "101 table rows", view: msg([{ type: "table", rows: tableRows(101, 1) }]), expect: "101 rows (max 100)" },
    { name: "21 table cells", view: msg([{ type: "table", rows: tableRows(1, 21) }]), expect: "21 cells (max 20)" },
    {
      name: "ragged table",
      view: msg([{ type: "table", rows: [...tableRows(1, 2), ...tableRows(1, 3)] }]),
      expect: "3 cells, first row has 2",
    },
    {
      name: "table in a modal",
      view: modal({ blocks: [{ type: "table", rows: tableRows(1, 1) }] }),
      expect: "table blocks are for messages only",
    },
    {
      name: "blocks JSON over 12,000",
      view: msg(Array.from({ length: 5 }, () => section("x".repeat(2900)))),
      expect: "msg_blocks_too_long",
    },
    { name: "modal title over 24", view: modal({ title: pt("t".repeat(25)) }), expect: "title is 25 chars (max 24)" },
    {
      name: "private_metadata over 3000",
      view: modal({ private_metadata: "m".repeat(3001) }),
      expect: "private_metadata is 3001 chars (max 3000)",
    },
    {
      name: "duplicate block_id",
      view: msg([section("a", "b1"), section("b", "b1")]),
      expect: "duplicate block_id b1",
    },
    {
      name: "duplicate action_id",
      view: msg([{ type: "actions", elements: [button(), button()] }]),
      expect: "duplicate action_id a",
    },
    {
      name: "input block in a message",
      view: msg([{ type: "input", label: pt("l"), element: { type: "plain_text_input", action_id: "i" } }]),
      expect: "input blocks belong in modals",
    },
    {
      name: "context with 11 elements",
      view: msg([{ type: "context", elements: Array.from({ length: 11 }, () => md("c")) }]),
      expect: "11 context elements (max 10)",
    },
  ])("catches $name", ({ view, expect: needle }) => {
    const problems = validateView(view);
    expect(
      problems.some((p) => p.includes(needle)),
      problems.join("\n") || "no problems found",
    ).toBe(true);
  });
});
