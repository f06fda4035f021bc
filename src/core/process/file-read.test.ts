import { describe, expect, it } from "vitest";
import { PnsError } from "../errors.js";
import {
  checkPath,
  normalizePath,
  parseReadFileReport,
  readFileArgs,
  readFileError,
  SECRET_RULES,
  secretRules,
  secretShapeOf,
} from "./file-read.js";
import { ReadFileExit } from "./scripts.js";

const hex = (s: string) => Buffer.from(s).toString("hex");
const where = { pid: 8, path: "/var/log/nginx/access.log", container: "nginx", pod: "nginx", rules: SECRET_RULES };

describe("checkPath", () => {
  it.each(["etc/passwd", "/etc/../root", "/etc/a\nb", "/etc/\0", `/${"a".repeat(4096)}`])("refuses %j", (path) => {
    expect(() => checkPath(path)).toThrow(PnsError);
  });
  it("takes an absolute path", () => expect(() => checkPath("/etc/nginx/nginx.conf")).not.toThrow());
});

describe("secretRules and readFileArgs", () => {
  it("adds the pod's secret mounts, normalised, after the built-in rules", () => {
    const rules = secretRules(["/etc/creds/", "/etc//creds", "/", "/a/./b/../c"]);
    expect(rules.slice(SECRET_RULES.length).map((r) => r.rule)).toEqual(["dir:/etc/creds", "dir:/a/c"]);
    expect(normalizePath("/../x")).toBe("/x");
  });

  it("passes PID, path, cap and rules as positional arguments; none when secrets are allowed", () => {
    expect(readFileArgs(8, "/etc/hosts", 101, [])).toEqual(["8", "/etc/hosts", "101"]);
    expect(readFileArgs(8, "/etc/hosts", 101, SECRET_RULES).slice(3, 5)).toEqual([
      "dir:/var/run/secrets",
      "dir:/run/secrets",
    ]);
    expect(() => readFileArgs(0, "/etc/hosts", 1, [])).toThrow(RangeError);
    expect(() => readFileArgs(1, "/etc/hosts", 1, [{ rule: "rm -rf /", why: "" }])).toThrow(RangeError);
  });
});

describe("parseReadFileReport", () => {
  it("decodes the hex paths, a newline in one included", () => {
    const r = parseReadFileReport(`pns: via ${hex("/a\nb")}\npns: as 101 101\npns: denied ${hex("/etc/x")}\n`);
    expect(r).toEqual({
      file: null,
      via: "/a\nb",
      why: "denied",
      at: "/etc/x",
      as: { uid: "101", gid: "101" },
      tool: null,
    });
    expect(parseReadFileReport(`pns: file ${hex("/etc/hosts")}\n`).file).toBe("/etc/hosts");
    expect(parseReadFileReport("pns: gone\n")).toMatchObject({ why: "gone", at: null });
    expect(parseReadFileReport("sh: od: not found\n").why).toBeNull();
  });
});

describe("readFileError", () => {
  const err = (exit: number, stderr: string, w = where) => readFileError(exit, parseReadFileReport(stderr), w);

  it("points a link to /dev/stdout at the container's log", () => {
    const e = err(ReadFileExit.special, `pns: via ${hex("/dev/stdout")}\npns: kernel ${hex("/proc")}\n`);
    expect(e?.userMessage).toBe(
      "`/var/log/nginx/access.log` of PID 8 is a link to `/dev/stdout`: the container's own output, not a file, and reading it would wait forever.",
    );
    expect(e?.hint).toBe("Its lines are in the container's log: `kubectl logs nginx -c nginx`.");
  });

  it.each([
    [
      ReadFileExit.special,
      `pns: via ${hex("/tmp/l")}\npns: fifo ${hex("/tmp/p")}`,
      "invalid_command",
      "is a FIFO (named pipe) (it leads to `/tmp/p`)",
    ],
    [ReadFileExit.special, `pns: kernel ${hex("/proc")}`, "invalid_command", "the kernel's view"],
    [
      ReadFileExit.missing,
      `pns: missing ${hex(where.path)}`,
      "not_found",
      "There is no file `/var/log/nginx/access.log` of PID 8.",
    ],
    [ReadFileExit.missing, `pns: notdir ${hex("/var/log")}`, "not_found", "`/var/log` is not a directory"],
    [
      ReadFileExit.unreadable,
      `pns: as 101 101\npns: denied ${hex("/var/log")}`,
      "forbidden",
      "(uid 101, gid 101) may not search `/var/log`",
    ],
    [
      ReadFileExit.noAccess,
      `pns: noaccess ${hex("/")}`,
      "forbidden",
      "may not look into the files of PID 8 (/proc/8/root)",
    ],
    [
      ReadFileExit.secret,
      `pns: secret ${hex("/var/run/secrets")}`,
      "not_allowed",
      "is secret (mounted secrets and service-account tokens)",
    ],
    [ReadFileExit.secret, `pns: secret ${hex("*/.kube/config")}`, "not_allowed", "is secret (a kubeconfig)"],
    [ReadFileExit.tooManyLinks, `pns: loop ${hex("/a")}`, "invalid_command", "more than 40 symbolic links"],
    [ReadFileExit.gone, "pns: gone", "process_gone", "PID 8 is no longer running."],
    [ReadFileExit.toolMissing, "pns: tools stat", "exec_failed", "The debug image has no `stat`"],
  ])("explains exit %i (%s)", (exit, stderr, code, says) => {
    const e = err(exit, `${stderr}\n`);
    expect([e?.code, e?.userMessage]).toEqual([code, expect.stringContaining(says)]);
  });

  it("leaves exits that are not the script's own to the caller", () => {
    expect(err(127, "sh: not found\n")).toBeNull();
    expect(err(137, "")).toBeNull();
  });

  it("quotes a path holding a backtick without breaking the code span", () => {
    const e = err(ReadFileExit.directory, `pns: directory ${hex("/a`b")}\n`, { ...where, path: "/a`b" });
    expect(e?.userMessage).toBe("`/a'b` of PID 8 is a directory: name a file.");
  });
});

describe("secretShapeOf", () => {
  it.each([
    ["a PEM private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n", "a private key"],
    ["an OpenSSH key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n", "a private key"],
    ["an encrypted key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", "a private key"],
    ["a kubeconfig", "apiVersion: v1\nkind: Config\nusers:\n- name: a\n  user:\n    token: x\n", "a kubeconfig"],
    ["a JSON kubeconfig", '{\n"kind": "Config",\n"users": []\n}', "a kubeconfig"],
    ["/etc/shadow", "root:$6$salt$hash:19000:0:99999:7:::\n", "a shadow password file"],
    ["a bare JWT", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl\n", "a token (JWT)"],
  ])("recognises %s", (_name, text, shape) => expect(secretShapeOf(text)).toBe(shape));

  it.each([
    ["/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnginx:x:101:101::/nonexistent:/bin/false\n"],
    ["a certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"],
    ["nginx.conf", "user nginx;\nworker_processes 1;\n"],
    ["a Deployment", "apiVersion: apps/v1\nkind: Deployment\nspec: {}\n"],
  ])("leaves %s alone", (_name, text) => expect(secretShapeOf(text)).toBeNull());
});
