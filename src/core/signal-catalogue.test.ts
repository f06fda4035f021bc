import { describe, expect, it } from "vitest";
import type { RuntimeKind } from "./process/runtime.js";
import {
  catalogueEntry,
  intentsFor,
  runtimeSignalSeverity,
  SIGNAL_CATALOGUE,
  signalHint,
  signalOptionDescription,
} from "./signal-catalogue.js";
import type { SignalName } from "./signals.js";

const target = (runtime: RuntimeKind | null, main: boolean | null = true, pid = 7) => ({
  pid,
  main,
  container: "app",
  restartPolicy: "Always" as const,
  runtime,
});

describe("runtimeSignalSeverity", () => {
  const cases: {
    name: string;
    signal: SignalName;
    runtime: RuntimeKind | null;
    main?: boolean | null;
    level: string;
    style: string;
    says: RegExp;
  }[] = [
    {
      name: "JVM QUIT is a thread dump, not fatal",
      signal: "QUIT",
      runtime: "jvm",
      level: "low",
      style: "primary",
      says: /thread dump.*goes on running/,
    },
    {
      name: "Go QUIT exits: danger, with the restart",
      signal: "QUIT",
      runtime: "go",
      level: "high",
      style: "danger",
      says: /goroutine.*exits \(status 2\).*container app stops and the kubelet restarts it/,
    },
    {
      name: "generic QUIT on a main process stays high",
      signal: "QUIT",
      runtime: null,
      level: "high",
      style: "danger",
      says: /core dump/,
    },
    {
      name: "nginx master HUP reloads",
      signal: "HUP",
      runtime: "nginx-master",
      level: "low",
      style: "primary",
      says: /re-reads its configuration/,
    },
    {
      name: "nginx master WINCH stops serving",
      signal: "WINCH",
      runtime: "nginx-master",
      level: "high",
      style: "danger",
      says: /nothing serves requests until it gets SIGHUP/,
    },
    {
      name: "nginx master QUIT ends the container",
      signal: "QUIT",
      runtime: "nginx-master",
      level: "high",
      style: "danger",
      says: /gracefully.*kubelet restarts it/,
    },
    {
      name: "an nginx worker's QUIT is replaced by the master",
      signal: "QUIT",
      runtime: "nginx-worker",
      main: false,
      level: "medium",
      style: "primary",
      says: /the master starts a new one/,
    },
    {
      name: "Node USR1 opens the inspector",
      signal: "USR1",
      runtime: "node",
      level: "medium",
      style: "primary",
      says: /inspector on 127\.0\.0\.1:9229/,
    },
    {
      name: "Go TERM on a main process: high unless caught",
      signal: "TERM",
      runtime: "go",
      level: "high",
      style: "danger",
      says: /unless the program catches it.*if it exits, container app stops/,
    },
    {
      name: "a runtime without an entry falls back",
      signal: "KILL",
      runtime: "jvm",
      level: "high",
      style: "danger",
      says: /SIGKILL ends the process at once/,
    },
    {
      name: "unknown main-ness hedges",
      signal: "QUIT",
      runtime: "go",
      main: null,
      level: "high",
      style: "danger",
      says: /if it is its container's main process/,
    },
  ];
  it.each(cases)("$name", ({ signal, runtime, main, level, style, says }) => {
    const s = runtimeSignalSeverity(signal, target(runtime, main === undefined ? true : main));
    expect(s.level).toBe(level);
    expect(s.style).toBe(style);
    expect(s.consequence).toMatch(says);
  });

  it("PID 1 never gets KILL from inside, whatever the runtime", () => {
    expect(runtimeSignalSeverity("KILL", target("jvm", true, 1)).consequence).toMatch(/not delivered/);
  });

  it("every entry's short form fits a picker option's description", () => {
    for (const byRuntime of Object.values(SIGNAL_CATALOGUE))
      for (const e of Object.values(byRuntime ?? {})) expect(e.short.length, e.short).toBeLessThanOrEqual(40);
  });
});

describe("hints and picker descriptions", () => {
  it("names the runtime's meaning, else the generic hint", () => {
    expect(signalHint("QUIT", "jvm")).toBe("JVM: thread dump, goes on");
    expect(signalHint("QUIT", null)).toBe("quit (nginx: graceful shutdown)");
    expect(catalogueEntry("python", "QUIT")).toBeNull();
  });

  it("lists each runtime of the table within 75 chars", () => {
    expect(signalOptionDescription("QUIT", ["jvm", "go"])).toBe(
      "JVM: thread dump, goes on · Go: goroutine dump, then EXITS",
    );
    expect(signalOptionDescription("QUIT", ["jvm", "go", "nginx-master", "nginx-worker"]).length).toBeLessThanOrEqual(
      75,
    );
    expect(signalOptionDescription("CONT", ["jvm"])).toBe("continue a stopped process");
  });
});

describe("intentsFor", () => {
  const rows = [
    { pid: 7, runtime: "jvm" as const, signallable: true },
    { pid: 8, runtime: "nginx-master" as const, signallable: true },
    { pid: 14, runtime: "nginx-worker" as const, signallable: true },
    { pid: 20, runtime: "jvm" as const, signallable: false },
  ];
  it("offers a thread dump, a reload and a log reopen where they apply and are allowed", () => {
    expect(intentsFor(rows, ["HUP", "QUIT", "USR1"])).toEqual([
      { label: "Thread dump", pid: 7, signal: "QUIT" },
      { label: "Reload config", pid: 8, signal: "HUP" },
      { label: "Reopen logs", pid: 8, signal: "USR1" },
    ]);
  });
  it("offers nothing the policy does not allow, and stops at the cap", () => {
    expect(intentsFor(rows, ["HUP"])).toEqual([{ label: "Reload config", pid: 8, signal: "HUP" }]);
    expect(intentsFor(rows, ["HUP", "QUIT", "USR1"], 1)).toHaveLength(1);
  });
});
