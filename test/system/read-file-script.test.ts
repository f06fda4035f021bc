import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReadFileReport, readFileArgs, SECRET_RULES } from "../../src/core/process/file-read.js";
import { READ_FILE_SCRIPT, ReadFileExit, scriptArgv } from "../../src/core/process/scripts.js";

/** Runs READ_FILE_SCRIPT as the adapters do, with the given shell binary. */
function run(shell: string[], pid: number, path: string) {
  const [, ...rest] = scriptArgv(READ_FILE_SCRIPT, readFileArgs(pid, path, 100, SECRET_RULES));
  const [bin, ...pre] = shell;
  const r = spawnSync(bin ?? "sh", [...pre, ...rest], { encoding: "utf8", timeout: 10_000 });
  return { exit: r.status, stdout: r.stdout, report: parseReadFileReport(r.stderr) };
}

// A PATH of busybox applets only, as in a busybox debug image; the other shells use the host's coreutils.
const appletDir = mkdtempSync(join(tmpdir(), "pns-applets-"));
for (const applet of ["od", "tr", "head", "stat", "readlink"]) symlinkSync("/usr/bin/busybox", join(appletDir, applet));

const shells: [string, string[]][] = [
  ["busybox sh", ["busybox", "sh"]],
  ["dash with coreutils", ["dash"]],
  ["bash with coreutils", ["bash"]],
  ["busybox sh with busybox applets", ["env", `PATH=${appletDir}`, "/usr/bin/busybox", "sh"]],
];

// A process (uid 1000, no capabilities) whose root is a directory of its own: /proc/PID/root is that directory.
let root: string;
let target: ChildProcess;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "pns-root-"));
  chmodSync(root, 0o755); // uid 1000 must be able to search its own root
  const put = (path: string, content: string, mode = 0o644, uid = 0) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), content);
    chownSync(join(root, path), uid, uid);
    chmodSync(join(root, path), mode);
  };
  copyFileSync("/usr/bin/busybox", join(root, "busybox"));
  chmodSync(join(root, "busybox"), 0o755);
  put("/etc/app.conf", "the target's own\n");
  symlinkSync("/etc/app.conf", join(root, "etc/abs"));
  mkdirSync(join(root, "srv"));
  symlinkSync("../../../../etc/app.conf", join(root, "srv/up"));
  mkdirSync(join(root, "dev"));
  symlinkSync("/proc/self/fd/1", join(root, "dev/stdout"));
  mkdirSync(join(root, "var/log"), { recursive: true });
  symlinkSync("/dev/stdout", join(root, "var/log/access.log"));
  execFileSync("mkfifo", [join(root, "pipe")]);
  put("/private", "root's\n", 0o600, 0);
  put("/home/u/notes", "mine\n", 0o600, 1000);
  mkdirSync(join(root, "run/secrets"), { recursive: true });
  put("/run/secrets/token", "eyJ…\n");
  symlinkSync("/run", join(root, "var/run"));
  symlinkSync("/var/run/secrets/token", join(root, "tok"));
  mkdirSync(join(root, "proc"));
  target = spawn("chroot", ["--userspec=1000:1000", root, "/busybox", "sleep", "300"], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 300));
  if (target.exitCode !== null) throw new Error(`the chrooted sleep exited (${target.exitCode})`);
});

afterAll(() => {
  target?.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

describe.each(shells)("READ_FILE_SCRIPT under %s", (_name, shell) => {
  const read = (path: string) => run(shell, target.pid ?? 0, path);

  it("follows an absolute link inside the target's root and never climbs above it", () => {
    expect(read("/etc/abs")).toMatchObject({ exit: 0, stdout: "the target's own\n" });
    expect(read("/srv/up")).toMatchObject({ exit: 0, report: { file: "/etc/app.conf", via: "/srv/up" } });
  });

  it("refuses a FIFO and a link to /dev/stdout at once", () => {
    expect(read("/pipe")).toMatchObject({ exit: ReadFileExit.special, report: { why: "fifo" } });
    expect(read("/var/log/access.log")).toMatchObject({
      exit: ReadFileExit.special,
      report: { why: "kernel", via: "/dev/stdout" },
    });
  });

  it("reads with the process's uid: root's 0600 file is denied, its own is read", () => {
    expect(read("/private")).toMatchObject({
      exit: ReadFileExit.unreadable,
      report: { why: "denied", at: "/private", as: { uid: "1000", gid: "1000" } },
    });
    expect(read("/home/u/notes")).toMatchObject({ exit: 0, stdout: "mine\n" });
  });

  it("refuses a secret through /var/run, a link to /run", () => {
    expect(read("/var/run/secrets/token")).toMatchObject({ exit: ReadFileExit.secret, stdout: "" });
    expect(read("/tok")).toMatchObject({ exit: ReadFileExit.secret, report: { at: "/run/secrets" } });
  });
});
