import { describe, expect, it } from "vitest";
import { allText } from "../../../test/views/fixtures.js";
import { renderErrorView } from "./error-view.js";
import { renderHelpView } from "./help-view.js";
import { renderProgressView } from "./progress-view.js";
import { validateView } from "./validate-view.js";

describe("renderHelpView", () => {
  it("escapes placeholders so usage shows as written", () => {
    const view = renderHelpView("*Usage*\n`/pns ps <pod>` list processes", "ps");
    expect(validateView(view)).toEqual([]);
    expect(view.blocks[0]).toMatchObject({ type: "header", text: { text: "pns help: ps" } });
    expect(allText(view)).toContain("`/pns ps &lt;pod&gt;` list processes");
    expect(view.text).toBe("pns help: ps: *Usage*");
  });

  it("splits a long help over sections", () => {
    const help = Array.from({ length: 400 }, (_, i) => `• topic ${i}: ${"word ".repeat(10)}`).join("\n");
    const view = renderHelpView(help);
    expect(validateView(view)).toEqual([]);
    expect(view.blocks.filter((b) => b.type === "section").length).toBeGreaterThan(1);
    expect(allText(view)).toContain("/pns help &lt;topic&gt;");
  });
});

describe("renderErrorView", () => {
  it.each([
    {
      name: "message only",
      input: { message: "pod nginx not found in namespace default" },
      says: [":warning: pod nginx not found in namespace default"],
    },
    {
      name: "hint and usage",
      input: {
        message: "unknown signal SEGV",
        hint: "use one of HUP, TERM",
        usage: "/pns signal <pod> <pid> <signal>",
      },
      says: ["*What to do:* use one of HUP, TERM", "/pns signal <pod> <pid> <signal>"],
    },
    {
      name: "reference",
      input: { message: "Something went wrong inside pns.", reference: "err-7f3a" },
      says: ["Reference `err-7f3a`"],
    },
  ])("shows $name", ({ input, says }) => {
    const view = renderErrorView(input);
    expect(validateView(view)).toEqual([]);
    for (const s of says) expect(allText(view)).toContain(s);
    expect(view.text).toContain(input.message);
  });

  const refusal =
    "You can't approve your own request. It can be approved by <@U0BOB> or <!subteam^S0SRE> (not <@U0ALICE>, who asked): ask them in this channel.";
  it("keeps the mentions and dates of a refusal pns built, and escapes the text beside it", () => {
    const date = "<!date^1796026260^{date_short_pretty} {time_secs}|2026-11-30 08:11 UTC>";
    const view = renderErrorView({ mrkdwn: `${refusal} Expired ${date}.`, message: "pod <!channel> & co" });
    expect(validateView(view)).toEqual([]);
    const section = view.blocks[0]?.type === "section" ? view.blocks[0].text?.text : "";
    expect(section).toBe(`:warning: ${refusal} Expired ${date}. pod &lt;!channel&gt; &amp; co`);
    expect(view.text).toBe(`pns: ${refusal} Expired ${date}. pod &lt;!channel&gt; &amp; co`);
  });

  it("escapes what is not pns's own markup even in mrkdwn pns built", () => {
    const view = renderErrorView({
      mrkdwn: "<!channel> <!here> <https://evil.example|login> <@U0OK> <@u0bad> a & b &amp; c",
    });
    const section = view.blocks[0]?.type === "section" ? view.blocks[0].text?.text : "";
    expect(section).toBe(
      ":warning: &lt;!channel&gt; &lt;!here&gt; &lt;https://evil.example|login&gt; <@U0OK> &lt;@u0bad&gt; a &amp; b &amp; c",
    );
  });

  it("cuts long mrkdwn before a token, never inside one", () => {
    const view = renderErrorView({ mrkdwn: `${"x".repeat(1790)} <@U0ALICE> and more` });
    const section = view.blocks[0]?.type === "section" ? (view.blocks[0].text?.text ?? "") : "";
    expect(section.endsWith("x …")).toBe(true);
    expect(section).not.toContain("<@");
  });
});

describe("renderProgressView", () => {
  it("ticks done steps and shows the current one", () => {
    const view = renderProgressView(["finding pod nginx…"], "starting debug container (pulling busybox:1.36)…");
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toContain(
      ":white_check_mark: finding pod nginx…\n:hourglass_flowing_sand: starting debug container (pulling busybox:1.36)…",
    );
    expect(view.text).toBe("pns: starting debug container (pulling busybox:1.36)…");
  });
});
