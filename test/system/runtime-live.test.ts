import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseCollectorOutput } from "../../src/core/process/parse-collector.js";
import { detectRuntime } from "../../src/core/process/runtime.js";
import { COLLECT_SCRIPT } from "../../src/core/process/scripts.js";

const workload = join(import.meta.dirname, "../fixtures/proc/runtimes-workload.sh");
let dir = "";
let busyboxBin = "";
let python = "";
const missing = ["java", "javac", "kubectl", "python3", "node"].filter(
  (p) => spawnSync("sh", ["-c", `command -v ${p}`]).status !== 0,
);

beforeAll(() => {
  if (missing.length > 0) throw new Error(`These tests need ${missing.join(", ")} on the machine`);
  dir = mkdtempSync(join(tmpdir(), "pns-runtimes-"));
  writeFileSync(join(dir, "collect.sh"), COLLECT_SCRIPT);
  writeFileSync(
    join(dir, "Sleep.java"),
    "public class Sleep { public static void main(String[] a) throws Exception { Thread.sleep(1000000); } }\n",
  );
  const javac = spawnSync("javac", ["-d", dir, join(dir, "Sleep.java")], { encoding: "utf8" });
  if (javac.status !== 0) throw new Error(`javac failed: ${javac.stderr}`);
  python = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).stdout.trim();
  busyboxBin = join(dir, "bin");
  mkdirSync(busyboxBin);
  for (const applet of ["od", "tr", "head", "grep", "sleep"]) symlinkSync("/usr/bin/busybox", join(busyboxBin, applet));
});

describe("the collector's runtime markers on real runtimes", () => {
  it.each(["busybox sh", "dash", "env PATH=BUSYBOX_BIN /usr/bin/busybox sh"])("under %s", (shell) => {
    const r = spawnSync(
      "unshare",
      [
        "--pid",
        "--fork",
        "--mount-proc",
        "--cgroup",
        "bash",
        workload,
        join(dir, "collect.sh"),
        shell.replace("BUSYBOX_BIN", busyboxBin),
        dir,
        python,
      ],
      { encoding: "utf8", timeout: 40_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const l = parseCollectorOutput(r.stdout);
    expect(l.complete).toBe(true);
    const kinds = new Map(l.processes.map((p) => [p.comm, detectRuntime(p)]));
    // The JVM and the Go binary by what is in their memory and binary, not by their names.
    expect(kinds.get("java")).toEqual({ kind: "jvm", evidence: "libjvm.so is mapped" });
    const go = l.processes.find((p) => p.args[0]?.endsWith("kubectl") && p.args.includes("proxy"));
    expect(go?.runtimeHints).toEqual(["c000000000-", "go-buildid"]);
    expect(detectRuntime(go!).kind).toBe("go");
    const py = l.processes.find((p) => p.args.includes("import time; time.sleep(1000)"));
    expect(py && detectRuntime(py).kind).toBe("python");
    expect(kinds.get("node")?.kind).toBe("node");
    // Nothing else in the namespace claims a runtime it does not run.
    const others = l.processes.filter((p) => !["java", "node"].includes(p.comm) && p !== go && p !== py);
    expect(others.map((p) => [p.comm, detectRuntime(p).kind]).filter(([, k]) => k !== "unknown")).toEqual([]);
  });
});
