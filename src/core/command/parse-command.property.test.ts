import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SIGNAL_NAMES } from "../signals.js";
import { parseCommand } from "./parse-command.js";

const words = [
  "ps",
  "signal",
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
