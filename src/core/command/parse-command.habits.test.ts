/** kill and kubectl habits, and what autocorrect does to them (issue 14, problem 7). */
import { describe, expect, it } from "vitest";
import { asSlackSends } from "./format-command.js";
import { parseCommand } from "./parse-command.js";
import type { Command, SignalCommand } from "./types.js";

const none = { namespace: null, container: null, cluster: null, copy: false };
const nginx = { kind: "auto", name: "nginx" } as const;

function sig(signal: SignalCommand["signal"], more: Partial<SignalCommand> = {}): SignalCommand {
  return { kind: "signal", target: nginx, pid: 8, signal, reason: null, ...none, ...more };
}

const accepted: { name: string; text: string; command: Command }[] = [
  // Signals, kill-style (util-linux kill: `-SIGNAL`, `-s SIGNAL`, `--signal SIGNAL`; a number is the signal's).
  { name: "-HUP after the PID", text: "signal nginx 8 -HUP", command: sig("HUP") },
  { name: "-SIGHUP after the PID", text: "signal nginx 8 -SIGHUP", command: sig("HUP") },
  { name: "-9 is KILL, accepted", text: "signal nginx 8 -9", command: sig("KILL") },
  { name: "-15 is TERM", text: "signal nginx 8 -15", command: sig("TERM") },
  { name: "-1 is HUP", text: "kill -1 nginx 8", command: sig("HUP") },
  { name: "-hup in lower case", text: "signal nginx 8 -hup", command: sig("HUP") },
  { name: "-HUP before the target", text: "signal -HUP nginx 8", command: sig("HUP") },
  { name: "-HUP is never the flag -h", text: "kill -HUP nginx 8", command: sig("HUP") },
  { name: "-cont is CONT, not -c ont", text: "kill -cont nginx 8", command: sig("CONT") },
  { name: "-STOP is STOP, not -s TOP", text: "kill -STOP nginx 8", command: sig("STOP") },
  { name: "-SIGTERM is TERM, not -s IGTERM", text: "kill -SIGTERM nginx 8", command: sig("TERM") },
  { name: "-s HUP", text: "kill -s HUP nginx 8", command: sig("HUP") },
  { name: "-s 9", text: "kill -s 9 nginx 8", command: sig("KILL") },
  { name: "-sHUP glued", text: "kill -sHUP nginx 8", command: sig("HUP") },
  { name: "-s=HUP", text: "kill -s=HUP nginx 8", command: sig("HUP") },
  { name: "--signal SIGUSR1", text: "signal --signal SIGUSR1 nginx 8", command: sig("USR1") },
  { name: "--signal=term", text: "kill --signal=term nginx 8", command: sig("TERM") },
  {
    name: "kill-style signal, then a reason",
    text: "kill -HUP nginx 8 reload the certs",
    command: sig("HUP", { reason: "reload the certs" }),
  },
  {
    name: "-n before a kill-style signal",
    text: "kill -n shop -9 nginx 8",
    command: sig("KILL", { namespace: "shop" }),
  },
  {
    name: "-n after a kill-style signal",
    text: "kill -9 nginx 8 -n shop",
    command: sig("KILL", { namespace: "shop" }),
  },
  {
    name: "-n between signal and target",
    text: "kill -HUP -n shop nginx 8",
    command: sig("HUP", { namespace: "shop" }),
  },
  {
    name: "every placement flag with a kill-style signal",
    text: "kill -USR1 nginx 8 reopen logs -n shop -c app --cluster prod --copy",
    command: sig("USR1", { reason: "reopen logs", namespace: "shop", container: "app", cluster: "prod", copy: true }),
  },
  { name: "a quoted -9 in the signal's place", text: 'signal nginx 8 "-9"', command: sig("KILL") },
  { name: "-9 after -- in the signal's place", text: "signal nginx 8 -- -9", command: sig("KILL") },
  {
    name: "-9 after -- in the reason is text",
    text: "signal nginx 8 HUP -- -9 did not help",
    command: sig("HUP", { reason: "-9 did not help" }),
  },
  {
    name: "a quoted reason that starts with a signal name",
    text: 'kill -STOP nginx 8 "stop the flood"',
    command: sig("STOP", { reason: "stop the flood" }),
  },
  {
    name: "a reason word that names a refused signal is text",
    text: "kill -HUP nginx 8 io errors",
    command: sig("HUP", { reason: "io errors" }),
  },

  // kill as signal.
  { name: "kill with the signal after the PID", text: "kill nginx 8 TERM", command: sig("TERM") },
  { name: "KILL in capitals is the subcommand", text: "KILL -9 nginx 8", command: sig("KILL") },
  { name: "help kill is the help of signal", text: "help kill", command: { kind: "help", topic: "signal" } },
  { name: "kill --help", text: "kill --help", command: { kind: "help", topic: "signal" } },

  // kubectl's `get pods nginx`: the kind and the name as two words.
  {
    name: "ps pods nginx",
    text: "ps pods nginx",
    command: { kind: "ps", target: { kind: "pod", name: "nginx" }, ...none },
  },
  {
    name: "ps pod nginx",
    text: "ps pod nginx",
    command: { kind: "ps", target: { kind: "pod", name: "nginx" }, ...none },
  },
  {
    name: "ps po nginx",
    text: "ps po nginx",
    command: { kind: "ps", target: { kind: "pod", name: "nginx" }, ...none },
  },
  {
    name: "ps Pods nginx, any case",
    text: "ps Pods nginx",
    command: { kind: "ps", target: { kind: "pod", name: "nginx" }, ...none },
  },
  {
    name: "ps pods nginx -n shop",
    text: "ps pods nginx -n shop",
    command: { kind: "ps", target: { kind: "pod", name: "nginx" }, ...none, namespace: "shop" },
  },
  {
    name: "ps deploy web",
    text: "ps deploy web",
    command: { kind: "ps", target: { kind: "deployment", name: "web" }, ...none },
  },
  {
    name: "ps sts db",
    text: "ps statefulsets db",
    command: { kind: "ps", target: { kind: "statefulset", name: "db" }, ...none },
  },
  { name: "a pod named pod", text: "ps pod", command: { kind: "ps", target: { kind: "auto", name: "pod" }, ...none } },
  {
    name: "signal pod nginx 8 HUP",
    text: "signal pod nginx 8 HUP",
    command: sig("HUP", { target: { kind: "pod", name: "nginx" } }),
  },
  {
    name: "kill -9 pods nginx 8",
    text: "kill -9 pods nginx 8",
    command: sig("KILL", { target: { kind: "pod", name: "nginx" } }),
  },
  {
    name: "a number after a kind word is the PID of a pod named like the kind",
    text: "signal pod 8 HUP",
    command: sig("HUP", { target: { kind: "auto", name: "pod" } }),
  },
  {
    name: "cat pod nginx",
    text: "cat pod nginx 1 /etc/hosts",
    command: { kind: "cat", target: { kind: "pod", name: "nginx" }, pid: 1, path: "/etc/hosts", lines: null, ...none },
  },
  {
    name: "cleanup pod nginx",
    text: "cleanup pod nginx -n shop",
    command: { kind: "cleanup", target: { kind: "pod", name: "nginx" }, namespace: "shop", cluster: null },
  },
  {
    name: "-c is kept as typed, for the app to check against the pod's containers",
    text: "ps nginx -c ngnix",
    command: { kind: "ps", target: nginx, ...none, container: "ngnix" },
  },

  // Dash look-alikes: macOS and iOS smart dashes make `--` an em (or en) dash; documents bring minus signs.
  {
    name: "en dash n is -n",
    text: "ps –n shop nginx",
    command: { kind: "ps", target: nginx, ...none, namespace: "shop" },
  },
  {
    name: "em dash n is -n",
    text: "ps nginx —n shop",
    command: { kind: "ps", target: nginx, ...none, namespace: "shop" },
  },
  {
    name: "em dash copy is --copy",
    text: "ps nginx —copy",
    command: { kind: "ps", target: nginx, ...none, copy: true },
  },
  {
    name: "en dash copy is --copy",
    text: "ps nginx –copy",
    command: { kind: "ps", target: nginx, ...none, copy: true },
  },
  {
    name: "em dash and hyphen (from ---) is --copy",
    text: "ps nginx —-copy",
    command: { kind: "ps", target: nginx, ...none, copy: true },
  },
  {
    name: "em dash namespace=shop",
    text: "ps nginx —namespace=shop",
    command: { kind: "ps", target: nginx, ...none, namespace: "shop" },
  },
  {
    name: "en dash nshop glued is -nshop",
    text: "ps –nshop nginx",
    command: { kind: "ps", target: nginx, ...none, namespace: "shop" },
  },
  {
    name: "minus sign n",
    text: "ps nginx \u2212n shop",
    command: { kind: "ps", target: nginx, ...none, namespace: "shop" },
  },
  {
    name: "non-breaking hyphen c",
    text: "ps nginx \u2011c app",
    command: { kind: "ps", target: nginx, ...none, container: "app" },
  },
  {
    name: "fullwidth hyphen-minus l",
    text: "ps \uff0dl app=web",
    command: { kind: "ps", target: { kind: "selector", selector: "app=web" }, ...none },
  },
  { name: "em dash HUP is -HUP", text: "kill —HUP nginx 8", command: sig("HUP") },
  { name: "en dash 9 is -9", text: "kill –9 nginx 8", command: sig("KILL") },
  { name: "em dash s HUP is -s HUP", text: "kill —s HUP nginx 8", command: sig("HUP") },
  { name: "em dash help first is --help", text: "—help", command: { kind: "help", topic: null } },
  { name: "en dash h on a subcommand", text: "ps –h", command: { kind: "help", topic: "ps" } },
  {
    name: "a lone em dash before a flag-like word ends the flags, as -- does",
    text: "signal nginx 8 HUP — -n is not a flag here",
    command: sig("HUP", { reason: "-n is not a flag here" }),
  },
  {
    name: "a lone em dash in prose stays in the reason",
    text: "signal nginx 8 HUP reload — new cert -n shop",
    command: sig("HUP", { reason: "reload — new cert", namespace: "shop" }),
  },
  {
    name: "dashes after -- are left as typed",
    text: "signal nginx 8 HUP -- —copy –n",
    command: sig("HUP", { reason: "—copy –n" }),
  },
  {
    name: "a quoted em dash word is text",
    text: 'signal nginx 8 HUP "—copy"',
    command: sig("HUP", { reason: "—copy" }),
  },
];

