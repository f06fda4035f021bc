import { describe, expect, it } from "vitest";
import { asSlackSends, formatCommand, formatWord } from "./format-command.js";
import { parseCommand } from "./parse-command.js";
import { tokenize } from "./tokenize.js";
import type { Command } from "./types.js";

const none = { namespace: null, container: null, cluster: null, copy: false };

const commands: { name: string; command: Command; text: string }[] = [
  { name: "help", command: { kind: "help", topic: null }, text: "/pns help" },
  { name: "help on a topic", command: { kind: "help", topic: "signal" }, text: "/pns help signal" },
  { name: "sessions", command: { kind: "sessions" }, text: "/pns sessions" },
  { name: "audit", command: { kind: "audit", count: 20 }, text: "/pns audit 20" },
  {
    name: "ps of a name",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none },
    text: "/pns ps nginx",
  },
  {
    name: "ps with every placement flag",
    command: {
      kind: "ps",
      target: { kind: "pod", name: "db-0" },
      namespace: "shop",
      container: "postgres",
      cluster: "prod-eu",
      copy: true,
    },
    text: "/pns ps pod/db-0 -n shop -c postgres --cluster prod-eu --copy",
  },
  {
    name: "ps of workloads by their short kind",
    command: { kind: "ps", target: { kind: "statefulset", name: "db" }, ...none, namespace: "shop" },
    text: "/pns ps sts/db -n shop",
  },
  {
    name: "ps of a selector with spaces",
    command: { kind: "ps", target: { kind: "selector", selector: "app in (a,b)" }, ...none },
    text: '/pns ps -l "app in (a,b)"',
  },
  {
    name: "signal with a reason",
    command: {
      kind: "signal",
      target: { kind: "deployment", name: "web" },
      pid: 1,
      signal: "TERM",
      reason: "roll it",
      ...none,
      namespace: "shop",
    },
    text: '/pns signal deploy/web 1 TERM -n shop "roll it"',
  },
  {
    name: "signal with a reason that starts with a dash",
    command: {
      kind: "signal",
      target: { kind: "auto", name: "nginx" },
      pid: 8,
      signal: "HUP",
      reason: "-9 failed",
      ...none,
    },
    text: '/pns signal nginx 8 HUP "-9 failed"',
  },
  {
    name: "signal with a reason holding every kind of quote",
    command: {
      kind: "signal",
      target: { kind: "auto", name: "nginx" },
      pid: 8,
      signal: "HUP",
      reason: `say "hi" it's \`x\` “y”`,
      ...none,
    },
    text: `/pns signal nginx 8 HUP -- say '"hi"' it's "\`x\`" "“y”"`,
  },
  {
    name: "cat with spaces in the path and --lines",
    command: {
      kind: "cat",
      target: { kind: "auto", name: "web" },
      pid: 12,
      path: "/srv/my files/a.txt",
      lines: 50,
      ...none,
    },
    text: '/pns cat web 12 "/srv/my files/a.txt" --lines 50',
  },
  {
    name: "cleanup of a pod in a namespace",
    command: { kind: "cleanup", target: { kind: "auto", name: "nginx" }, namespace: "shop", cluster: "prod" },
    text: "/pns cleanup nginx -n shop --cluster prod",
  },
  {
    name: "cleanup of all",
    command: { kind: "cleanup", target: null, namespace: null, cluster: null },
    text: "/pns cleanup",
  },
];

describe("formatCommand", () => {
  it.each(commands)("$name", ({ command, text }) => {
    expect(formatCommand(command)).toBe(text);
  });

  it.each(commands)("$name parses back", ({ command }) => {
    const again = parseCommand(asSlackSends(formatCommand(command).replace(/^\/pns /, "")));
    const reason =
      command.kind === "signal" && command.reason?.includes("“") ? command.reason.split(/\s+/).join(" ") : undefined;
    expect(again).toEqual({ ok: true, command: reason === undefined ? command : { ...command, reason } });
  });
});

const words: { name: string; value: string; literal?: boolean; typed: string }[] = [
  { name: "a plain word stays bare", value: "nginx", typed: "nginx" },
  { name: "a quote inside a word stays bare", value: "don't", typed: "don't" },
  { name: "an empty word", value: "", typed: '""' },
  { name: "whitespace", value: "a b", typed: '"a b"' },
  { name: "a double quote inside", value: 'say "hi" now', typed: `'say "hi" now'` },
  { name: "double and single quotes inside", value: `it's "x" y`, typed: `\`it's "x" y\`` },
  { name: "a word that starts with a quote", value: "'x", typed: `"'x"` },
  { name: "a literal word that starts with a dash", value: "-n", literal: true, typed: '"-n"' },
  { name: "a literal word that starts with an em dash", value: "—copy", literal: true, typed: '"—copy"' },
  { name: "a flag stays a flag", value: "-n", typed: "-n" },
  {
    name: "every quote, no whitespace: only the first character is quoted",
    value: `"'\`“x`,
    typed: `'"''\`“x`,
  },
];

describe("formatWord", () => {
  it.each(words)("$name", ({ value, literal, typed }) => {
    expect(formatWord(value, literal)).toBe(typed);
    const back = tokenize(asSlackSends(typed));
    expect(back.ok && back.tokens.map((t) => t.value)).toEqual([value]);
    if (literal) expect(back.ok && back.tokens[0]?.quoted).toBe(true);
  });
});
