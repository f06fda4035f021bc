import { describe, expect, it } from "vitest";
import { createRedactor } from "../redact/redactor.js";
import { parseCollectorOutput } from "./parse-collector.js";
import { toRows } from "./rows.js";
import { detectRuntime, type RuntimeKind } from "./runtime.js";

const cases: { name: string; comm: string; args: string[]; hints?: string[]; kind: RuntimeKind; evidence?: string }[] =
  [
    {
      name: "a JVM by its mapped libjvm.so",
      comm: "java",
      args: ["java", "-jar", "app.jar"],
      hints: ["libjvm.so"],
      kind: "jvm",
      evidence: "libjvm.so is mapped",
    },
    {
      name: "a JVM renamed, by libjvm.so only",
      comm: "orders",
      args: ["/opt/orders/bin/orders"],
      hints: ["libjvm.so"],
      kind: "jvm",
    },
    {
      name: "a JVM by its command line when maps are unreadable",
      comm: "java",
      args: ["/usr/bin/java", "-jar", "a.jar"],
      kind: "jvm",
      evidence: "command line",
    },
    {
      name: "Go by its build ID note",
      comm: "agent",
      args: ["/agent"],
      hints: ["c000000000-", "go-buildid"],
      kind: "go",
      evidence: "Go build ID note in its binary",
    },
    {
      name: "Go on arm64 by its heap arena only",
      comm: "agent",
      args: ["/agent"],
      hints: ["4000000000-"],
      kind: "go",
      evidence: "Go heap arena mapped",
    },
    {
      name: "CPython by libpython",
      comm: "gunicorn",
      args: ["/usr/local/bin/python", "/usr/local/bin/gunicorn"],
      hints: ["libpython"],
      kind: "python",
    },
    { name: "CPython by name", comm: "python3.12", args: ["python3.12", "-m", "http.server"], kind: "python" },
    { name: "Node.js by name", comm: "node", args: ["node", "server.js"], kind: "node" },
    {
      name: "the nginx master by its title",
      comm: "nginx",
      args: ["nginx: master process nginx -g daemon off;"],
      kind: "nginx-master",
    },
    { name: "an nginx worker by its title", comm: "nginx", args: ["nginx: worker process"], kind: "nginx-worker" },
    {
      name: ".NET by libcoreclr.so",
      comm: "dotnet",
      args: ["dotnet", "api.dll"],
      hints: ["libcoreclr.so"],
      kind: "dotnet",
    },
    { name: "the Erlang VM", comm: "beam.smp", args: ["/usr/lib/erlang/erts/bin/beam.smp"], kind: "beam" },
    { name: "a shell stays unknown", comm: "sh", args: ["sh", "-c", "java -jar x"], kind: "unknown", evidence: "" },
    {
      name: "a script named like a runtime in an argument stays unknown",
      comm: "sleep",
      args: ["sleep", "node"],
      kind: "unknown",
    },
    { name: "a marker pns does not know is ignored", comm: "x", args: ["/x"], hints: ["libfoo"], kind: "unknown" },
  ];

describe("detectRuntime", () => {
  it.each(cases)("$name", ({ comm, args, hints, kind, evidence }) => {
    const r = detectRuntime({ comm, args, ...(hints ? { runtimeHints: hints } : {}) });
    expect(r.kind).toBe(kind);
    if (evidence !== undefined) expect(r.evidence).toBe(evidence);
  });
});

const hex = (args: string[]) => Buffer.from(`${args.join("\0")}\0`).toString("hex");
const record = (pid: number, comm: string, args: string[]) =>
  [
    `p ${pid}`,
    `s ${pid} (${comm}) S 0 ${pid} ${pid} 0 -1 4194560 412 0 0 0 1 1 0 0 20 0 1 0 ${4000 + pid} 1 1 1`,
    "u 0 1000 20",
    "g 0::/",
    `c ${hex(args)}`,
    "e",
  ].join("\n");

describe("the collector's r lines", () => {
  const text = [
    "h pns-ps/2 clk=100 btime=1796009612 uptime=380.98 self=99 sample=0",
    "r 7 libjvm.so",
    "r 7 libjvm.so",
    "r 9 c000000000-",
    "r 9 go-buildid",
    "r 9 /tmp/forged",
    "r x libjvm.so",
    "r 12",
    record(7, "orders", ["/opt/orders/bin/orders"]),
    record(9, "agent", ["/agent"]),
    record(11, "sh", ["sh"]),
    // An r line inside a record is not the collector's: it is ignored.
    "p 12",
    "r 12 libjvm.so",
    `s 12 (sh) S 0 12 12 0 -1 4194560 412 0 0 0 1 1 0 0 20 0 1 0 4012 1 1 1`,
    "u 0 1000 1",
    `c ${hex(["sh"])}`,
    "e",
    "z 4",
  ].join("\n");

  it("attaches each process's known markers once, and nothing else", () => {
    const l = parseCollectorOutput(`${text}\n`);
    const byPid = new Map(l.processes.map((p) => [p.pid, p]));
    expect(byPid.get(7)?.runtimeHints).toEqual(["libjvm.so"]);
    expect(byPid.get(9)?.runtimeHints).toEqual(["c000000000-", "go-buildid"]);
    expect(byPid.get(11)?.runtimeHints).toBeUndefined();
    expect(byPid.get(12)?.runtimeHints).toBeUndefined();
    expect(l.unreadable).toBe(0);
  });

  it("puts the runtime on the rows", () => {
    const rows = toRows(parseCollectorOutput(`${text}\n`), createRedactor());
    expect(rows.map((r) => [r.pid, r.runtime])).toEqual([
      [7, "jvm"],
      [9, "go"],
      [11, undefined],
      [12, undefined],
    ]);
  });
});
