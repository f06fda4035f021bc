import {
  COLLECT_SCRIPT,
  READ_FILE_SCRIPT,
  ReadFileExit,
  SIGNAL_SCRIPT,
  SignalExit,
} from "../../core/process/scripts.js";
import { CLK_TCK } from "./clock.js";
import { type SimFile, userName } from "./images.js";
import {
  cgroupText,
  cmdlineBytes,
  cmdlineHex,
  cmdlineSha256,
  procStat,
  procUptime,
  statLine,
  statusText,
} from "./proc.js";
import {
  type ContainerRuntime,
  type PidNamespace,
  type SimPod,
  type SimProcess,
  signalNumber,
  type World,
} from "./world.js";

/** What an exec'd command printed and how it ended. */
export interface CommandResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

/** Where a command runs: its container, its own process and the PID namespace it sees. */
export interface ExecContext {
  world: World;
  pod: SimPod;
  container: ContainerRuntime;
  ns: PidNamespace;
  self: SimProcess;
  /** Resolves when the command is killed (its process got a fatal signal). */
  killed: Promise<number>;
}

type Resolved =
  | { kind: "file"; data: Buffer; readable: boolean }
  | { kind: "dir" }
  | { kind: "missing" }
  | { kind: "denied" }
  /** A FIFO (or the exec's own stdio through /dev/stdout): a read blocks until the command is killed. */
  | { kind: "fifo" };

const SHELLS = new Set(["sh", "/bin/sh", "ash", "/bin/ash", "bash", "/bin/bash", "dash", "/bin/dash"]);

class Out {
  readonly out: Buffer[] = [];
  readonly err: Buffer[] = [];
  print(s: string | Buffer): void {
    this.out.push(typeof s === "string" ? Buffer.from(s) : s);
  }
  error(s: string): void {
    this.err.push(Buffer.from(s));
  }
  result(exitCode: number): CommandResult {
    return { stdout: Buffer.concat(this.out), stderr: Buffer.concat(this.err), exitCode };
  }
}

/** Starts a child process for one command of an interactive shell; `done` ends it. */
export type Fork = (argv: string[]) => { ctx: ExecContext; done: () => void };

/** Runs one line typed into an interactive shell: each command runs as a child process made by `fork`. */
export async function runShellLine(ctx: ExecContext, line: string, fork: Fork): Promise<CommandResult> {
  const o = new Out();
  const code = await runScript(ctx, line, o, fork);
  return o.result(code);
}

/** Runs an exec'd argv as the container's shell and tools would. */
export async function runCommand(ctx: ExecContext, argv: string[]): Promise<CommandResult> {
  const o = new Out();
  const code = await runArgv(ctx, argv, o, true);
  return o.result(code);
}

async function runArgv(ctx: ExecContext, argv: string[], o: Out, top: boolean): Promise<number> {
  const [cmd = "", ...rest] = argv;
  if (SHELLS.has(cmd) && rest[0] === "-c" && rest[1] !== undefined) {
    const script = rest[1];
    const params = rest.slice(3);
    if (script === COLLECT_SCRIPT) return collect(ctx, params, o);
    if (script === SIGNAL_SCRIPT) return signalGuard(ctx, params, o);
    if (script === READ_FILE_SCRIPT) return await readFile(ctx, params, o);
    return runScript(ctx, script, o);
  }
  const name = cmd.split("/").pop() ?? cmd;
  switch (name) {
    case "ps":
      return ps(ctx, rest, o);
    case "kill":
      return kill(ctx, rest, o);
    case "cat":
      return cat(ctx, rest, o);
    case "head":
      return head(ctx, rest, o);
    case "sleep":
      return sleep(ctx, rest, o);
    case "true":
      return 0;
    case "false":
      return 1;
    case "echo": {
      const noNl = rest[0] === "-n";
      o.print(`${(noNl ? rest.slice(1) : rest).join(" ")}${noNl ? "" : "\n"}`);
      return 0;
    }
    case "hostname":
      o.print(`${ctx.pod.name}\n`);
      return 0;
    case "id":
      o.print(`uid=${ctx.self.uid}(${user(ctx, ctx.self.uid)}) gid=${ctx.self.uid}(${user(ctx, ctx.self.uid)})\n`);
      return 0;
    case "":
      return 0;
    default:
      if (SHELLS.has(cmd) && rest.length === 0 && top) return 0; // a shell with no stdin reads EOF and exits
      o.error(`sh: ${cmd}: not found\n`);
      return 127;
  }
}

