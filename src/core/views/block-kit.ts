/**
 * The small part of Slack's Block Kit that pns renders, typed locally: core imports no Slack SDK.
 * Shapes follow docs.slack.dev/reference/block-kit; only the fields pns uses are declared.
 */

/** Literal text: Slack shows it as is (no mrkdwn, no mentions). */
export interface PlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}

/** Slack mrkdwn: `&`, `<` and `>` in user-controlled parts must be escaped (see `escapeMrkdwn`). */
export interface Mrkdwn {
  type: "mrkdwn";
  text: string;
  /** True: no automatic linking of URLs, channel names or user names. */
  verbatim?: boolean;
}

/** A text composition object. */
export type TextObject = PlainText | Mrkdwn;

/** The `confirm` dialog of a button or select. */
export interface ConfirmDialog {
  title: PlainText;
  text: TextObject;
  confirm: PlainText;
  deny: PlainText;
  style?: "primary" | "danger";
}

/** One option of a select. */
export interface SelectOption {
  text: PlainText;
  value: string;
  description?: PlainText;
}

/** A labelled group of options (`option_groups`). */
export interface SelectOptionGroup {
  label: PlainText;
  options: SelectOption[];
}

/** A button element. */
export interface ButtonElement {
  type: "button";
  action_id: string;
  text: PlainText;
  value?: string;
  style?: "primary" | "danger";
  confirm?: ConfirmDialog;
}

/** A `static_select` element: either `options` or `option_groups`. */
export interface StaticSelectElement {
  type: "static_select";
  action_id: string;
  placeholder?: PlainText;
  options?: SelectOption[];
  option_groups?: SelectOptionGroup[];
  initial_option?: SelectOption;
  confirm?: ConfirmDialog;
}

/** A `plain_text_input` element (inside an `input` block). */
export interface PlainTextInputElement {
  type: "plain_text_input";
  action_id: string;
  multiline?: boolean;
  min_length?: number;
  max_length?: number;
  placeholder?: PlainText;
  initial_value?: string;
}

/** Elements of an `actions` block or a section accessory. */
export type InteractiveElement = ButtonElement | StaticSelectElement;

/** A `text` element of rich text (literal: no mrkdwn, no mentions). */
export interface RichTextText {
  type: "text";
  text: string;
  style?: { bold?: boolean; italic?: boolean; strike?: boolean; code?: boolean };
}

/** A paragraph of rich text. */
export interface RichTextSection {
  type: "rich_text_section";
  elements: RichTextText[];
}

/** A preformatted (code) block of rich text. */
export interface RichTextPreformatted {
  type: "rich_text_preformatted";
  elements: RichTextText[];
  border?: 0 | 1;
}

/** A table cell holding literal text. */
export interface RawTextCell {
  type: "raw_text";
  text: string;
}

/** A `section` block: text, up to 10 fields, an optional accessory. */
export interface SectionBlock {
  type: "section";
  block_id?: string;
  text?: TextObject;
  fields?: TextObject[];
  accessory?: InteractiveElement;
}

/** A `header` block (plain text, ≤ 150 chars). */
export interface HeaderBlock {
  type: "header";
  block_id?: string;
  text: PlainText;
}

/** A `context` block: small grey text, up to 10 elements. */
export interface ContextBlock {
  type: "context";
  block_id?: string;
  elements: TextObject[];
}

/** A `divider` block. */
export interface DividerBlock {
  type: "divider";
  block_id?: string;
}

/** An `actions` block: up to 25 interactive elements. */
export interface ActionsBlock {
  type: "actions";
  block_id?: string;
  elements: InteractiveElement[];
}

/** An `input` block of a modal. */
export interface InputBlock {
  type: "input";
  block_id?: string;
  label: PlainText;
  element: PlainTextInputElement;
  hint?: PlainText;
  optional?: boolean;
}

/** A `rich_text` block. */
export interface RichTextBlock {
  type: "rich_text";
  block_id?: string;
  elements: (RichTextSection | RichTextPreformatted)[];
}

/** A `table` block: ≤ 100 rows of ≤ 20 cells, one per message; Slack renders it at the bottom of the message. */
export interface TableBlock {
  type: "table";
  block_id?: string;
  rows: RawTextCell[][];
  column_settings?: { align?: "left" | "center" | "right"; is_wrapped?: boolean }[];
}

/** Any block pns renders. */
export type Block =
  | SectionBlock
  | HeaderBlock
  | ContextBlock
  | DividerBlock
  | ActionsBlock
  | InputBlock
  | RichTextBlock
  | TableBlock;

/** A message for chat.postMessage / chat.update / response_url: `text` is the notification and screen-reader text. */
export interface MessageView {
  text: string;
  blocks: Block[];
}

/** A modal for views.open. */
export interface ModalView {
  type: "modal";
  callback_id: string;
  title: PlainText;
  submit?: PlainText;
  close?: PlainText;
  /** Handed back on submission, ≤ 3000 chars. */
  private_metadata?: string;
  blocks: Block[];
}
