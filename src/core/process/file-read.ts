/**
 * Reading a file as a process sees it: the checked path, the protected secret paths handed to READ_FILE_SCRIPT,
 * the script's report and what it means, and the content shapes of secrets.
 */
import { PnsError } from "../errors.js";
import { MAX_SYMLINK_HOPS, ReadFileExit } from "./scripts.js";

/** Longest path pns reads, in bytes (the kernel's PATH_MAX). */
export const MAX_FILE_PATH_BYTES = 4096;

/** Throws unless `path` is absolute, at most {@link MAX_FILE_PATH_BYTES} bytes, without NUL, newline or `..`. */
export function checkPath(path: string): void {
  const bad =
    !path.startsWith("/") ||
    new TextEncoder().encode(path).length > MAX_FILE_PATH_BYTES ||
    /[\0\n]/.test(path) ||
    path.split("/").some((segment) => segment === "..");
  if (bad) {
    throw new PnsError(
      "invalid_command",
      "The file must be an absolute path without `..`, like /etc/nginx/nginx.conf.",
    );
  }
}

/** A path without `//`, `/./`, a trailing `/` or `..` (resolved lexically, never above `/`). */
export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** A path or pattern pns refuses to read without `people.catSecrets`, and why, in words for the message. */
export interface SecretRule {
  /** `dir:<path>` (that path and everything below it) or `glob:<case pattern>` (`*` spans `/`). */
  rule: string;
  why: string;
}

/**
 * The secret paths of every container: service-account tokens (the ServiceAccount admission plugin mounts them at
 * /var/run/secrets/kubernetes.io/serviceaccount, plugin/pkg/admission/serviceaccount/admission.go; /var/run is often
 * a link to /run), password hashes, private keys, kubeconfigs and credential stores.
 */
export const SECRET_RULES: readonly SecretRule[] = [
  { rule: "dir:/var/run/secrets", why: "mounted secrets and service-account tokens" },
  { rule: "dir:/run/secrets", why: "mounted secrets and service-account tokens" },
  { rule: "glob:/etc/shadow*", why: "password hashes" },
  { rule: "glob:/etc/gshadow*", why: "password hashes" },
  { rule: "glob:*.key", why: "a private key" },
  { rule: "glob:*/id_rsa", why: "an SSH private key" },
  { rule: "glob:*/id_dsa", why: "an SSH private key" },
  { rule: "glob:*/id_ecdsa", why: "an SSH private key" },
  { rule: "glob:*/id_ecdsa_sk", why: "an SSH private key" },
  { rule: "glob:*/id_ed25519", why: "an SSH private key" },
  { rule: "glob:*/id_ed25519_sk", why: "an SSH private key" },
  { rule: "glob:*/ssh_host_*_key", why: "an SSH host key" },
  { rule: "glob:*/.kube/config", why: "a kubeconfig" },
  { rule: "glob:*.kubeconfig", why: "a kubeconfig" },
  { rule: "glob:*/kubeconfig", why: "a kubeconfig" },
  { rule: "glob:/etc/kubernetes/*.conf", why: "a kubeconfig" },
  { rule: "glob:*/.docker/config.json", why: "registry credentials" },
  { rule: "glob:*/.git-credentials", why: "git credentials" },
];

/** The rules for one read: the built-in ones and the pod's secret volumes mounted in the process's container. */
export function secretRules(mountPaths: readonly string[]): SecretRule[] {
  const mounts = [...new Set(mountPaths.map(normalizePath))]
    .filter((p) => p !== "/")
    .map((p) => ({ rule: `dir:${p}`, why: "a secret volume of the pod" }));
  return [...SECRET_RULES, ...mounts];
}

/** The positional arguments of READ_FILE_SCRIPT: PID, path, byte cap and the protected paths (none: secrets allowed). */
export function readFileArgs(pid: number, path: string, maxBytes: number, rules: readonly SecretRule[]): string[] {
  checkPath(path);
  if (!Number.isSafeInteger(pid) || pid < 1) throw new RangeError(`not a PID: ${pid}`);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`not a byte count: ${maxBytes}`);
  for (const r of rules) if (!/^(?:dir:\/|glob:)[^\0]*$/.test(r.rule)) throw new RangeError(`not a rule: ${r.rule}`);
  return [String(pid), path, String(maxBytes), ...rules.map((r) => r.rule)];
}

