/** The emulated runtime's READ_FILE_SCRIPT: the same walk, checks, report lines and exit codes as the script. */
import { MAX_SYMLINK_HOPS, ReadFileExit } from "../../core/process/scripts.js";
import type { SimFile } from "./images.js";
import { effectiveCaps, identityOf, isConfigError } from "./runtime/security.js";
import type { ExecContext } from "./shell.js";
import type { ContainerRuntime, SimProcess } from "./world.js";

/** Where the script's output goes. */
export interface ScriptOut {
  print(s: string | Buffer): void;
  error(s: string): void;
}

type Kind = "file" | "dir" | "link" | "fifo" | "socket" | "device";

interface Node {
  kind: Kind;
  mode: number;
  uid: number;
  gid: number;
  data: Buffer;
  target: string;
}

/** Who checks a permission: the process's fsuid, fsgid and groups, and whether it bypasses modes. */
interface Who {
  uid: number;
  gid: number;
  groups: number[];
  /** CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH in its effective set (fs/namei.c `generic_permission`). */
  dac: boolean;
}

/** Directories every image has, beyond those its files imply. */
const IMPLICIT_DIRS = new Set(["/proc", "/sys", "/etc", "/tmp", "/bin", "/usr", "/var", "/dev", "/root", "/run"]);

function kindOf(f: SimFile): Kind {
  if (f.link !== undefined) return "link";
  if (f.fifo) return "fifo";
  if (f.device) return "device";
  if (f.dir) return "dir";
  return "file";
}

/** lstat(2) in a container's emulated files; directories without an entry are root's, 0755. */
function lstat(files: Map<string, SimFile>, path: string): Node | null {
  const p = path === "" ? "/" : path;
  const f = files.get(p);
  if (f) {
    return {
      kind: kindOf(f),
      mode: f.mode,
      uid: f.uid,
      gid: f.gid ?? f.uid,
      data: Buffer.from(f.content),
      target: f.link ?? "",
    };
  }
  const dir = { kind: "dir", mode: 0o755, uid: 0, gid: 0, data: Buffer.alloc(0), target: "" } as const;
  if (p === "/" || IMPLICIT_DIRS.has(p)) return { ...dir };
  for (const k of files.keys()) if (k.startsWith(`${p}/`)) return { ...dir };
  return null;
}

/** acl_permission_check (fs/namei.c): the owner's bits, else the group's, else the others'; `bit` 4 read, 1 search. */
function permits(who: Who, node: Node, bit: number): boolean {
  if (who.dac) return true;
  const bits =
    node.uid === who.uid
      ? node.mode >> 6
      : node.gid === who.gid || who.groups.includes(node.gid)
        ? node.mode >> 3
        : node.mode;
  return (bits & bit) !== 0;
}

function dacOf(uid: number, container: ContainerRuntime | undefined): boolean {
  if (!container) return true;
  const caps = effectiveCaps({ uid, caps: container.caps });
  return caps.includes("DAC_OVERRIDE") || caps.includes("DAC_READ_SEARCH");
}

/** The gid and groups the kubelet gives a container's processes (its securityContext; the image's user is root). */
function groupsOf(ctx: ExecContext, container: ContainerRuntime, uid: number): { gid: number; groups: number[] } {
  const spec = ctx.world.containerSpec(ctx.pod, container.name);
  const identity = spec ? identityOf(ctx.pod, spec, { uid: 0, gid: 0 }) : null;
  // A process that changed its uid (nginx's workers) took that user's group, as initgroups does.
  if (!identity || isConfigError(identity) || uid !== container.uid) return { gid: uid, groups: [uid] };
  return { gid: identity.gid, groups: identity.additionalGids };
}

function targetOf(ctx: ExecContext, proc: SimProcess): Who {
  const owner = proc.container ? ctx.pod.containers.get(proc.container) : undefined;
  if (!owner) return { uid: proc.uid, gid: proc.uid, groups: [], dac: true };
  return { uid: proc.uid, ...groupsOf(ctx, owner, proc.uid), dac: dacOf(proc.uid, owner) };
}

function readerOf(ctx: ExecContext): Who {
  return { uid: ctx.self.uid, ...groupsOf(ctx, ctx.container, ctx.self.uid), dac: dacOf(ctx.self.uid, ctx.container) };
}

const hex = (s: string) => Buffer.from(s).toString("hex");