/** A tiny `sh -c`: words, quotes, `;`, `&&` and `||`; enough for what people type. */
async function runScript(ctx: ExecContext, script: string, o: Out, fork?: Fork): Promise<number> {
  const tokens = tokenize(script);
  let code = 0;
  let words: string[] = [];
  let skip = false;
  for (const t of [...tokens, { op: ";" }]) {
    if ("word" in t) {
      words.push(t.word);
      continue;
    }
    if (words.length > 0 && !skip) {
      if (fork) {
        const child = fork(words);
        try {
          code = await runArgv(child.ctx, words, o, false);
        } finally {
          child.done();
        }
      } else code = await runArgv(ctx, words, o, false);
    }
    words = [];
    skip = (t.op === "&&" && code !== 0) || (t.op === "||" && code === 0);
  }
  return code;
}

function tokenize(s: string): ({ word: string } | { op: string })[] {
  const out: ({ word: string } | { op: string })[] = [];
  let cur: string | null = null;
  let i = 0;
  while (i < s.length) {
    const ch = s[i] as string;
    if (ch === "'") {
      const end = s.indexOf("'", i + 1);
      cur = (cur ?? "") + s.slice(i + 1, end < 0 ? s.length : end);
      i = end < 0 ? s.length : end + 1;
    } else if (ch === '"') {
      let j = i + 1;
      let w = "";
      while (j < s.length && s[j] !== '"') {
        if (s[j] === "\\" && j + 1 < s.length) j += 1;
        w += s[j];
        j += 1;
      }
      cur = (cur ?? "") + w;
      i = j + 1;
    } else if (ch === ";" || ch === "\n" || ch === "&" || ch === "|") {
      if (cur !== null) out.push({ word: cur });
      cur = null;
      const two = s.slice(i, i + 2);
      if (two === "&&" || two === "||") {
        out.push({ op: two });
        i += 2;
      } else {
        out.push({ op: ";" });
        i += 1;
      }
    } else if (/\s/.test(ch)) {
      if (cur !== null) out.push({ word: cur });
      cur = null;
      i += 1;
    } else {
      if (ch === "\\" && i + 1 < s.length) i += 1;
      cur = (cur ?? "") + s[i];
      i += 1;
    }
  }
  if (cur !== null) out.push({ word: cur });
  return out;
}

/** The cgroup the reader sees as its root: its own, when the world simulates cgroup namespaces. */
function viewer(ctx: ExecContext): string | null {
  return ctx.world.cgroupNamespaces ? ctx.self.cgroupId : null;
}

function user(ctx: ExecContext, uid: number): string {
  return userName(ctx.container.files.get("/etc/passwd")?.content, uid);
}

function procList(ctx: ExecContext): SimProcess[] {
  return [...ctx.ns.procs.values()].sort((a, b) => a.pid - b.pid);
}

