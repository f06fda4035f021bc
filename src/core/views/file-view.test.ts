import { describe, expect, it } from "vitest";
import { allText, pod } from "../../../test/views/fixtures.js";
import { renderFileView } from "./file-view.js";
import { validateView } from "./validate-view.js";

const conf = "user nginx;\nworker_processes 1;\nerror_log /var/log/nginx/error.log warn;\npid /var/run/nginx.pid;";
const base = {
  pod,
  pid: 8,
  container: "nginx",
  path: "/etc/nginx/nginx.conf",
  content: conf,
  bytes: conf.length,
  truncated: false,
  binary: false,
  lines: 4,
};

describe("renderFileView", () => {
  it("shows nginx.conf as preformatted text with where it came from", () => {
    const view = renderFileView(base);
    expect(validateView(view)).toEqual([]);
    expect(view.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "/etc/nginx/nginx.conf", emoji: true },
    });
    const pre = view.blocks.find((b) => b.type === "rich_text");
    expect(pre?.type === "rich_text" && pre.elements[0]?.elements[0]?.text).toBe(conf);
    expect(allText(view)).toContain(`container nginx · read as PID 8 sees it · ${conf.length} bytes, 4 lines`);
    expect(view.text).toBe("`/etc/nginx/nginx.conf` from container nginx of pod default/nginx: 4 lines.");
  });

  it("names the file a link led to", () => {
    const view = renderFileView({ ...base, path: "/etc/nginx/site.conf", resolvedPath: "/srv/conf/site.conf" });
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toContain("read as PID 8 sees it · a link to /srv/conf/site.conf ·");
    expect(allText(renderFileView({ ...base, resolvedPath: base.path }))).not.toContain("a link to");
  });

  it.each([
    { name: "binary", over: { binary: true, content: "" }, says: "This file is not text, so it is not shown." },
    { name: "empty", over: { content: "", bytes: 0, lines: 0 }, says: "The file is empty." },
    { name: "truncated", over: { truncated: true }, says: "(the file is longer: only its start was read)" },
  ])("says so for a $name file", ({ over, says }) => {
    const view = renderFileView({ ...base, ...over });
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toContain(says);
  });

  it.each([
    {
      name: "many lines",
      content: Array.from({ length: 5000 }, (_, i) => `line ${i} "quoted" \\ back`).join("\n"),
      lines: 5000,
    },
    { name: "one 64 KiB line", content: '"'.repeat(65536), lines: 1 },
  ])("fits $name into one message and says how much is shown", ({ content, lines }) => {
    const view = renderFileView({ ...base, content, bytes: content.length, lines });
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toMatch(/Showing the first [\d,]+ lines? of [\d,]+\./);
  });
});