/** A `case` pattern as a RegExp: `*` (spanning `/`), `?`, `[…]` with `!` negation, `\` quoting. */
export function casePattern(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i += 1) {
    const ch = glob[i] as string;
    if (ch === "*") re += "[\\s\\S]*";
    else if (ch === "?") re += "[\\s\\S]";
    else if (ch === "\\" && i + 1 < glob.length) re += `\\${glob[++i]}`.replace(/^\\([A-Za-z0-9])$/, "$1");
    else if (ch === "[" && glob.indexOf("]", i + 2) > 0) {
      const end = glob.indexOf("]", i + 2);
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith("!");
      if (negate) body = body.slice(1);
      re += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = end;
    } else re += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

interface Walk {
  cur: string;
  link: string;
  why: string;
  at: string;
}

/** Runs READ_FILE_SCRIPT's arguments against the emulated files, printing what the script prints. */
export function readFileScript(ctx: ExecContext, params: string[], o: ScriptOut): number {
  const [pidText = "", want = "", max = "", ...rules] = params;
  const say = (what: string, path: string) => o.error(`pns: ${what} ${hex(path)}\n`);
  const proc = /^\d+$/.test(pidText) ? ctx.ns.procs.get(Number(pidText)) : undefined;
  if (!proc) {
    o.error("pns: gone\n");
    return ReadFileExit.gone;
  }
  if (!ctx.world.mayTrace(ctx.pod, { container: ctx.container, uid: ctx.self.uid }, proc)) {
    say("noaccess", "/");
    return ReadFileExit.noAccess;
  }
  const owner = proc.container ? ctx.pod.containers.get(proc.container) : undefined;
  const files = owner?.files ?? new Map<string, SimFile>([["/pause", { content: "", mode: 0o755, uid: 0 }]]);
  const target = targetOf(ctx, proc);
  const reader = readerOf(ctx);
  const w: Walk = { cur: "", link: "", why: "", at: "" };
  /** Records why the walk or a check stopped; always false. */
  const stop = (why: string, at = w.at): false => {
    Object.assign(w, { why, at });
    return false;
  };

  // check(): the process may (denied), then the debug container may (noaccess).
  const check = (bit: number, path: string): boolean => {
    const node = lstat(files, path);
    if (!node) return stop("noaccess");
    if (!permits(target, node, bit)) return stop("denied");
    if (!permits(reader, node, bit)) return stop("noaccess");
    return true;
  };

  const walk = (start: string, perm: boolean): boolean => {
    Object.assign(w, { cur: "", link: "", why: "", at: "" });
    let rest = start;
    let hops = 0;
    while (rest !== "") {
      const slash = rest.indexOf("/");
      const c = slash < 0 ? rest : rest.slice(0, slash);
      rest = slash < 0 ? "" : rest.slice(slash + 1);
      if (c === "" || c === ".") continue;
      if (c === "..") {
        w.cur = w.cur.slice(0, Math.max(0, w.cur.lastIndexOf("/")));
        continue;
      }
      if (perm && !check(1, w.cur || "/")) {
        w.at = w.cur || "/";
        return false;
      }
      const next = `${w.cur}/${c}`;
      const node = lstat(files, next);
      if (node?.kind === "link") {
        hops += 1;
        if (hops > MAX_SYMLINK_HOPS) return stop("loop", next);
        const t = node.target.replace(/\n$/, "");
        if (t === "") return stop("missing", next);
        w.link = next;
        if (t.startsWith("/")) w.cur = "";
        rest = rest === "" ? t : `${t}/${rest}`;
        continue;
      }
      if (!node) return stop("missing", next);
      w.cur = next;
      if (w.cur === "/proc" || w.cur === "/sys") return stop("kernel", w.cur);
      if (rest !== "" && node.kind !== "dir") return stop("notdir", w.cur);
    }
    return true;
  };

  const fail = (): number => {
    if (w.link) say("via", w.link);
    if (w.why === "denied") o.error(`pns: as ${target.uid} ${target.gid}\n`);
    say(w.why, w.at);
    const exits: Record<string, number> = {
      missing: ReadFileExit.missing,
      notdir: ReadFileExit.missing,
      denied: ReadFileExit.unreadable,
      noaccess: ReadFileExit.noAccess,
      loop: ReadFileExit.tooManyLinks,
      directory: ReadFileExit.directory,
    };
    return exits[w.why] ?? ReadFileExit.special;
  };

  const protect = (path: string): string | null => {
    for (const r of rules) {
      if (r.startsWith("dir:")) {
        const d = r.slice(4);
        if (path === d || path.startsWith(`${d}/`)) return d;
      } else if (r.startsWith("glob:") && casePattern(r.slice(5)).test(path)) return r.slice(5);
    }
    return null;
  };
  const secret = (rule: string): number => {
    say("secret", rule);
    return ReadFileExit.secret;
  };

  const asked = protect(want);
  if (asked !== null) return secret(asked);
  if (!walk(want, true)) return fail();
  const file = w.cur || "/";
  const via = w.link;
  const resolved = protect(file);
  if (resolved !== null) return secret(resolved);
  for (const r of rules) {
    if (!r.startsWith("dir:")) continue;
    if (!walk(r.slice(4), false)) continue;
    const d = w.cur || "/";
    if (file === d || file.startsWith(`${d}/`)) return secret(r.slice(4));
  }
  Object.assign(w, { link: via, at: file, why: "" });
  const node = lstat(files, file);
  if (node?.kind === "dir") {
    w.why = "directory";
    return fail();
  }
  if (node?.kind !== "file") {
    w.why =
      node?.kind === "fifo"
        ? "fifo"
        : node?.kind === "socket"
          ? "socket"
          : node?.kind === "device"
            ? "device"
            : "other";
    return fail();
  }
  if (!check(4, file)) return fail();
  if (w.link) say("via", w.link);
  say("file", file);
  if (!/^\d+$/.test(max)) {
    o.error(`head: invalid number '${max}'\n`);
    return 1;
  }
  o.print(node.data.subarray(0, Number(max)));
  return ReadFileExit.ok;
}