/** True when this exec may look into another process's /proc/PID/root (ptrace read access). */
function mayTrace(ctx: ExecContext, target: SimProcess): boolean {
  return ctx.world.mayTrace(ctx.pod, { container: ctx.container, uid: ctx.self.uid }, target);
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/**
 * Resolves a path in a container's files. Symbolic links: a relative one within the same files; an absolute one
 * against `root`, the reader's own root, as path lookup under /proc/PID/root does (linux fs/proc/base.c
 * `proc_root_link`: only the starting point moves).
 */
function resolveFs(
  files: Map<string, SimFile>,
  path: string,
  uid: number,
  root: (path: string, depth: number) => Resolved = (p, d) => resolveFs(files, p, uid, undefined, d),
  depth = 0,
): Resolved {
  const p = normalize(path);
  const f = files.get(p);
  if (f?.link !== undefined) {
    if (depth > 8) return { kind: "missing" };
    if (f.link.startsWith("/")) return root(f.link, depth + 1);
    return resolveFs(files, `${p.slice(0, p.lastIndexOf("/"))}/${f.link}`, uid, root, depth + 1);
  }
  if (f?.fifo) return { kind: "fifo" };
  if (f) {
    const readable = uid === 0 || (f.mode & 0o004) !== 0 || (f.uid === uid && (f.mode & 0o400) !== 0);
    return { kind: "file", data: Buffer.from(f.content), readable };
  }
  if (p === "/") return { kind: "dir" };
  for (const k of files.keys()) if (k.startsWith(`${p}/`)) return { kind: "dir" };
  if (["/proc", "/etc", "/tmp", "/bin", "/usr", "/var", "/dev", "/root"].includes(p)) return { kind: "dir" };
  return { kind: "missing" };
}

/** Resolves a path as the exec'd process sees it, /proc included. */
function resolve(ctx: ExecContext, path: string, depth = 0): Resolved {
  const p = normalize(path);
  const file = (s: string | Buffer): Resolved => ({ kind: "file", data: Buffer.from(s), readable: true });
  // The exec's stdio are pipes: reading one (as `/dev/stdout` or `/proc/self/fd/1`) waits for data that never comes.
  if (["/dev/stdin", "/dev/stdout", "/dev/stderr"].includes(p) || /^\/proc\/self\/fd\/[0-2]$/.test(p))
    return { kind: "fifo" };
  const own = (q: string, d: number) => (d > 8 ? ({ kind: "missing" } as Resolved) : resolve(ctx, q, d));
  if (p === "/proc/stat") return file(procStat(ctx.world.clock));
  if (p === "/proc/uptime") return file(procUptime(ctx.world.clock));
  const m = /^\/proc\/(self|\d+)(\/.*)?$/.exec(p);
  if (!m) return resolveFs(ctx.container.files, p, ctx.self.uid, own, depth);
  const pid = m[1] === "self" ? ctx.self.pid : Number(m[1]);
  const proc = ctx.ns.procs.get(pid);
  if (!proc) return { kind: "missing" };
  const sub = m[2] ?? "";
  if (sub === "") return { kind: "dir" };
  if (sub === "/stat") return file(`${statLine(proc)}\n`);
  if (sub === "/status") return file(statusText(proc));
  if (sub === "/cgroup") return file(cgroupText(ctx.pod, proc, viewer(ctx)));
  if (sub === "/cmdline") return file(cmdlineBytes(proc.args));
  if (sub === "/comm") return file(`${proc.comm}\n`);
  if (sub === "/root" || sub.startsWith("/root/")) {
    if (!mayTrace(ctx, proc)) return { kind: "denied" };
    const rest = sub.slice("/root".length) || "/";
    const owner = proc.container ? ctx.pod.containers.get(proc.container) : undefined;
    const files = owner?.files ?? new Map<string, SimFile>([["/pause", { content: "", mode: 0o755, uid: 0 }]]);
    return resolveFs(files, rest, ctx.self.uid, own, depth);
  }
  return { kind: "missing" };
}

/** The collector: what COLLECT_SCRIPT prints on this /proc, its CPU samples taken `sample` s apart by the sim's clock. */
function collect(ctx: ExecContext, params: string[], o: Out): number {
  const sample = params[0] ?? "1";
  if (!/^\d$/.test(sample)) {
    o.error("pns: the CPU sample must be 0 to 9 seconds\n");
    return 2;
  }
  const { clock } = ctx.world;
  const up = clock.uptime();
  o.print(`h pns-ps/2 clk=${CLK_TCK} btime=${clock.btime} uptime=${up} self=${ctx.self.pid} sample=${sample}\n`);
  // The shell's glob sorts /proc/[0-9]* as strings.
  const procs = [...ctx.ns.procs.values()].sort((a, b) => (String(a.pid) < String(b.pid) ? -1 : 1));
  // Simulated processes use no CPU, so both samples hold the same ticks; the script's sleep is not waited for.
  if (sample !== "0") {
    for (const t of [up, (Number(up) + Number(sample)).toFixed(2)]) {
      o.print(`t ${t}\n`);
      for (const p of procs) o.print(`k ${p.pid} ${p.utime} ${p.stime} ${p.startTicks}\n`);
    }
  }
  let n = 0;
  for (const p of procs) {
    o.print(`p ${p.pid}\ns ${statLine(p)}\n`);
    o.print(`u ${p.uid} ${p.rssKb ?? ""} 1\n`);
    o.print(`g ${cgroupText(ctx.pod, p, viewer(ctx))}`);
    o.print(`c ${cmdlineHex(p.args)}\ne\n`);
    n += 1;
  }
  o.print(`z ${n}\n`);
  return 0;
}

/** The signal guard: exactly what SIGNAL_SCRIPT does. */
function signalGuard(ctx: ExecContext, params: string[], o: Out): number {
  const [pidText = "", sig = "", wantStart = "", wantCmd = ""] = params;
  const proc = /^\d+$/.test(pidText) ? ctx.ns.procs.get(Number(pidText)) : undefined;
  if (!proc) {
    o.print("pns: gone\n");
    return SignalExit.gone;
  }
  const start = String(proc.startTicks);
  if (start !== wantStart || cmdlineSha256(proc.args) !== wantCmd) {
    o.print(`pns: changed start=${start}\n`);
    return SignalExit.changed;
  }
  if (sendSignal(ctx, sig, proc.pid, o) !== 0) return SignalExit.killFailed;
  o.print("pns: sent\n");
  return SignalExit.sent;
}

/** The file reader: exactly what READ_FILE_SCRIPT does. */
async function readFile(ctx: ExecContext, params: string[], o: Out): Promise<number> {
  const [pid = "", path = "", max = ""] = params;
  if (resolve(ctx, `/proc/${pid}`).kind !== "dir") {
    o.error("pns: no such process\n");
    return ReadFileExit.missing;
  }
  // The root itself: without ptrace access the kernel refuses to follow it (EACCES), whatever the path.
  if (resolve(ctx, `/proc/${pid}/root/`).kind === "denied") {
    o.error("pns: permission denied\n");
    return ReadFileExit.unreadable;
  }
  const r = resolve(ctx, `/proc/${pid}/root${path}`);
  if (r.kind === "missing" || r.kind === "denied") {
    o.error("pns: no such file\n");
    return ReadFileExit.missing;
  }
  if (r.kind === "dir") {
    o.error("pns: is a directory\n");
    return ReadFileExit.directory;
  }
  if (r.kind === "file" && !r.readable) {
    o.error("pns: permission denied\n");
    return ReadFileExit.unreadable;
  }
  if (!/^\d+$/.test(max)) {
    o.error(`head: invalid number '${max}'\n`);
    return 1;
  }
  if (r.kind === "fifo") return 128 + (await ctx.killed);
  o.print(r.data.subarray(0, Number(max)));
  return 0;
}

function sendSignal(ctx: ExecContext, sig: string, pid: number, o: Out): number {
  const n = signalNumber(sig);
  if (n === null) {
    o.error(`kill: bad signal name '${sig}'\n`);
    return 1;
  }
  const outcome = ctx.world.signal(ctx.pod, ctx.ns, pid, n, { container: ctx.container, uid: ctx.self.uid });
  if (outcome === "sent") return 0;
  o.error(
    `kill: can't kill pid ${pid}: ${outcome === "no_such_process" ? "No such process" : "Operation not permitted"}\n`,
  );
  return 1;
}

function kill(ctx: ExecContext, args: string[], o: Out): number {
  let sig = "TERM";
  const pids: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] as string;
    if (pids.length === 0 && (a === "-s" || a === "-n")) {
      sig = args[i + 1] ?? "";
      i += 1;
    } else if (pids.length === 0 && a === "-l") {
      o.print(" 1) HUP\n 2) INT\n 3) QUIT\n 9) KILL\n10) USR1\n12) USR2\n15) TERM\n18) CONT\n19) STOP\n");
      return 0;
    } else if (pids.length === 0 && a.startsWith("-") && a.length > 1 && a !== "--") {
      sig = a.slice(1);
    } else if (a !== "--") {
      pids.push(a);
    }
  }
  if (pids.length === 0) {
    o.error("kill: usage: kill [-s SIG | -SIG] PID...\n");
    return 1;
  }
  if (signalNumber(sig) === null) {
    o.error(`kill: bad signal name '${sig}'\n`);
    return 1;
  }
  let code = 0;
  for (const p of pids) {
    if (!/^\d+$/.test(p)) {
      o.error(`kill: can't kill pid ${p}: No such process\n`);
      code = 1;
      continue;
    }
    if (sendSignal(ctx, sig, Number(p), o) !== 0) code = 1;
  }
  return code;
}

