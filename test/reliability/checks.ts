/**
 * The checks docs/RELIABILITY.md reports, in its order. Each is proven by a test under test/reliability/ that calls
 * `record(id, …)` only after its assertions passed: a check with no record did not pass in that run, and the document
 * says so instead of leaving it out.
 */
export const RELIABILITY_CHECKS = {
  "exactly-once-embedded": {
    area: "Exactly once",
    check:
      "200 concurrent decisions from several users on one request (Approve and Deny confirmed in pns's modal, Cancel and refused Approve clicks), embedded store",
  },
  "exactly-once-dynamo": {
    area: "Exactly once",
    check:
      "200 concurrent decisions from several users on one request (Approve and Deny confirmed in pns's modal, Cancel and refused Approve clicks), DynamoDB store (dynalite)",
  },
  "killed-worker": {
    area: "Exactly once",
    check:
      "the worker process killed (SIGKILL) after approved → executing, then the same job redelivered; the janitor runs",
  },
  "duplicate-jobs": {
    area: "Exactly once",
    check: "one execute job and one ps job each delivered several times at once",
  },
  "slack-retries": {
    area: "Slack",
    check: "Slack's retries (X-Slack-Retry-Num) of a slash command and of an Approve click",
  },
  "slack-web-api-faults": {
    area: "Slack",
    check: "Slack Web API answers 429 with Retry-After, then 5xx, to the calls that post a table",
  },
  "kube-faults": {
    area: "Kubernetes",
    check:
      "API faults injected by the simulator (500, 403 RBAC and admission, 404, 409, timeouts, an exec stream cut, an image that cannot be pulled, the pod deleted mid-session, the target container restarting mid-signal)",
  },
  "dynamo-faults": {
    area: "DynamoDB",
    check: "throttling and 5xx answers injected by a local proxy in front of dynalite",
  },
  fuzz: {
    area: "Hostile input",
    check: "generated slash texts and interaction payloads (malformed JSON, wrong types, huge fields, forged ids)",
  },
  "redaction-corpus": {
    area: "Hostile input",
    check: "the redaction corpus of command lines and files, through every sink",
  },
} as const;

/** The id of a reliability check. */
export type CheckId = keyof typeof RELIABILITY_CHECKS;

/** What a passing check recorded: its figure in words and the numbers behind it. */
export type CheckRecord = { id: CheckId; figure: string; numbers: Record<string, number> };
