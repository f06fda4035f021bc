import { describe, expect, it } from "vitest";
import { formatCommand } from "./format-command.js";
import { containerProblem, hintText, namesOf, type PodCommand, podMissHint, psOf, withPick } from "./hints.js";
import { parseCommand } from "./parse-command.js";

/** A command as the parser gives it, so every case starts from what a user typed. */
function typed(text: string): PodCommand {
  const parsed = parseCommand(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const c = parsed.command;
  if (!("target" in c) || c.kind === "cleanup") throw new Error(`${text} names no pod`);
  return c;
}

/** The hint's suggestion parses back to a command (as Slack sends it), and to the one shown. */
function parsesBack(suggestion: string | null): void {
  expect(suggestion).not.toBeNull();
  const again = parseCommand(suggestion!.replace(/^\/pns /, ""));
  expect(again.ok).toBe(true);
  if (again.ok) expect(formatCommand(again.command)).toBe(suggestion);
}

const nginx = { name: "nginx", containers: ["nginx", "shell"] };

describe("containerProblem", () => {
  it.each([
    ["no -c", "ps nginx"],
    ["a container", "ps nginx -c shell"],
    ["an init container", "ps nginx -c migrate"],
  ])("%s: nothing to say", (_, text) => {
    expect(containerProblem(typed(text), { ...nginx, initContainers: ["migrate"] })).toBeNull();
  });

  it.each([
    {
      name: "a typo keeps -n, --cluster and --copy",
      text: "ps nginx -c ngnix -n default --cluster sim --copy",
      message: "Pod nginx has no container ngnix: it has containers nginx, shell. Did you mean nginx?",
      suggestion: "/pns ps nginx -n default -c nginx --cluster sim --copy",
    },
    {
      name: "a signal keeps its PID, signal and reason",
      text: 'signal nginx 14 HUP -c shel "reload it"',
      message: "Pod nginx has no container shel: it has containers nginx, shell. Did you mean shell?",
      suggestion: '/pns signal nginx 14 HUP -c shell "reload it"',
    },
    {
      name: "cat keeps its path and --lines",
      text: "cat deploy/web 7 /etc/nginx.conf --lines 20 -c ngin",
      message: "Pod nginx has no container ngin: it has containers nginx, shell. Did you mean nginx?",
      suggestion: "/pns cat deploy/web 7 /etc/nginx.conf --lines 20 -c nginx",
    },
  ])("$name", ({ text, message, suggestion }) => {
    const hint = containerProblem(typed(text), nginx);
    expect(hint).toEqual({ message, suggestion });
    parsesBack(hint!.suggestion);
  });

  it("nothing close: the list only, init containers named as such", () => {
    const hint = containerProblem(typed("ps nginx -c zzzzzz"), {
      name: "db-0",
      containers: ["postgres"],
      initContainers: ["init"],
    });
    expect(hint).toEqual({
      message: "Pod db-0 has no container zzzzzz: it has container postgres (init: init).",
      suggestion: null,
    });
  });

  it("a long list is cut", () => {
    const containers = Array.from({ length: 15 }, (_, i) => `c${i}`);
    expect(containerProblem(typed("ps x -c nope"), { name: "x", containers })?.message).toContain("c11 and 3 more");
  });
});

describe("namesOf", () => {
  it.each([
    ["web-7d4b9c6f8d-x7k2p", ["web-7d4b9c6f8d-x7k2p", "web-7d4b9c6f8d", "web"]],
    ["db-0", ["db-0", "db"]],
    ["agent-h4v8n", ["agent-h4v8n", "agent"]],
    ["nginx", ["nginx"]],
    // "api" and "server" hold vowels: not a generated part.
    ["my-api-server", ["my-api-server"]],
  ])("%s", (pod, names) => {
    expect(namesOf(pod)).toEqual(names);
  });
});

describe("podMissHint", () => {
  const asked = { namespace: "default", pods: ["nginx", "redis-0"] };
  const shop = { namespace: "shop", pods: ["db-0", "web-7d4b9c6f8d-x7k2p", "web-7d4b9c6f8d-q9m4z"] };
  const ops = { namespace: "ops", pods: ["agent-h4v8n", "db-0"] };

  it.each([
    {
      name: "the pod is in another namespace: the same command with -n",
      text: "ps db -c postgres",
      others: [shop],
      text_: "db-0 is in shop: `/pns ps db -n shop -c postgres`",
    },
    {
      name: "several pods and namespaces",
      text: "ps web --copy",
      others: [shop, ops],
      text_: "web-7d4b9c6f8d-x7k2p and 1 more are in shop: `/pns ps web -n shop --copy`",
    },
    {
      name: "in two namespaces: the first, and where else",
      text: "ps pod/db-0",
      others: [shop, ops],
      text_: "db-0 is in shop (also in ops): `/pns ps pod/db-0 -n shop`",
    },
    {
      name: "a typo in the namespace, keeping the kind",
      text: "ps pod/ngnix -n default",
      others: [shop],
      text_: "Did you mean nginx?: `/pns ps pod/nginx -n default`",
    },
    {
      name: "a typo of a StatefulSet's name",
      text: "ps rediss",
      others: [],
      text_: "Did you mean redis?: `/pns ps redis`",
    },
    {
      name: "a typo of a name in another namespace",
      text: "ps wbe",
      others: [shop],
      text_: "Did you mean web in shop?: `/pns ps web -n shop`",
    },
    {
      name: "a signal keeps its PID, signal and reason",
      text: 'signal db 1 TERM "stuck, no reply"',
      others: [shop],
      text_: 'db-0 is in shop: `/pns signal db 1 TERM -n shop "stuck, no reply"`',
    },
  ])("$name", ({ text, others, text_ }) => {
    const hint = podMissHint(typed(text), asked, others);
    expect(hint && hintText(hint)).toBe(text_);
    parsesBack(hint!.suggestion);
  });

  it.each([
    ["nothing near", "ps qqqqqqqq"],
    ["a selector", "ps -l app=db"],
  ])("%s: null", (_, text) => {
    expect(podMissHint(typed(text), asked, [shop])).toBeNull();
  });

  it("a pod kind is found elsewhere by its exact name only; else the closest pod name there", () => {
    expect(podMissHint(typed("ps pod/db"), asked, [shop])).toEqual({
      message: "Did you mean db-0 in shop?",
      suggestion: "/pns ps pod/db-0 -n shop",
    });
  });

  it("the asked namespace is never suggested as elsewhere", () => {
    expect(podMissHint(typed("ps db -n shop"), shop, [shop])).toEqual({
      message: "Did you mean db?",
      suggestion: "/pns ps db -n shop",
    });
  });
});

describe("psOf and withPick", () => {
  it("psOf keeps the placement of any pod command", () => {
    expect(psOf(typed("cat nginx 8 /etc/hosts -n default -c shell --copy"))).toBe(
      "/pns ps nginx -n default -c shell --copy",
    );
    expect(psOf(typed("inspect nginx 8 --cluster sim"), { kind: "pod", name: "nginx" })).toBe(
      "/pns ps pod/nginx --cluster sim",
    );
  });

  it("a pick is only for a selector's command, with a pod name", () => {
    const picked = withPick(typed("ps -l app=web -n shop -c envoy"), "web-1");
    expect(picked?.target).toEqual({ kind: "selector", selector: "app=web", pick: "web-1" });
    // Typed by its name, the picked pod runs the same command.
    expect(formatCommand(picked!)).toBe("/pns ps pod/web-1 -n shop -c envoy");
    expect(withPick(typed("ps nginx"), "web-1")).toBeNull();
    expect(withPick(typed("ps -l app=web"), "Web 1")).toBeNull();
    expect(withPick(picked!, "web-2")).toBeNull();
    const help = parseCommand("help");
    expect(help.ok && withPick(help.command, "web-1")).toBeNull();
  });
});