async function readArg(ctx: ExecContext, tool: string, path: string, o: Out): Promise<Buffer | null> {
  const r = resolve(ctx, path);
  if (r.kind === "fifo") {
    await ctx.killed;
    return null;
  }
  if (r.kind === "missing") o.error(`${tool}: can't open '${path}': No such file or directory\n`);
  else if (r.kind === "denied" || (r.kind === "file" && !r.readable))
    o.error(`${tool}: can't open '${path}': Permission denied\n`);
  else if (r.kind === "dir") o.error(`${tool}: read error: Is a directory\n`);
  else return r.data;
  return null;
}

async function cat(ctx: ExecContext, args: string[], o: Out): Promise<number> {
  let code = 0;
  for (const path of args.filter((a) => a !== "--")) {
    const data = await readArg(ctx, "cat", path, o);
    if (data) o.print(data);
    else code = 1;
  }
  return code;
}

async function head(ctx: ExecContext, args: string[], o: Out): Promise<number> {
  let lines = 10;
  let bytes: number | null = null;
  const paths: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i] as string;
    if (a === "-n" || a === "-c") {
      const v = Number(args[i + 1]);
      if (!Number.isInteger(v) || v < 0) {
        o.error(`head: invalid number '${args[i + 1] ?? ""}'\n`);
        return 1;
      }
      if (a === "-n") lines = v;
      else bytes = v;
      i += 1;
    } else if (/^-n\d+$/.test(a)) lines = Number(a.slice(2));
    else if (/^-c\d+$/.test(a)) bytes = Number(a.slice(2));
    else if (/^-\d+$/.test(a)) lines = Number(a.slice(1));
    else paths.push(a);
  }
  let code = 0;
  for (const [i, path] of paths.entries()) {
    if (paths.length > 1) o.print(`${i > 0 ? "\n" : ""}==> ${path} <==\n`);
    const data = await readArg(ctx, "head", path, o);
    if (!data) {
      code = 1;
      continue;
    }
    if (bytes !== null) {
      o.print(data.subarray(0, bytes));
      continue;
    }
    let end = 0;
    for (let n = 0; n < lines && end < data.length; n += 1) {
      const nl = data.indexOf(10, end);
      end = nl < 0 ? data.length : nl + 1;
    }
    o.print(data.subarray(0, end));
  }
  return code;
}

