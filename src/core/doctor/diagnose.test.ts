import { describe, expect, it } from "vitest";
import { type DoctorFacts, diagnose, isDenialMessage, podSecurityLabels } from "./diagnose.js";

const facts = (over: Partial<DoctorFacts> = {}): DoctorFacts => ({
  namespace: "shop",
  pod: "web-1",
  phase: "Running",
  access: [
    {
      verb: "patch",
      resource: "pods/ephemeralcontainers",
      group: "",
      purpose: "add its debug container",
      required: true,
      allowed: true,
      reason: null,
    },
    {
      verb: "list",
      resource: "services",
      group: "",
      purpose: "compare ports",
      required: false,
      allowed: true,
      reason: null,
    },
  ],
  podSecurity: podSecurityLabels({}),
  podSecurityProblem: null,
  dryRun: { admitted: true },
  profile: "general",
  strategy: "ephemeral",
  targetContainer: "web",
  targetUid: 1000,
  runAsNonRoot: true,
  hostUsers: null,
  hostPID: false,
  shareProcessNamespace: false,
  os: null,
  nativeSidecars: [],
  debugContainers: { total: 1, running: 1, max: 5 },
  denials: [],
  exec: { ok: true, ms: 40 },
  elapsedMs: 300,
  ...over,
});

const titles = (f: DoctorFacts) => diagnose(f).findings.map((x) => `${x.level} ${x.title}`);

describe("the doctor's findings", () => {
  it("finds nothing wrong with a healthy pod", () => {
    const d = diagnose(facts());
    expect(d.ready).toBe(true);
    expect(d.findings.every((f) => f.level === "ok")).toBe(true);
  });

  it.each([
    [
      "a denied required verb",
      { access: [{ ...facts().access[0]!, allowed: false }] },
      "problem May not patch pods/ephemeralcontainers",
    ],
    [
      "Pod Security stricter than the profile",
      { podSecurity: podSecurityLabels({ "pod-security.kubernetes.io/enforce": "baseline" }) },
      "problem Pod Security `baseline` refuses the `general` profile",
    ],
    [
      "an admission refusal in the dry run",
      { dryRun: { admitted: false, message: 'violates PodSecurity "restricted:latest"' } },
      "problem Admission refuses the debug container",
    ],
    ["a Windows node", { os: "windows" }, "problem Windows node"],
    ["a pending pod", { phase: "Pending" }, "problem Pod is Pending"],
    ["a failing exec", { exec: { ok: false, message: "403" } }, "problem Exec fails"],
  ])("a problem: %s", (_name, over, expected) => {
    const f = facts(over as Partial<DoctorFacts>);
    expect(titles(f)).toContain(expected);
    expect(diagnose(f).ready).toBe(false);
    expect(diagnose(f).findings.find((x) => `${x.level} ${x.title}` === expected)?.fix).not.toBe("");
  });

  it.each([
    ["hostUsers: false", { hostUsers: false }, "warning User namespace (hostUsers: false)"],
    ["hostPID", { hostPID: true }, "warning hostPID"],
    [
      "the debug container cap",
      { debugContainers: { total: 5, running: 0, max: 5 } },
      "warning Debug container limit reached",
    ],
    [
      "an optional verb denied",
      { access: [{ ...facts().access[1]!, allowed: false }] },
      "warning May not list services",
    ],
    ["unreadable events", { denials: null }, "warning Events unread"],
    [
      "a recent denial",
      { denials: [{ reason: "FailedCreate", message: "forbidden: exceeded quota", at: 1, count: 3 }] },
      "warning Recent denial: FailedCreate",
    ],
    [
      "restricted without a uid",
      { profile: "restricted", targetUid: null },
      "warning Target uid unknown to the restricted profile",
    ],
  ])("a warning: %s", (_name, over, expected) => {
    const f = facts(over as Partial<DoctorFacts>);
    expect(titles(f)).toContain(expected);
    expect(diagnose(f).ready).toBe(true);
  });

  it("says when the namespace's labels are unreadable and leaves the answer to the dry run", () => {
    const f = diagnose(facts({ podSecurity: null, podSecurityProblem: "pns may not get namespaces (RBAC)" }));
    const unknown = f.findings.find((x) => x.title === "Pod Security level unknown");
    expect(unknown?.detail).toContain("pns may not get namespaces (RBAC)");
    expect(unknown?.detail).toContain("dry run");
  });

  it("names native sidecars and lists problems first", () => {
    const d = diagnose(facts({ nativeSidecars: ["istio-proxy"], os: "windows" }));
    expect(d.findings[0]?.level).toBe("problem");
    expect(d.findings.map((x) => x.detail).join(" ")).toContain("istio-proxy is a native sidecar");
  });

  it.each([
    ["Failed", "Error: container has runAsNonRoot and image will run as root", true],
    ["FailedCreate", 'pods "x" is forbidden: violates PodSecurity "restricted:latest"', true],
    ["Pulling", "Pulling image busybox", false],
    ["BackOff", "Back-off restarting failed container", false],
  ])("%s %s is an admission denial: %s", (reason, message, yes) => {
    expect(isDenialMessage(reason, message)).toBe(yes);
  });
});
