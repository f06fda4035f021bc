import type { Command, Placement, Target, TargetKind } from "./types.js";

/** Quote pairs the tokenizer knows, with every character that closes each (smart quotes close either way). */
const QUOTES: readonly { open: string; close: string; closers: string }[] = [
  { open: '"', close: '"', closers: '"' },
  { open: "'", close: "'", closers: "'" },
  { open: "`", close: "`", closers: "`" },
  { open: "\u201c", close: "\u201d", closers: "\u201c\u201d" },
];
const OPENS_QUOTE = /^["'`\u201c\u201d\u2018\u2019]/;
/** ASCII `-` and the dashes that autocorrect, word processors and copy and paste put in its place. */
export const DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d";
const STARTS_WITH_DASH = new RegExp(`^[${DASHES}]`);

function needsQuotes(value: string, literal: boolean): boolean {
  return value === "" || /\s/.test(value) || OPENS_QUOTE.test(value) || (literal && STARTS_WITH_DASH.test(value));
}

/** The word bare, or wholly inside one kind of quote it does not contain; null when every kind occurs in it. */
function wholeWord(value: string, literal: boolean): string | null {
  if (!needsQuotes(value, literal)) return value;
  const q = QUOTES.find((q) => ![...q.closers].some((c) => value.includes(c)));
  return q ? q.open + value + q.close : null;
}

/**
 * One word as it must be typed so that the tokenizer gives it back: bare when it can be, else quoted. The tokenizer
 * only honours a quote at the start of a word, so all whitespace must sit inside that first quoted part; what follows
 * it is literal. `literal` marks a word that must never read as a flag (it was quoted, or follows `--`).
 */
export function formatWord(value: string, literal = false): string {
  const whole = wholeWord(value, literal);
  if (whole !== null) return whole;
  // The word holds every kind of quote: quote it only up to its last whitespace (at least its first character).
  let head = 1;
  for (let i = value.length - 1; i > 0; i--) {
    if (/\s/.test(value[i]!)) {
      head = i + 1;
      break;
    }
  }
  const first = value.slice(0, head);
  const q = QUOTES.find((q) => ![...q.closers].some((c) => first.includes(c)));
  // Without q the word cannot come from the tokenizer: its whitespace sat inside one quoted part already.
  return q ? q.open + first + q.close + value.slice(head) : `"${value}"`;
}

/** The text as Slack sends it for a slash command: `&`, `<` and `>` escaped, as a user's typing would be. */
export function asSlackSends(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const KIND_WORD: Record<Exclude<TargetKind, "auto">, string> = {
  pod: "pod",
  deployment: "deploy",
  statefulset: "sts",
  daemonset: "ds",
  replicaset: "rs",
};

function targetWords(target: Target): string[] {
  // A picked pod is typed by its name: that runs the same command on the same pod.
  if (target.kind === "selector")
    return target.pick ? [`pod/${target.pick}`] : ["-l", formatWord(target.selector, true)];
  return [target.kind === "auto" ? target.name : `${KIND_WORD[target.kind]}/${target.name}`];
}

function placementWords(p: Partial<Placement>): string[] {
  const words: string[] = [];
  if (p.namespace) words.push("-n", p.namespace);
  if (p.container) words.push("-c", p.container);
  if (p.cluster) words.push("--cluster", p.cluster);
  if (p.copy) words.push("--copy");
  return words;
}

/** A reason as one quoted word when it can be; else after `--`, word by word (its whitespace becomes single spaces). */
function reasonWords(reason: string): string[] {
  const whole = wholeWord(reason, true);
  if (whole !== null) return [whole];
  return [
    "--",
    ...reason
      .split(/\s+/)
      .filter((w) => w !== "")
      .map((w) => formatWord(w)),
  ];
}

/**
 * The complete `/pns …` text of a command, with its namespace, container, cluster and `--copy`, so that pasting it
 * runs the same command. Parsing it (as Slack sends it) gives `command` back.
 */
export function formatCommand(command: Command): string {
  const words = ((): string[] => {
    switch (command.kind) {
      case "help":
        return command.topic ? ["help", command.topic] : ["help"];
      case "sessions":
        return ["sessions"];
      case "audit":
        return ["audit", String(command.count)];
      case "cleanup":
        return [
          "cleanup",
          ...(command.target ? targetWords(command.target) : []),
          ...placementWords({ namespace: command.namespace, cluster: command.cluster }),
        ];
      case "ps":
      case "ports":
      case "doctor":
        return [command.kind, ...targetWords(command.target), ...placementWords(command)];
      case "inspect":
        return ["inspect", ...targetWords(command.target), String(command.pid), ...placementWords(command)];
      case "cat":
        return [
          "cat",
          ...targetWords(command.target),
          String(command.pid),
          formatWord(command.path, true),
          ...(command.lines === null ? [] : ["--lines", String(command.lines)]),
          ...placementWords(command),
        ];
      case "signal":
        return [
          "signal",
          ...targetWords(command.target),
          String(command.pid),
          command.signal,
          ...placementWords(command),
          ...(command.reason === null ? [] : reasonWords(command.reason)),
        ];
    }
  })();
  return `/pns ${words.join(" ")}`;
}