async function sleep(ctx: ExecContext, args: string[], o: Out): Promise<number> {
  const s = Number(args[0]);
  if (!Number.isFinite(s) || s < 0) {
    o.error(`sleep: invalid number '${args[0] ?? ""}'\n`);
    return 1;
  }
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<number>((r) => {
    timer = setTimeout(() => r(0), s * 1000);
  });
  const code = await Promise.race([done, ctx.killed.then((sig) => 128 + sig)]);
  clearTimeout(timer);
  return code;
}

function cpuTime(p: SimProcess): number {
  return Math.floor((p.utime + p.stime) / CLK_TCK);
}

function mss(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function hhmmss(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
}

function argsOf(p: SimProcess): string {
  return p.args.length > 0 ? p.args.join(" ") : `[${p.comm}]`;
}

function statOf(p: SimProcess, ctx: ExecContext): string {
  const state = p === ctx.self ? "R" : p.state;
  return p.role === "main" || p.role === "pause" || p.role === "exec" ? `${state}s` : state;
}

interface Column {
  header: string;
  width: number;
  right: boolean;
  value: (p: SimProcess) => string;
}

function psColumns(ctx: ExecContext, busybox: boolean): Record<string, Column> {
  const clock = ctx.world.clock;
  const elapsed = (p: SimProcess) => Math.max(0, Math.floor((clock.nowTicks() - p.startTicks) / CLK_TCK));
  const col = (header: string, width: number, right: boolean, value: (p: SimProcess) => string): Column => ({
    header,
    width,
    right,
    value,
  });
  const cmd = col("COMMAND", 0, false, argsOf);
  return {
    pid: col("PID", 5, true, (p) => String(p.pid)),
    ppid: col("PPID", 5, true, (p) => String(p.ppid)),
    pgid: col("PGID", 5, true, (p) => String(p.role === "child" ? p.ppid : p.pid)),
    user: col("USER", 8, false, (p) => user(ctx, p.uid)),
    uid: col("UID", 5, true, (p) => String(p.uid)),
    stat: col("STAT", 4, false, (p) => statOf(p, ctx)),
    s: col("S", 1, false, (p) => (p === ctx.self ? "R" : p.state)),
    time: col("TIME", busybox ? 5 : 8, true, (p) => (busybox ? mss(cpuTime(p)) : hhmmss(cpuTime(p)))),
    etime: col("ELAPSED", busybox ? 7 : 11, true, (p) => mss(elapsed(p))),
    rss: col("RSS", 5, true, (p) => String(p.rssKb ?? 0)),
    vsz: col("VSZ", 6, true, (p) => String((p.rssKb ?? 0) * 4)),
    comm: col("COMMAND", 15, false, (p) => p.comm),
    args: cmd,
    cmd,
    command: cmd,
  };
}

function printTable(cols: Column[], procs: SimProcess[], o: Out, header: boolean, headerLeft = false): void {
  const cell = (c: Column, v: string, last: boolean, left = false) =>
    last ? v : c.right && !left ? v.padStart(c.width) : v.padEnd(c.width);
  const lines: string[] = [];
  if (header) lines.push(cols.map((c, i) => cell(c, c.header, i === cols.length - 1, headerLeft)).join(" "));
  for (const p of procs) lines.push(cols.map((c, i) => cell(c, c.value(p), i === cols.length - 1)).join(" "));
  if (lines.length > 0) o.print(`${lines.join("\n")}\n`);
}

function ps(ctx: ExecContext, args: string[], o: Out): number {
  const busybox = ctx.container.profile.ps === "busybox";
  const all = procList(ctx);
  const table = psColumns(ctx, busybox);
  const oIndex = args.findIndex((a) => a === "-o" || a.startsWith("-o"));
  if (oIndex >= 0) {
    const spec = args[oIndex] === "-o" ? (args[oIndex + 1] ?? "") : (args[oIndex] as string).slice(2);
    const names = spec.split(/[,\s]+/).filter(Boolean);
    const header = !names.every((n) => n.endsWith("="));
    const cols: Column[] = [];
    for (const raw of names) {
      const [key = "", label] = raw.split("=");
      const c = table[key.toLowerCase()];
      if (!c) {
        o.error(busybox ? `ps: bad -o argument '${key}'\n` : `error: unknown user-defined format specifier "${key}"\n`);
        return 1;
      }
      cols.push(label !== undefined && label !== "" ? { ...c, header: label } : c);
    }
    const selectAll = busybox || args.some((a) => a === "ax" || a === "aux" || a === "-e" || a === "-A" || a === "-ef");
    printTable(cols, selectAll ? all : all.filter((p) => p.uid === ctx.self.uid), o, header, busybox);
    return 0;
  }
  if (busybox) {
    printTable(
      [table.pid as Column, table.user as Column, table.time as Column, table.args as Column],
      all,
      o,
      true,
      true,
    );
    return 0;
  }
  const mode = args.join(" ");
  const tty: Column = { header: "TTY", width: 8, right: false, value: () => "?" };
  if (mode === "aux" || mode === "-aux" || mode === "auxww") {
    const clock = ctx.world.clock;
    const start = (p: SimProcess) => clock.isoOfTicks(p.startTicks).slice(11, 16);
    const pct = (v: number) => v.toFixed(1);
    printTable(
      [
        table.user as Column,
        table.pid as Column,
        { header: "%CPU", width: 4, right: true, value: () => pct(0) },
        { header: "%MEM", width: 4, right: true, value: (p) => pct(((p.rssKb ?? 0) / 4_000_000) * 100) },
        table.vsz as Column,
        table.rss as Column,
        tty,
        table.stat as Column,
        { header: "START", width: 5, right: false, value: start },
        { header: "TIME", width: 6, right: true, value: (p) => mss(cpuTime(p)) },
        table.args as Column,
      ],
      all,
      o,
      true,
    );
    return 0;
  }
  if (mode === "-ef" || mode === "-eF") {
    const clock = ctx.world.clock;
    printTable(
      [
        { header: "UID", width: 8, right: false, value: (p) => user(ctx, p.uid) },
        table.pid as Column,
        table.ppid as Column,
        { header: "C", width: 1, right: true, value: () => "0" },
        { header: "STIME", width: 5, right: false, value: (p) => clock.isoOfTicks(p.startTicks).slice(11, 16) },
        tty,
        { header: "TIME", width: 8, right: true, value: (p) => hhmmss(cpuTime(p)) },
        { header: "CMD", width: 0, right: false, value: argsOf },
      ],
      all,
      o,
      true,
    );
    return 0;
  }
  const selectAll = ["ax", "-e", "-A", "axww", "-ax"].includes(mode);
  if (selectAll) {
    printTable(
      [
        table.pid as Column,
        tty,
        table.stat as Column,
        { header: "TIME", width: 6, right: true, value: (p) => mss(cpuTime(p)) },
        table.args as Column,
      ],
      all,
      o,
      true,
    );
    return 0;
  }
  printTable(
    [
      table.pid as Column,
      tty,
      { header: "TIME", width: 8, right: true, value: (p) => hhmmss(cpuTime(p)) },
      { header: "CMD", width: 0, right: false, value: (p) => p.comm },
    ],
    all.filter((p) => p.uid === ctx.self.uid),
    o,
    true,
  );
  return 0;
}
