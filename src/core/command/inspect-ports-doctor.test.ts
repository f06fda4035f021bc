import { describe, expect, it } from "vitest";
import { asSlackSends, formatCommand } from "./format-command.js";
import { parseCommand } from "./parse-command.js";
import { helpText } from "./usage.js";

describe("/pns ports, inspect and doctor", () => {
  it.each([
    ["ports nginx", { kind: "ports", target: { kind: "auto", name: "nginx" }, namespace: null }],
    ["ports shop/deploy/web", { kind: "ports", target: { kind: "deployment", name: "web" }, namespace: "shop" }],
    ["doctor api -n locked", { kind: "doctor", target: { kind: "auto", name: "api" }, namespace: "locked" }],
    ["doctor pod web-1 --copy", { kind: "doctor", target: { kind: "pod", name: "web-1" }, copy: true }],
    ["inspect nginx 8", { kind: "inspect", target: { kind: "auto", name: "nginx" }, pid: 8 }],
    ["inspect pod 12 -c app", { kind: "inspect", target: { kind: "auto", name: "pod" }, pid: 12, container: "app" }],
  ])("%s", (text, expected) => {
    const parsed = parseCommand(text);
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.command).toMatchObject(expected);
    // What pns prints for the command parses back to it.
    const again = parseCommand(asSlackSends(formatCommand(parsed.command).replace(/^\/pns /, "")));
    expect(again).toEqual(parsed);
  });

  it.each([
    ["ports", "missing <target>: name a pod or workload, like /pns ports nginx"],
    ["doctor nginx extra", 'unexpected "extra": doctor takes no more arguments'],
    ["inspect", "missing <target>: name the pod, then the PID, like /pns inspect nginx 8"],
    ["inspect nginx", "missing <pid>: give the process ID from /pns ps nginx"],
    ["inspect nginx eight", '"eight" is not a PID: give the process number from /pns ps nginx, like 8'],
    ["inspect nginx 8 /etc/passwd", 'unexpected "/etc/passwd": inspect takes no more arguments'],
    ["ports nginx --lines 3", "--lines does not apply to ports"],
  ])("refuses %s clearly", (text, message) => {
    const parsed = parseCommand(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message).toContain(message);
  });

  it("lists the three commands in the help", () => {
    const help = helpText();
    for (const usage of ["/pns inspect <target> <pid>", "/pns ports <target>", "/pns doctor <target>"]) {
      expect(help).toContain(usage);
    }
    expect(helpText("doctor")).toContain("/pns doctor api -n locked");
  });
});
