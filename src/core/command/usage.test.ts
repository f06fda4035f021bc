import { describe, expect, it } from "vitest";
import { parseCommand } from "./parse-command.js";
import { helpOf, helpText, SUBCOMMANDS, usageOf } from "./usage.js";

describe("usage and help", () => {
  it.each(SUBCOMMANDS)("%s has usage starting with /pns and examples that parse", (sub) => {
    expect(usageOf(sub)).toMatch(new RegExp(`^/pns ${sub}`));
    for (const example of helpOf(sub).examples) {
      const result = parseCommand(example.replace(/^\/pns /, ""));
      expect(result, example).toMatchObject({ ok: true, command: { kind: sub } });
    }
  });

  it.each(SUBCOMMANDS)("helpText(%s) shows its usage and summary", (sub) => {
    const text = helpText(sub);
    expect(text).toContain(usageOf(sub));
    expect(text).toContain(helpOf(sub).summary);
  });

  it("the overview names every subcommand and the target forms", () => {
    const text = helpText();
    for (const sub of SUBCOMMANDS) expect(text).toContain(`/pns ${sub}`);
    expect(text).toContain("deploy/web");
  });

  it("usageOf() lists one line per subcommand", () => {
    expect(usageOf().split("\n")).toHaveLength(SUBCOMMANDS.length);
  });
});