/** What READ_FILE_SCRIPT said on its standard error, paths decoded. */
export interface ReadFileReport {
  /** The file read, once every link is resolved (from `file`). */
  file: string | null;
  /** The last symbolic link followed. */
  via: string | null;
  /** The failure word (`missing`, `denied`, `fifo`, `secret` …) and the path or rule it is about. */
  why: string | null;
  at: string | null;
  /** The process's fsuid and fsgid, given with `denied`. */
  as: { uid: string; gid: string } | null;
  /** The tool missing from the debug image. */
  tool: string | null;
}

function unhex(h: string): string {
  return /^(?:[0-9a-f]{2})*$/.test(h) ? Buffer.from(h, "hex").toString("utf8") : h;
}

/** Reads READ_FILE_SCRIPT's `pns: …` lines. */
export function parseReadFileReport(stderr: string): ReadFileReport {
  const report: ReadFileReport = { file: null, via: null, why: null, at: null, as: null, tool: null };
  for (const line of stderr.split("\n")) {
    const m = /^pns: ([a-z]+)(?: (.*))?$/.exec(line);
    if (!m) continue;
    const [, word = "", rest = ""] = m;
    if (word === "file") report.file = unhex(rest) || "/";
    else if (word === "via") report.via = unhex(rest);
    else if (word === "tools") report.tool = rest;
    else if (word === "as") {
      const [uid = "?", gid = "?"] = rest.split(" ");
      report.as = { uid, gid };
    } else {
      report.why = word;
      report.at = word === "gone" ? null : unhex(rest) || "/";
    }
  }
  return report;
}

/** Where a refused read happened, for the messages. */
export interface ReadFileWhere {
  pid: number;
  path: string;
  /** The process's container; null when unknown. */
  container: string | null;
  /** The pod (the copy's source for a copy), for `kubectl logs`. */
  pod: string;
  rules: readonly SecretRule[];
}

const STDIO = /^\/(?:dev\/(?:stdout|stderr|stdin|fd(?:\/\d+)?|console)|proc\/self\/fd\/\d+)$/;

/** A path as inline code in a message (a backtick in it becomes `'`). */
export function quotePath(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``;
}

/**
 * The cause of a read's PnsError `forbidden` when the kernel refused the debug container itself (no ptrace-read access
 * to the process, or its uid may not search or read on the way): a debug container of a more privileged profile
 * (SYS_PTRACE, or the target's uid) may read it, unlike a refusal of the process's own rights or of the cluster (RBAC).
 */
export class ReadDenied extends Error {
  override readonly name = "ReadDenied";
}