describe("parseCommand accepts kill and kubectl habits", () => {
  it.each(accepted)("$name", ({ text, command }) => {
    expect(parseCommand(text)).toEqual({ ok: true, command });
  });
});

const refused: { name: string; text: string; message: RegExp; suggestion?: string }[] = [
  // Signals outside the allowlist, by number and by name: named, with the allowed ones listed.
  {
    name: "kill-style number outside the allowlist",
    text: "kill -11 nginx 8",
    message:
      /^SIGSEGV \(11\) is not a signal pns sends: use one of HUP \(1\), INT \(2\), QUIT \(3\), KILL \(9\), USR1 \(10\), USR2 \(12\), TERM \(15\), CONT \(18\), STOP \(19\), WINCH \(28\)$/,
  },
  {
    name: "kill-style name outside the allowlist",
    text: "kill -SEGV nginx 8",
    message: /^SIGSEGV \(11\) is not a signal pns sends: use one of HUP \(1\)/,
  },
  {
    name: "-s with a refused signal",
    text: "kill -s PIPE nginx 8",
    message: /^SIGPIPE \(13\) is not a signal pns sends/,
  },
  {
    name: "a real-time signal number",
    text: "kill -40 nginx 8",
    message: /^signal 40 is a real-time signal, which pns does not send: use one of HUP \(1\)/,
  },
  {
    name: "a number that is no signal",
    text: "kill -99 nginx 8",
    message: /^there is no signal 99 \(Linux numbers them 1 to 64\): use one of HUP/,
  },
  {
    name: "signal 0",
    text: "signal nginx 8 0",
    message: /^signal 0 only tests that a process exists; pns does not send it/,
  },
  {
    name: "a misspelt kill-style signal",
    text: "kill -HUPP nginx 8",
    message: /"-HUPP" is not a signal pns sends: did you mean -HUP\?/,
    suggestion: "/pns kill -HUP nginx 8",
  },
  {
    name: "a misspelt signal after -s",
    text: "kill -s HUPP nginx 8",
    message: /"-s HUPP" is not a signal pns sends.*Did you mean HUP\?/,
    suggestion: "/pns kill -s HUP nginx 8",
  },
  {
    name: "a misspelt signal in --signal=",
    text: "kill --signal=TREM nginx 8",
    message: /Did you mean TERM\?/,
    suggestion: "/pns kill --signal=TERM nginx 8",
  },
  {
    name: "a signal with two dashes",
    text: "kill --HUP nginx 8",
    message: /write a signal with one dash: -HUP/,
    suggestion: "/pns kill -HUP nginx 8",
  },
  {
    name: "-s followed by a kill-style signal",
    text: "kill -s -9 nginx 8",
    message: /-s\/--signal needs a value: -s SIGNAL, or just -9/,
  },
  {
    name: "two kill-style signals",
    text: "kill -9 -HUP nginx 8",
    message: /two signals are given, -9 and -HUP: give one/,
  },
  {
    name: "-s and a kill-style signal",
    text: "kill -s HUP -9 nginx 8",
    message: /two signals are given, -s HUP and -9/,
  },
  {
    name: "a kill-style signal and one after the PID",
    text: "kill -9 nginx 8 HUP",
    message: /two signals are given, -9 and HUP: give one \(quote a reason that starts with a signal name\)/,
  },
  { name: "a kill-style signal in the reason", text: "signal nginx 8 HUP then -9", message: /two signals are given/ },
  {
    name: "kill without a signal: no default, TERM offered",
    text: "kill nginx 8 -n shop",
    message: /missing <signal>: give one of HUP \(1\).*pns has no default \(kill's would be TERM, -15\)/,
    suggestion: "/pns kill -TERM nginx 8 -n shop",
  },
  {
    name: "a signal on ps",
    text: "ps nginx -HUP",
    message: /-HUP is a signal, and ps sends none: send it with \/pns kill -HUP/,
  },
  {
    name: "-l on kill lists the signals",
    text: "kill -l",
    message: /-l\/--selector does not apply to signal.*The signals pns sends: HUP \(1\)/,
  },
  {
    name: "the PID before the pod",
    text: "kill -9 8 -n shop",
    message: /"8" looks like a PID, but the pod comes first: \/pns kill -9 <pod> 8 -n shop/,
  },
  {
    name: "a kill-style signal where the PID goes, nothing after",
    text: "kill nginx -9",
    message: /^missing <pid>: give the process ID from \/pns ps nginx$/,
  },
  {
    name: "a misspelt kill",
    text: "kil -9 nginx 8 -n shop",
    message: /unknown command "kil": did you mean kill\?/,
    suggestion: "/pns kill -9 nginx 8 -n shop",
  },
  {
    name: "kubectl's get",
    text: "get pods nginx -n shop",
    message: /unknown command "get": pns lists a pod's processes with ps/,
    suggestion: "/pns ps pods nginx -n shop",
  },
  { name: "a kind word and a namespaced name", text: "ps pod shop/nginx", message: /unexpected "shop\/nginx"/ },
  { name: "a kind word and an invalid name", text: "ps pods Nginx", message: /"Nginx" is not a valid pod name/ },

  // Doubled or look-alike dashes.
  {
    name: "--n is -n",
    text: "ps nginx --n shop",
    message: /--n has one dash too many: did you mean -n\?/,
    suggestion: "/pns ps nginx -n shop",
  },
  {
    name: "a misspelt flag after an em dash",
    text: "ps nginx —namepsace shop",
    message: /unknown flag --namepsace for ps: did you mean --namespace\?/,
    suggestion: "/pns ps nginx --namespace shop",
  },
  { name: "an em dash word that is no flag", text: "ps nginx —force", message: /unknown flag --force for ps/ },

  // Suggestions are complete: they keep -n, -c, --cluster and --copy, and undo autocorrect.
  {
    name: "a misspelt command keeps every flag",
    text: "sp nginx -n shop -c app --cluster prod --copy",
    message: /did you mean ps\?/,
    suggestion: "/pns ps nginx -n shop -c app --cluster prod --copy",
  },
  {
    name: "a misspelt signal keeps the reason and -n",
    text: "signal nginx 8 HUPP reload the certs -n shop",
    message: /Did you mean HUP\?/,
    suggestion: "/pns signal nginx 8 HUP reload the certs -n shop",
  },
  {
    name: "a suggestion writes an en dash flag as -n",
    text: "sginal nginx 8 HUP –n shop",
    message: /did you mean signal\?/,
    suggestion: "/pns signal nginx 8 HUP -n shop",
  },
  {
    name: "a suggestion keeps quotes and --",
    text: `singal nginx 8 HUP "new cert, see 'INC-42'" -n shop -- -9 failed`,
    message: /did you mean signal\?/,
    suggestion: `/pns signal nginx 8 HUP "new cert, see 'INC-42'" -n shop -- -9 failed`,
  },
  {
    name: "two mistakes: both are fixed in the suggestion",
    text: "sp nginx --namepsace shop",
    message: /did you mean ps\?/,
    suggestion: "/pns ps nginx --namespace shop",
  },
  {
    name: "a suggestion that would still fail is not offered",
    text: "sp nginx --namepsace shop -n shop",
    message: /did you mean ps\?/,
  },
  {
    name: "the listing hint keeps -n, -c, --cluster and --copy",
    text: "signal nginx x HUP -n shop -c app --cluster prod --copy",
    message:
      /"x" is not a PID: give the process number from \/pns ps nginx -n shop -c app --cluster prod --copy, like 8/,
  },
  {
    name: "the listing hint carries a target's namespace as -n",
    text: "cat shop/deploy/web",
    message: /from \/pns ps deploy\/web -n shop$/,
  },
  {
    name: "the missing-target example keeps -n",
    text: "ps -n shop --copy",
    message: /like \/pns ps nginx -n shop --copy, or use -l/,
  },
  { name: "the signal example keeps -c", text: "kill -c app", message: /like \/pns signal nginx 8 HUP -c app$/ },
];

describe("parseCommand refuses, clearly", () => {
  it.each(refused)("$name", ({ text, message, suggestion }) => {
    const result = parseCommand(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(message);
    expect(result.error.suggestion).toBe(suggestion);
    if (suggestion !== undefined) {
      expect(parseCommand(asSlackSends(suggestion.replace(/^\/pns /, "")))).toMatchObject({ ok: true });
    }
  });
});
