import { describe, expect, it } from "vitest";
import type { Diagnosis } from "./diagnose.js";
import { explainFailure } from "./explain-failure.js";

const failure = {
  message: "The cluster refused pns to get pods/exec in namespace default (HTTP 403, no reason given).",
  hint: "Most likely RBAC.",
};

describe("explainFailure", () => {
  it("names each failed check and its fix", () => {
    const diagnosis: Diagnosis = {
      ready: false,
      findings: [
        {
          level: "problem",
          title: "May not create pods/exec",
          detail: "pns needs it to run its scripts.",
          fix: "Grant pns `create` on `pods/exec`.",
        },
        { level: "ok", title: "Rights", detail: "fine", fix: "" },
      ],
    };
    const out = explainFailure(failure, diagnosis, "/pns doctor pod/nginx -n default");
    expect(out.message).toBe(
      `${failure.message} The check that failed: May not create pods/exec (pns needs it to run its scripts).`,
    );
    expect(out.hint).toBe("Grant pns `create` on `pods/exec`. `/pns doctor pod/nginx -n default` shows every check.");
  });

  it("uses a warning that explains it when no check is a problem", () => {
    const diagnosis: Diagnosis = {
      ready: true,
      findings: [
        { level: "warning", title: "User namespace (hostUsers: false)", detail: "uids map.", fix: "Nothing." },
      ],
    };
    expect(explainFailure(failure, diagnosis, "/pns doctor x").message).toContain("User namespace (hostUsers: false)");
  });

  it("keeps the error and points at the doctor when its checks found nothing or did not run", () => {
    const none = explainFailure(failure, { ready: true, findings: [] }, "/pns doctor x");
    expect(none.message).toContain("found nothing else wrong");
    const late = explainFailure(failure, null, "/pns doctor x");
    expect(late).toEqual({
      message: failure.message,
      hint: "Most likely RBAC. `/pns doctor x` checks what pns may do there.",
    });
  });
});