/** The error for a READ_FILE_SCRIPT exit other than ok, or null when the exit is not one of the script's own. */
export function readFileError(exit: number, report: ReadFileReport, where: ReadFileWhere): PnsError | null {
  const { pid, path } = where;
  const of = `${quotePath(path)} of PID ${pid}`;
  const at = report.at ?? path;
  const led = report.via && at !== path ? ` (it leads to ${quotePath(at)})` : "";
  switch (exit) {
    case ReadFileExit.gone:
      return new PnsError("process_gone", `PID ${pid} is no longer running.`, {
        hint: `Run \`/pns ps ${where.pod}\` to see its processes.`,
      });
    case ReadFileExit.missing:
      if (report.why === "notdir")
        return new PnsError("not_found", `There is no file ${of}: ${quotePath(at)} is not a directory.`);
      return new PnsError(
        "not_found",
        at === path || at === "/"
          ? `There is no file ${of}.`
          : `There is no file ${of}: ${quotePath(at)} does not exist${report.via ? ` (after the link ${quotePath(report.via)})` : ""}.`,
      );
    case ReadFileExit.directory:
      return new PnsError("invalid_command", `${of} is a directory${led}: name a file.`);
    case ReadFileExit.unreadable: {
      const who = report.as ? ` (uid ${report.as.uid}, gid ${report.as.gid})` : "";
      const what = at === (report.file ?? path) || at === path ? "read it" : `search ${quotePath(at)}`;
      return new PnsError(
        "forbidden",
        `Permission denied: PID ${pid}${who} may not ${what}, so pns does not show ${quotePath(path)}.`,
        {
          hint: "pns reads a file only when the process itself could. Pick a process of that container that runs as a user who may read it.",
        },
      );
    }
    case ReadFileExit.special: {
      const kinds: Record<string, string> = {
        fifo: "a FIFO (named pipe)",
        socket: "a socket",
        device: "a device",
        other: "not a regular file",
      };
      if (report.why === "kernel") {
        const via = report.via ?? "";
        if (STDIO.test(via)) {
          const container = where.container ? ` -c ${where.container}` : "";
          return new PnsError(
            "invalid_command",
            `${of} is a link to ${quotePath(via)}: the container's own output, not a file, and reading it would wait forever.`,
            { hint: `Its lines are in the container's log: \`kubectl logs ${where.pod}${container}\`.` },
          );
        }
        return new PnsError(
          "invalid_command",
          `${of} is in ${quotePath(at)}${report.via ? ` (through the link ${quotePath(report.via)})` : ""}: the kernel's view, not a file of the container. pns does not read /proc or /sys through a process.`,
        );
      }
      const kind = kinds[report.why ?? "other"] ?? kinds.other;
      return new PnsError(
        "invalid_command",
        `${of} is ${kind}${led}: pns reads regular files only (reading it could wait forever).`,
      );
    }
    case ReadFileExit.secret: {
      const rule = where.rules.find((r) => r.rule === `dir:${at}` || r.rule === `glob:${at}`);
      const why = rule?.why ?? "a secret";
      return new PnsError(
        "not_allowed",
        `${of} is ${why === "a secret" ? why : `secret (${why})`}: pns does not show it.`,
        {
          hint: "People under `people.catSecrets` in the pns configuration may read secrets (still redacted).",
        },
      );
    }
    case ReadFileExit.noAccess:
      return new PnsError(
        "forbidden",
        at === "/"
          ? `pns's debug container may not look into the files of PID ${pid} (/proc/${pid}/root).`
          : `pns's debug container may not read ${quotePath(at)} in the files of PID ${pid}.`,
        {
          cause: new ReadDenied(at),
          hint: "Reading another uid's files through /proc/PID/root needs SYS_PTRACE (the `general` debug profile, where Pod Security allows it) or the same uid (the `restricted` profile runs as the target container's uid).",
        },
      );
    case ReadFileExit.tooManyLinks:
      return new PnsError(
        "invalid_command",
        `${of} goes through more than ${MAX_SYMLINK_HOPS} symbolic links (a loop at ${quotePath(at)}?).`,
      );
    case ReadFileExit.toolMissing:
      return new PnsError(
        "exec_failed",
        `The debug image has no \`${report.tool ?? "stat"}\`, so pns cannot read files.`,
        {
          hint: "Set `debug.image` to a busybox image.",
        },
      );
    default:
      return null;
  }
}

/** The content shapes of secrets: what the text looks like, or null. */
export function secretShapeOf(text: string): string | null {
  if (/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/.test(text) || /^PuTTY-User-Key-File-\d+:/m.test(text))
    return "a private key";
  const kubeconfig =
    /^\s*["']?kind["']?\s*:\s*["']?Config["']?\s*,?\s*$/m.test(text) &&
    /["']?(?:users|clusters|contexts)["']?\s*:/.test(text);
  if (kubeconfig) return "a kubeconfig";
  // shadow(5): nine colon-separated fields (passwd(5) has seven).
  if (/^[a-z_][a-z0-9_.-]*\$?:[^:\n]*:\d*:\d*:\d*:\d*:\d*:\d*:[^:\n]*$/m.test(text)) return "a shadow password file";
  if (/^\s*eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]+\s*$/.test(text)) return "a token (JWT)";
  return null;
}
