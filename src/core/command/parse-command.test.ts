import { describe, expect, it } from "vitest";
import { parseCommand } from "./parse-command.js";
import type { Command } from "./types.js";
import { usageOf } from "./usage.js";

const none = { namespace: null, container: null, cluster: null, copy: false };

const accepted: { name: string; text: string; command: Command }[] = [
  { name: "empty text is help", text: "", command: { kind: "help", topic: null } },
  { name: "blank text is help", text: "   \n ", command: { kind: "help", topic: null } },
  { name: "help", text: "help", command: { kind: "help", topic: null } },
  { name: "help with a topic", text: "help signal", command: { kind: "help", topic: "signal" } },
  { name: "help topic case-insensitive", text: "help PS", command: { kind: "help", topic: "ps" } },
  { name: "--help alone", text: "--help", command: { kind: "help", topic: null } },
  { name: "-h on a subcommand", text: "ps -h", command: { kind: "help", topic: "ps" } },
  { name: "--help after arguments", text: "signal nginx 8 --help", command: { kind: "help", topic: "signal" } },
  {
    name: "subcommand case-insensitive",
    text: "PS nginx",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none },
  },
  { name: "ps bare name", text: "ps nginx", command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none } },
  {
    name: "ps pod/",
    text: "ps pod/nginx-7d9f",
    command: { kind: "ps", target: { kind: "pod", name: "nginx-7d9f" }, ...none },
  },
  { name: "ps po/", text: "ps po/nginx", command: { kind: "ps", target: { kind: "pod", name: "nginx" }, ...none } },
  { name: "ps pods/", text: "ps pods/nginx", command: { kind: "ps", target: { kind: "pod", name: "nginx" }, ...none } },
  {
    name: "ps deploy/",
    text: "ps deploy/web",
    command: { kind: "ps", target: { kind: "deployment", name: "web" }, ...none },
  },
  {
    name: "ps deployment/",
    text: "ps deployment/web",
    command: { kind: "ps", target: { kind: "deployment", name: "web" }, ...none },
  },
  {
    name: "ps deployments/",
    text: "ps deployments/web",
    command: { kind: "ps", target: { kind: "deployment", name: "web" }, ...none },
  },
  {
    name: "ps deployment.apps/",
    text: "ps deployment.apps/web",
    command: { kind: "ps", target: { kind: "deployment", name: "web" }, ...none },
  },
  {
    name: "ps Deploy/ any case",
    text: "ps Deploy/web",
    command: { kind: "ps", target: { kind: "deployment", name: "web" }, ...none },
  },
  { name: "ps sts/", text: "ps sts/db", command: { kind: "ps", target: { kind: "statefulset", name: "db" }, ...none } },
  {
    name: "ps statefulset/",
    text: "ps statefulset/db",
    command: { kind: "ps", target: { kind: "statefulset", name: "db" }, ...none },
  },
  {
    name: "ps ds/",
    text: "ps ds/agent",
    command: { kind: "ps", target: { kind: "daemonset", name: "agent" }, ...none },
  },
  {
    name: "ps daemonset/",
    text: "ps daemonset/agent",
    command: { kind: "ps", target: { kind: "daemonset", name: "agent" }, ...none },
  },
  { name: "ps rs/", text: "ps rs/x", command: { kind: "ps", target: { kind: "replicaset", name: "x" }, ...none } },
  {
    name: "ps replicaset/",
    text: "ps replicaset/x",
    command: { kind: "ps", target: { kind: "replicaset", name: "x" }, ...none },
  },
  {
    name: "ps ns/name",
    text: "ps shop/nginx",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, namespace: "shop" },
  },
  {
    name: "ps ns/kind/name",
    text: "ps shop/deploy/web",
    command: { kind: "ps", target: { kind: "deployment", name: "web" }, ...none, namespace: "shop" },
  },
  {
    name: "ps dotted pod name",
    text: "ps web.v2.x",
    command: { kind: "ps", target: { kind: "auto", name: "web.v2.x" }, ...none },
  },
  {
    name: "ps -n",
    text: "ps nginx -n shop",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, namespace: "shop" },
  },
  {
    name: "ps --namespace value",
    text: "ps nginx --namespace shop",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, namespace: "shop" },
  },
  {
    name: "ps --namespace=value",
    text: "ps nginx --namespace=shop",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, namespace: "shop" },
  },
  {
    name: "ps -n=value",
    text: "ps nginx -n=shop",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, namespace: "shop" },
  },
  {
    name: "ps -nvalue",
    text: "ps nginx -nshop",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, namespace: "shop" },
  },
  {
    name: "flags before target",
    text: "ps -n shop nginx",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, namespace: "shop" },
  },
  {
    name: "-n agreeing with the target",
    text: "ps shop/nginx -n shop",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, namespace: "shop" },
  },
  {
    name: "em dash flag from Slack",
    text: "ps nginx —namespace shop",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, namespace: "shop" },
  },
  {
    name: "en dash flag",
    text: "ps nginx –copy",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, copy: true },
  },
  {
    name: "ps -c",
    text: "ps nginx -c sidecar",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, container: "sidecar" },
  },
  {
    name: "ps --container",
    text: "ps nginx --container=app",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, container: "app" },
  },
  {
    name: "ps --cluster",
    text: "ps nginx --cluster prod-eu",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, cluster: "prod-eu" },
  },
  {
    name: "ps --copy",
    text: "ps nginx --copy",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, copy: true },
  },
  {
    name: "ps --copy=false",
    text: "ps nginx --copy=false",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none },
  },
  {
    name: "ps -l",
    text: "ps -l app=web",
    command: { kind: "ps", target: { kind: "selector", selector: "app=web" }, ...none },
  },
  {
    name: "ps --selector set-based quoted",
    text: 'ps --selector "app in (a,b),!canary" -n shop',
    command: { kind: "ps", target: { kind: "selector", selector: "app in (a,b),!canary" }, ...none, namespace: "shop" },
  },
  {
    name: "ps -l with prefix key",
    text: "ps -l app.kubernetes.io/name==web,tier!=db",
    command: { kind: "ps", target: { kind: "selector", selector: "app.kubernetes.io/name==web,tier!=db" }, ...none },
  },
  {
    name: "cat -l: the PID and path follow the selector",
    text: "cat -l app=web 1 /etc/hostname --lines 5",
    command: {
      kind: "cat",
      target: { kind: "selector", selector: "app=web" },
      pid: 1,
      path: "/etc/hostname",
      lines: 5,
      ...none,
    },
  },
  {
    name: "inspect --selector with a namespace",
    text: "inspect --selector app=web 8 -n shop",
    command: { kind: "inspect", target: { kind: "selector", selector: "app=web" }, pid: 8, ...none, namespace: "shop" },
  },
  {
    name: "ports -l",
    text: "ports -l app=web -c envoy",
    command: { kind: "ports", target: { kind: "selector", selector: "app=web" }, ...none, container: "envoy" },
  },
  {
    name: "doctor -l",
    text: "doctor -l tier=db",
    command: { kind: "doctor", target: { kind: "selector", selector: "tier=db" }, ...none },
  },
  {
    name: "extra whitespace and NBSP",
    text: "  ps\u00a0\u00a0nginx\t-n  shop ",
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none, namespace: "shop" },
  },
  {
    name: "Slack link unwrapped to its label",
    text: "ps <http://web.shop|web.shop>",
    command: { kind: "ps", target: { kind: "auto", name: "web.shop" }, ...none },
  },
  {
    name: "quoted subcommand",
    text: '"ps" nginx',
    command: { kind: "ps", target: { kind: "auto", name: "nginx" }, ...none },
  },
  {
    name: "signal",
    text: "signal nginx 8 HUP",
    command: { kind: "signal", target: { kind: "auto", name: "nginx" }, pid: 8, signal: "HUP", reason: null, ...none },
  },
  {
    name: "signal SIG form, lowercase, reason",
    text: "signal nginx 8 sighup reload the certs",
    command: {
      kind: "signal",
      target: { kind: "auto", name: "nginx" },
      pid: 8,
      signal: "HUP",
      reason: "reload the certs",
      ...none,
    },
  },
  {
    name: "signal number",
    text: "signal deploy/web 1 15",
    command: {
      kind: "signal",
      target: { kind: "deployment", name: "web" },
      pid: 1,
      signal: "TERM",
      reason: null,
      ...none,
    },
  },
  {
    name: "signal with flags after reason",
    text: "signal nginx 8 USR1 reopen logs -n shop -c app --cluster prod",
    command: {
      kind: "signal",
      target: { kind: "auto", name: "nginx" },
      pid: 8,
      signal: "USR1",
      reason: "reopen logs",
      namespace: "shop",
      container: "app",
      cluster: "prod",
      copy: false,
    },
  },
  {
    name: "signal -- keeps dashes in the reason",
    text: "signal nginx 8 HUP -- -n is not a flag here",
    command: {
      kind: "signal",
      target: { kind: "auto", name: "nginx" },
      pid: 8,
      signal: "HUP",
      reason: "-n is not a flag here",
      ...none,
    },
  },
  {
    name: "signal reason in smart quotes",
    text: "signal nginx 8 HUP “new cert, see INC-42”",
    command: {
      kind: "signal",
      target: { kind: "auto", name: "nginx" },
      pid: 8,
      signal: "HUP",
      reason: "new cert, see INC-42",
      ...none,
    },
  },
  {
    name: "signal reason with Slack escapes and a mention",
    text: "signal nginx 8 HUP a &lt; b &amp;&amp; ask <@U123|bob>",
    command: {
      kind: "signal",
      target: { kind: "auto", name: "nginx" },
      pid: 8,
      signal: "HUP",
      reason: "a < b && ask @bob",
      ...none,
    },
  },
  {
    name: "signal apostrophe inside a word is literal",
    text: "signal nginx 8 HUP don't wait",
    command: {
      kind: "signal",
      target: { kind: "auto", name: "nginx" },
      pid: 8,
      signal: "HUP",
      reason: "don't wait",
      ...none,
    },
  },
  {
    name: "signal largest PID",
    text: "signal nginx 4194304 KILL",
    command: {
      kind: "signal",
      target: { kind: "auto", name: "nginx" },
      pid: 4194304,
      signal: "KILL",
      reason: null,
      ...none,
    },
  },
  {
    name: "cat",
    text: "cat nginx 1 /etc/nginx/nginx.conf",
    command: {
      kind: "cat",
      target: { kind: "auto", name: "nginx" },
      pid: 1,
      path: "/etc/nginx/nginx.conf",
      lines: null,
      ...none,
    },
  },
  {
    name: "cat path normalised, --lines",
    text: "cat web 12 //etc/./app//config.yaml --lines 50",
    command: {
      kind: "cat",
      target: { kind: "auto", name: "web" },
      pid: 12,
      path: "/etc/app/config.yaml",
      lines: 50,
      ...none,
    },
  },
  {
    name: "cat quoted path with spaces",
    text: "cat web 12 '/srv/my files/a.txt' --lines=10000 -n shop",
    command: {
      kind: "cat",
      target: { kind: "auto", name: "web" },
      pid: 12,
      path: "/srv/my files/a.txt",
      lines: 10000,
      ...none,
      namespace: "shop",
    },
  },
  { name: "sessions", text: "sessions", command: { kind: "sessions" } },
  { name: "cleanup all", text: "cleanup", command: { kind: "cleanup", target: null, namespace: null, cluster: null } },
  {
    name: "cleanup a target",
    text: "cleanup shop/nginx --cluster prod",
    command: { kind: "cleanup", target: { kind: "auto", name: "nginx" }, namespace: "shop", cluster: "prod" },
  },
  { name: "audit default", text: "audit", command: { kind: "audit", count: 20 } },
  { name: "audit N", text: "audit 200", command: { kind: "audit", count: 200 } },
];

