import { describe, expect, it } from "vitest";
import {
  adminFix,
  adviseOnRefusal,
  isRetryProfile,
  parsePodSecurityRefusal,
  podSecuritySentence,
  servesAction,
} from "./refusal.js";
import { decodeRetryValue, encodeRetryValue } from "./retry.js";

// As kube-apiserver words them (pod-security-admission admission.go + policy/checks.go ForbiddenDetail).
const BASELINE =
  'pods "web-1" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "pns-debug-ab12" must not include "SYS_PTRACE" in securityContext.capabilities.add)';
const RESTRICTED =
  'pods "api" is forbidden: pod violates PodSecurity "restricted:v1.30": allowPrivilegeEscalation != false (container "pns-debug-x" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "pns-debug-x" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "pns-debug-x" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "pns-debug-x" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';
const POD_ITSELF =
  'pods "legacy" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), hostPath volumes (volume "data"), non-default capabilities (containers "app", "pns-debug-q" must not include "NET_ADMIN", "SYS_PTRACE" in securityContext.capabilities.add)';
const isDebug = (n: string) => n.startsWith("pns-debug");

describe("parsePodSecurityRefusal", () => {
  it.each([
    [
      "baseline, one check",
      BASELINE,
      "baseline",
      "latest",
      [["non-default capabilities", ["pns-debug-ab12"], ["SYS_PTRACE"]]],
    ],
    [
      "restricted, four checks with commas inside",
      RESTRICTED,
      "restricted",
      "v1.30",
      [
        ["allowPrivilegeEscalation != false", ["pns-debug-x"], []],
        ["unrestricted capabilities", ["pns-debug-x"], []],
        ["runAsNonRoot != true", ["pns-debug-x"], []],
        ["seccompProfile", ["pns-debug-x"], []],
      ],
    ],
    [
      "the pod's own containers, several names",
      POD_ITSELF,
      "baseline",
      "latest",
      [
        ["host namespaces", [], []],
        ["hostPath volumes", [], []],
        ["non-default capabilities", ["app", "pns-debug-q"], ["NET_ADMIN", "SYS_PTRACE"]],
      ],
    ],
  ])("%s", (_name, message, level, version, checks) => {
    const r = parsePodSecurityRefusal(message);
    expect(r).toMatchObject({ level, version });
    expect(r?.checks.map((c) => [c.reason, c.containers, c.capabilities])).toEqual(checks);
  });

  it("is null for any other refusal", () => {
    expect(parsePodSecurityRefusal('pods "x" is forbidden: exceeded quota: q, requested: cpu=1')).toBeNull();
  });
});

describe("adviseOnRefusal and its sentence", () => {
  it("baseline refusing general: the field, the profile tried, and baseline for a listing", () => {
    const r = parsePodSecurityRefusal(BASELINE)!;
    const advice = adviseOnRefusal(r, { tried: "general", action: "list", targetUid: null, isDebugContainer: isDebug });
    expect(advice.retry).toBe("baseline");
    expect(podSecuritySentence(advice, "shop")).toBe(
      'Namespace shop enforces Pod Security `baseline`, which refused pns\'s debug container for capabilities "SYS_PTRACE" (pns tried the `general` profile).',
    );
    expect(adminFix(advice, "shop")).toContain("`debug.profile: baseline`");
  });

  it.each([
    ["a listing under restricted", RESTRICTED, "baseline", "list", null, "restricted"],
    ["a signal under restricted", RESTRICTED, "baseline", "signal", 1000, "restricted"],
    [
      "a read of a uid-1000 target under restricted: restricted runs as 1000",
      RESTRICTED,
      "baseline",
      "read",
      1000,
      "restricted",
    ],
    ["a read of an unknown uid under restricted: none serves", RESTRICTED, "baseline", "read", null, null],
    [
      "a read under baseline: restricted reads as the target's uid 1000",
      BASELINE,
      "general",
      "read",
      1000,
      "restricted",
    ],
    ["already restricted: nothing stricter", RESTRICTED, "restricted", "list", null, null],
    ["the pod itself violates: no profile helps", POD_ITSELF, "general", "list", null, null],
  ] as const)("%s", (_name, message, tried, action, uid, retry) => {
    const advice = adviseOnRefusal(parsePodSecurityRefusal(message)!, {
      tried,
      action,
      targetUid: uid,
      isDebugContainer: isDebug,
    });
    expect(advice.retry).toBe(retry);
  });

  it("names the pod's own containers when they already fail the level", () => {
    const advice = adviseOnRefusal(parsePodSecurityRefusal(POD_ITSELF)!, {
      tried: "general",
      action: "list",
      targetUid: null,
      isDebugContainer: isDebug,
    });
    expect(advice.podContainers).toEqual(["app"]);
    expect(podSecuritySentence(advice, "ops")).toContain("the pod's own container app already fail");
  });
});

describe("retry profiles only lower privilege", () => {
  it.each([
    ["restricted", "baseline", true],
    ["baseline", "general", true],
    ["restricted", "general", true],
    ["general", "baseline", false],
    ["baseline", "baseline", false],
    ["sysadmin", "baseline", false],
    ["netadmin", "general", false],
    ["nonsense", "general", false],
  ] as const)("%s instead of %s: %s", (profile, configured, ok) => {
    expect(isRetryProfile(profile, configured)).toBe(ok);
  });

  it("reads are served by SYS_PTRACE or the target's own uid", () => {
    expect(servesAction("general", "read", null)).toBe(true);
    expect(servesAction("restricted", "read", 0)).toBe(false);
    expect(servesAction("baseline", "list", 1000)).toBe(true);
  });
});

describe("the retry button's value", () => {
  it("round-trips, and refuses anything else", () => {
    const v = encodeRetryValue({ profile: "restricted", command: "ps api -n locked" });
    expect(v).toBe("restricted ps api -n locked");
    expect(decodeRetryValue(v ?? undefined)).toEqual({ profile: "restricted", command: "ps api -n locked" });
    for (const bad of [
      undefined,
      "",
      "restricted",
      "sysadmin ps x",
      "general",
      ` ps x`,
      `restricted ${"x".repeat(2000)}`,
    ])
      expect(decodeRetryValue(bad)).toBeNull();
    expect(encodeRetryValue({ profile: "baseline", command: "x".repeat(2000) })).toBeNull();
  });
});
