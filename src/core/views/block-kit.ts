/**
 * The part of Slack's Block Kit that pns renders, named by pns and typed with Slack's own published definitions
 * (`@slack/types`: types only, erased at build, so no Slack code reaches core or a bundle). Each type is Slack's,
 * narrowed to what pns renders (required where pns always sets a field, only the elements pns uses), and the
 * assertions at the end make `tsc` prove that every block and modal pns renders is a valid `KnownBlock` / `View`.
 * The runtime limit checks (`validate-view.ts`) add what types cannot say (lengths, counts).
 */
// biome-ignore lint/style/noRestrictedImports: types only (import type), erased at build: Slack's own Block Kit definitions
import type * as Slack from "@slack/types";

/** Literal text: Slack shows it as is (no mrkdwn, no mentions). */
export type PlainText = Slack.PlainTextElement;

/** Slack mrkdwn: `&`, `<` and `>` in user-controlled parts must be escaped (see `escapeMrkdwn`). */
export type Mrkdwn = Slack.MrkdwnElement;

/** A text composition object. */
export type TextObject = Slack.TextObject;

/** The `confirm` dialog of a button or select. */
export type ConfirmDialog = Slack.ConfirmationDialog & { title: PlainText; confirm: PlainText; deny: PlainText };

/** One option of a select (pns's options are plain text, so they can carry a description). */
export type SelectOption = Slack.PlainTextOption;

/** A labelled group of options (`option_groups`). */
export type SelectOptionGroup = Omit<Slack.OptionGroup, "options"> & { options: SelectOption[] };

/** A button element. */
export type ButtonElement = Slack.Button & { action_id: string; confirm?: ConfirmDialog };

/** A `static_select` element: either `options` or `option_groups`. */
export type StaticSelectElement = Omit<Slack.StaticSelect, "options" | "option_groups" | "initial_option"> & {
  action_id: string;
  options?: SelectOption[];
  option_groups?: SelectOptionGroup[];
  initial_option?: SelectOption;
  confirm?: ConfirmDialog;
};

/** A `plain_text_input` element (inside an `input` block). */
export type PlainTextInputElement = Slack.PlainTextInput & { action_id: string };

/** Elements of an `actions` block or a section accessory that pns renders. */
export type InteractiveElement = ButtonElement | StaticSelectElement;

/** A `text` element of rich text (literal: no mrkdwn, no mentions). */
export type RichTextText = Slack.RichTextText;

/** A paragraph of rich text. */
export type RichTextSection = Omit<Slack.RichTextSection, "elements"> & { elements: RichTextText[] };

/** A preformatted (code) block of rich text. */
export type RichTextPreformatted = Omit<Slack.RichTextPreformatted, "elements"> & { elements: RichTextText[] };

/** A table cell holding literal text. */
export type RawTextCell = Slack.RawTextElement;

/** A `section` block: text, up to 10 fields, an optional accessory. */
export type SectionBlock = Omit<Slack.SectionBlock, "accessory"> & { accessory?: InteractiveElement };

/** A `header` block (plain text, ≤ 150 chars). */
export type HeaderBlock = Slack.HeaderBlock;

/** A `context` block: small grey text, up to 10 elements. */
export type ContextBlock = Omit<Slack.ContextBlock, "elements"> & { elements: TextObject[] };

/** A `divider` block. */
export type DividerBlock = Slack.DividerBlock;

/** An `actions` block: up to 25 interactive elements. */
export type ActionsBlock = Omit<Slack.ActionsBlock, "elements"> & { elements: InteractiveElement[] };

/** An `input` block of a modal. */
export type InputBlock = Omit<Slack.InputBlock, "element"> & { element: PlainTextInputElement | StaticSelectElement };

/** A `rich_text` block. */
export type RichTextBlock = Omit<Slack.RichTextBlock, "elements"> & {
  elements: (RichTextSection | RichTextPreformatted)[];
};

/** A `table` block: ≤ 100 rows of ≤ 20 cells, one per message; Slack renders it at the bottom of the message. */
export type TableBlock = Omit<Slack.TableBlock, "rows"> & { rows: RawTextCell[][] };

/** Any block pns renders: each one a Slack `KnownBlock`. */
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

/** A modal for views.open: Slack's `ModalView` with the fields pns always sets, and only pns's blocks. */
export type ModalView = Omit<Slack.ModalView, "blocks"> & {
  callback_id: string;
  title: PlainText;
  /** Handed back on submission, ≤ 3000 chars. */
  private_metadata?: string;
  blocks: Block[];
};

/** Compile-time proof that pns's narrowed types are Slack's: `tsc` fails here if one stops being assignable. */
type Assert<T extends true> = T;
export type BlockKitChecks = [
  Assert<Block extends Slack.KnownBlock ? true : false>,
  Assert<ModalView extends Slack.View ? true : false>,
  Assert<InteractiveElement extends Slack.ActionsBlockElement ? true : false>,
  Assert<InteractiveElement extends Slack.SectionBlockAccessory ? true : false>,
];