describe("parseCommand accepts", () => {
  it.each(accepted)("$name", ({ text, command }) => {
    expect(parseCommand(text)).toEqual({ ok: true, command });
  });
});

const refused: { name: string; text: string; message: RegExp; usage?: string; suggestion?: string }[] = [
  {
    name: "unknown subcommand with a near one",
    text: "sp nginx",
    message: /unknown command "sp": did you mean ps\?/,
    suggestion: "/pns ps nginx",
  },
  {
    name: "unknown subcommand far from all",
    text: "restart nginx",
    message: /unknown command "restart": start with one of ps, signal/,
  },
  {
    name: "misspelt signal subcommand",
    text: "singal nginx 8 HUP",
    message: /did you mean signal\?/,
    suggestion: "/pns signal nginx 8 HUP",
  },
  {
    name: "bare Slack link as target",
    text: "ps <http://web.shop>",
    message: /"http:\/\/web.shop" is a URL, not a pod/,
  },
  {
    name: "help on an unknown topic",
    text: "help sesions",
    message: /no command "sesions": did you mean sessions\?/,
    usage: usageOf("help"),
    suggestion: "/pns help sessions",
  },
  { name: "help with two topics", text: "help ps cat", message: /unexpected "cat"/, usage: usageOf("help") },
  { name: "ps without target", text: "ps", message: /missing <target>/, usage: usageOf("ps") },
  { name: "ps with two targets", text: "ps a b", message: /unexpected "b"/, usage: usageOf("ps") },
  {
    name: "ps with target and -l",
    text: "ps nginx -l app=web",
    message: /either a target or -l, not both/,
    usage: usageOf("ps"),
  },
  {
    name: "unknown flag near a known one",
    text: "ps nginx --namepsace shop",
    message: /unknown flag --namepsace for ps: did you mean --namespace\?/,
    suggestion: "/pns ps nginx --namespace shop",
  },
  {
    name: "unknown flag with =value near a known one",
    text: "ps nginx --contaner=app",
    message: /did you mean --container\?/,
    suggestion: "/pns ps nginx --container=app",
  },
  {
    name: "unknown flag far from all",
    text: "ps nginx --force",
    message: /unknown flag --force for ps; ps takes -n\/--namespace/,
  },
  { name: "unknown short flag", text: "ps nginx -x", message: /unknown flag -x for ps/ },
  {
    name: "long flag with one dash",
    text: "ps nginx -copy",
    message: /did you mean --copy\?/,
    suggestion: "/pns ps nginx --copy",
  },
  {
    name: "flag of another subcommand",
    text: "signal nginx 8 HUP --lines 3",
    message: /--lines does not apply to signal/,
  },
  {
    name: "cat with target and -l",
    text: "cat nginx 1 /a -l app=x",
    message: /either a target or -l, not both \(got "nginx" and -l app=x\)/,
    usage: usageOf("cat"),
  },
  { name: "ports with target and -l", text: "ports web -l app=web", message: /either a target or -l, not both/ },
  { name: "inspect -l without a PID", text: "inspect -l app=web", message: /missing <pid>/ },
  { name: "doctor with a bad selector", text: "doctor -l 'app in ()'", message: /-l: "in" needs at least one value/ },
  { name: "ports without target", text: "ports", message: /missing <target>: .*\/pns ports nginx, or use -l app=web/ },
  { name: "flags on sessions", text: "sessions -n shop", message: /sessions takes no flags/ },
  { name: "repeated flag", text: "ps nginx -n a -n a", message: /-n\/--namespace is given twice/ },
  { name: "repeated flag in long and short form", text: "ps nginx -n a --namespace=b", message: /given twice/ },
  { name: "repeated boolean flag", text: "ps nginx --copy --copy", message: /--copy is given twice/ },
  {
    name: "flag without value at the end",
    text: "ps nginx -n",
    message: /-n\/--namespace needs a value: -n NAMESPACE/,
  },
  { name: "flag followed by a flag", text: "ps nginx -n -c app", message: /needs a value/ },
  { name: "boolean flag with a value", text: "ps nginx --copy=yes", message: /--copy takes no value/ },
  { name: "mention as flag value", text: "ps nginx -n <@U123>", message: /Slack mention/ },
  {
    name: "invalid namespace",
    text: "ps nginx -n Shop_1",
    message: /-n: "Shop_1" is not a valid namespace name \(Kubernetes names are lowercase\)/,
  },
  {
    name: "namespace too long",
    text: `ps nginx -n ${"a".repeat(64)}`,
    message: /64 characters long; Kubernetes allows at most 63/,
  },
  { name: "invalid container", text: "ps nginx -c App", message: /-c: "App" is not a valid container name/ },
  {
    name: "invalid cluster",
    text: "ps nginx --cluster 'a b'",
    message: /--cluster: "a b" is not a valid cluster name/,
  },
  {
    name: "namespace conflict",
    text: "ps shop/nginx -n other",
    message: /the target says namespace shop but -n says other/,
  },
  {
    name: "uppercase pod name",
    text: "ps Nginx",
    message: /"Nginx" is not a valid pod name \(Kubernetes names are lowercase\)/,
  },
  {
    name: "pod name too long",
    text: `ps ${"a".repeat(254)}`,
    message: /254 characters long; Kubernetes allows at most 253/,
  },
  { name: "empty name after kind", text: "ps pod/", message: /no name after "\/"/ },
  { name: "leading slash", text: "ps /nginx", message: /starts with "\/"/ },
  {
    name: "unknown kind in ns/kind/name",
    text: "ps shop/svc/web",
    message: /"svc" in "shop\/svc\/web" is not a kind pns knows/,
  },
  { name: "too many slashes", text: "ps a/b/c/d", message: /too many "\/"/ },
  { name: "invalid namespace in target", text: "ps Shop/nginx", message: /"Shop" is not a valid namespace name/ },
  { name: "invalid deployment name", text: "ps deploy/Web", message: /"Web" is not a valid deployment name/ },
  { name: "mention as target", text: "ps <@U123|bob>", message: /@bob is a Slack mention, not a pod/ },
  { name: "channel mention as target", text: "ps <#C123|general>", message: /@general is a Slack mention/ },
  { name: "bad selector", text: "ps -l 'app in ()'", message: /-l: "in" needs at least one value/ },
  { name: "selector with bad key", text: "ps -l -app=x", message: /-l\/--selector needs a value/ },
  { name: "selector with bad character", text: "ps -l app=web;rm", message: /-l: unexpected character ";"/ },
  { name: "unquoted selector with spaces", text: "ps -l app in (a,b)", message: /either a target or -l/ },
  { name: "signal without pid", text: "signal nginx", message: /missing <pid>/, usage: usageOf("signal") },
  {
    name: "signal without signal",
    text: "signal nginx 8",
    message: /missing <signal>: give one of HUP \(1\), INT \(2\), QUIT \(3\), KILL \(9\)/,
  },
  { name: "pid not a number", text: "signal nginx abc HUP", message: /"abc" is not a PID/ },
  { name: "pid zero", text: "signal nginx 0 HUP", message: /PID 0 is out of range: PIDs run from 1 to 4194304/ },
  { name: "pid too large", text: "signal nginx 4194305 HUP", message: /out of range/ },
  {
    name: "negative pid: -1 is read as a signal, and the message says so",
    text: "signal nginx -1 HUP",
    message:
      /"HUP" is not a PID: give the process number from \/pns ps nginx, like 8 \(PIDs are positive; -1 was read as a signal\)/,
  },
  { name: "pid with sign", text: "signal nginx +8 HUP", message: /"\+8" is not a PID/ },
  {
    name: "unknown signal near a known one",
    text: "signal nginx 8 HUPP",
    message: /"HUPP" is not a signal pns sends.*Did you mean HUP\?/,
    suggestion: "/pns signal nginx 8 HUP",
  },
  {
    name: "signal outside the allowlist",
    text: "signal nginx 8 SEGV",
    message: /^SIGSEGV \(11\) is not a signal pns sends: use one of HUP \(1\), INT \(2\)/,
  },
  {
    name: "signal number outside the allowlist is named and the allowed ones listed",
    text: "signal nginx 8 11",
    message: /^SIGSEGV \(11\) is not a signal pns sends: use one of HUP \(1\), .*, WINCH \(28\)$/,
  },
  {
    name: "reason too long",
    text: `signal nginx 8 HUP ${"x".repeat(501)}`,
    message: /reason is 501 characters long; keep it under 500/,
  },
  { name: "cat without path", text: "cat nginx 1", message: /missing <path>/, usage: usageOf("cat") },
  { name: "cat relative path", text: "cat nginx 1 etc/hosts", message: /is not absolute/ },
  { name: "cat path with ..", text: "cat nginx 1 /etc/../root/.ssh/id_rsa", message: /contains "\.\."/ },
  { name: "cat path too long", text: `cat nginx 1 /${"é".repeat(2048)}`, message: /4097 bytes long; at most 4096/ },
  {
    name: "cat unquoted path with spaces",
    text: "cat nginx 1 /srv/my files",
    message: /unexpected "files".*quote a path that contains spaces/,
  },
  {
    name: "cat --lines zero",
    text: "cat nginx 1 /a --lines 0",
    message: /--lines must be a whole number from 1 to 10000 \(got "0"\)/,
  },
  { name: "cat --lines too big", text: "cat nginx 1 /a --lines=10001", message: /from 1 to 10000/ },
  { name: "cat --lines not a number", text: "cat nginx 1 /a --lines many", message: /got "many"/ },
  {
    name: "sessions with an argument",
    text: "sessions all",
    message: /unexpected "all": sessions takes no more arguments/,
  },
  { name: "cleanup two targets", text: "cleanup a b", message: /unexpected "b"/ },
  { name: "cleanup -c does not apply", text: "cleanup a -c x", message: /-c\/--container does not apply to cleanup/ },
  { name: "audit zero", text: "audit 0", message: /the number of entries must be a whole number from 1 to 200/ },
  { name: "audit too many", text: "audit 201", message: /from 1 to 200/ },
  { name: "audit not a number", text: "audit lots", message: /got "lots"/ },
  {
    name: "unclosed quote",
    text: 'signal nginx 8 HUP "reload',
    message: /the quote " at ""reload" is never closed: add a closing "/,
  },
  { name: "unclosed smart quote", text: "signal nginx 8 HUP “reload", message: /never closed: add a closing ”/ },
  { name: "control character", text: "ps ngi\u0007nx", message: /control or text-direction characters/ },
  { name: "NUL", text: "cat nginx 1 /etc/\u0000passwd", message: /control or text-direction characters/ },
  { name: "bidi override", text: "ps nginx\u202e", message: /control or text-direction characters/ },
  { name: "text too long", text: `ps ${"a".repeat(4000)}`, message: /4003 characters long; at most 4000/ },
];

describe("parseCommand refuses", () => {
  it.each(refused)("$name", ({ text, message, usage, suggestion }) => {
    const result = parseCommand(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(message);
    expect(result.error.usage.length).toBeGreaterThan(0);
    if (usage !== undefined) expect(result.error.usage).toBe(usage);
    expect(result.error.suggestion).toBe(suggestion);
  });

  it("carries the usage of the subcommand it was parsing", () => {
    const result = parseCommand("cat nginx x /a");
    expect(result).toMatchObject({ ok: false, error: { usage: usageOf("cat") } });
  });

  it("carries the overview usage when the subcommand is unknown", () => {
    const result = parseCommand("frobnicate");
    expect(result).toMatchObject({ ok: false, error: { usage: usageOf() } });
  });
});
