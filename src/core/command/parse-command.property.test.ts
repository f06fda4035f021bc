import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SIGNAL_NAMES } from "../signals.js";
import { asSlackSends, formatCommand } from "./format-command.js";
import { parseCommand } from "./parse-command.js";

const words = [
  "ps",
  "signal",
  "kill",
  "sp",
  "singal",
  "get",
  "cat",
  "sessions",
  "cleanup",
  "audit",
  "help",
  "nginx",
  "deploy/web",
  "shop/sts/db",
  "pod/",
  "a/b/c/d",
  "-n",
  "--namespace",
  "-c",
  "--container",
  "--cluster",
  "--copy",
  "-l",
  "--selector",
  "--lines",
  "--",
  "-h",
  "--help",
  "—namespace",
  "--copy=false",
  "-n=",
  "8",
  "0",
  "4194305",
  "-9",
  "-11",
  "-HUP",
  "-HUPP",
  "-SIGHUP",
  "-hup",
  "-cont",
  "-s",
  "--signal",
  "--signal=TERM",
  "--HUP",
  "--n",
  "--namepsace",
  "–n",
  "—n",
  "—copy",
  "–copy",
  "—",
  "–",
  "\u2212n",
  "\u2011c",
  "—HUP",
  "–9",
  "pod",
  "pods",
  "deploy",
  "-c",
  "app",
  "shop",
  "HUPP",
  "SEGV",
  "HUP",
  "SIGHUP",
  "sigkill",
  "15",
  "/etc/hosts",
  "/../x",
  "app in (a,b)",
  "!x",
  "k=v",
  '"',
  "'",
  "“",
  "”",
  "‘",
  "’",
  "<@U123|bob>",
  "<#C1>",
  "<!here>",
  "<http://x.io|x.io>",
  "<http://x.io>",
  "&lt;",
  "&gt;",
  "&amp;",
  "<",
  ">",
  "|",
  "\u0000",
  "\u202e",
  "\uE000",
  "\uE001",
  "\u00a0",
  "\t",
  "\n",
  "é",
  "🙂",
  "\ud800",
];

/** A command text built from pns-ish words, quotes and Slack markup, glued with or without spaces. */
const commandish = fc
  .array(fc.tuple(fc.constantFrom(...words), fc.constantFrom(" ", "", "  ", "\u00a0", "\n")), { maxLength: 12 })
  .map((parts) => parts.map(([w, sep]) => w + sep).join(""));

function checkTotal(text: string): void {
  const result = parseCommand(text);
  if (result.ok) {
    expect(typeof result.command.kind).toBe("string");
  } else {
    expect(result.error.message.length).toBeGreaterThan(0);
    expect(result.error.usage).toMatch(/^\/pns /);
  }
}

/** A command close to a valid one: a subcommand (or a slip of one), a target, a PID, a signal or path, flags, a reason. */
const nearlyValid = fc
  .tuple(
    fc.constantFrom("ps", "signal", "kill", "cat", "cleanup", "help", "sp", "singal", "kil", "get", "hlep"),
    fc.constantFrom("nginx", "pod nginx", "pods nginx", "deploy/web", "shop/nginx", "deploy web", "Nginx", "pod", ""),
    fc.constantFrom("8", "1", "x", "-1", ""),
    fc.constantFrom("HUP", "-HUP", "-9", "-11", "HUPP", "-HUPP", "SEGV", "-s HUP", "--signal=TREM", "/etc/hosts", ""),
    fc.array(
      fc.constantFrom(
        "-n shop",
        "—n shop",
        "–nshop",
        "–copy",
        "--copy",
        "-c app",
        "-c ngnix",
        "--cluster prod",
        "--namepsace shop",
        "--n shop",
        "-x",
        "—force",
        "--lines 5",
        "-l app=web",
      ),
      { maxLength: 3 },
    ),
    fc.constantFrom(
      "",
      "reload the certs",
      '"quoted reason"',
      "-- -9 failed",
      "— -n text",
      "stop now",
      "<@U1|bob> said",
    ),
  )
  .map(([sub, target, pid, signal, flags, reason]) =>
    [sub, target, pid, signal, ...flags, reason].filter((w) => w !== "").join(" "),
  );

/** Arbitrary text, pns-like text, text behind a real subcommand, and nearly valid commands. */
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 120 }),
  commandish,
  fc.tuple(fc.constantFrom("ps ", "signal ", "kill ", "cat ", "cleanup ", "help "), commandish).map(([a, b]) => a + b),
  nearlyValid,
);

/** The text after `/pns ` of a suggestion or formatted command, as Slack would send it after pasting. */
function pasted(command: string): string {
  expect(command).toMatch(/^\/pns /);
  return asSlackSends(command.slice("/pns ".length));
}

describe("parseCommand never throws", () => {
  it("on arbitrary unicode strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 200 }), checkTotal), { numRuns: 10_000 });
  });

  it("on pns-like words, quotes, control characters and Slack markup", () => {
    fc.assert(fc.property(commandish, checkTotal), { numRuns: 10_000 });
  });

  it("on huge inputs", () => {
    fc.assert(
      fc.property(fc.constantFrom(...words), fc.integer({ min: 1, max: 6000 }), (w, n) =>
        checkTotal(`ps ${w.repeat(n)}`),
      ),
      { numRuns: 300 },
    );
  });

  it("accepts what it accepts consistently: a parsed signal always names an allowlisted signal and a valid PID", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...words),
        fc.oneof(fc.integer({ min: -10, max: 5_000_000 }).map(String), fc.constantFrom(...words)),
        fc.oneof(fc.integer({ min: -1, max: 70 }).map(String), fc.constantFrom(...words)),
        commandish,
        (target, pid, signal, rest) => {
          const result = parseCommand(`signal ${target} ${pid} ${signal} ${rest}`);
          if (result.ok && result.command.kind === "signal") {
            expect(result.command.pid).toBeGreaterThanOrEqual(1);
            expect(result.command.pid).toBeLessThanOrEqual(4_194_304);
            expect(SIGNAL_NAMES).toContain(result.command.signal);
          }
        },
      ),
      { numRuns: 10_000 },
    );
  });
});

describe("parseCommand's suggestions and formatCommand", () => {
  it("every suggestion parses successfully", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parseCommand(text);
        if (result.ok || result.error.suggestion === undefined) return;
        const again = parseCommand(pasted(result.error.suggestion));
        expect(again, `${text} → ${result.error.suggestion}`).toMatchObject({ ok: true });
      }),
      { numRuns: 20_000 },
    );
  });

  it("formatCommand of a parsed command parses back to the same command", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parseCommand(text);
        if (!result.ok) return;
        const formatted = formatCommand(result.command);
        const again = parseCommand(pasted(formatted));
        const command = result.command;
        // A reason holding every kind of quote is written after --, word by word: its whitespace becomes spaces.
        const expected =
          command.kind === "signal" &&
          command.reason !== null &&
          /["'`]/.test(command.reason) &&
          /[“”]/.test(command.reason)
            ? { ...command, reason: command.reason.split(/\s+/).join(" ") }
            : command;
        expect(again, `${text} → ${formatted}`).toEqual({ ok: true, command: expected });
      }),
      { numRuns: 20_000 },
    );
  });
});
