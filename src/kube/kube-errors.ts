import { ApiException } from "@kubernetes/client-node";
import { PnsError } from "../core/errors.js";
import { type PodSecurityRefusal, parsePodSecurityRefusal } from "../core/pod-security/refusal.js";
import { MANAGED_BY_SELECTOR } from "./labels.js";

/** What pns was doing when a Kubernetes call failed: the RBAC verb and resource it needed. */
export interface KubeOperation {
  verb: "get" | "list" | "watch" | "create" | "patch" | "delete";
  /** Resource as RBAC names it: `pods`, `pods/exec`, `pods/ephemeralcontainers`, `deployments`. */
  resource: string;
  namespace: string;
  /** The object's name, when there is one. */
  name?: string;
}

/** The parts of a Kubernetes `Status` pns reads. */
export interface KubeStatus {
  message?: string;
  reason?: string;
  code?: number;
}

/** Reads the HTTP code of an ApiException or of a refused WebSocket upgrade (`Unexpected server response: 403`). */
export function httpCodeOf(err: unknown): number | null {
  if (err instanceof ApiException) return err.code;
  // Watch failures carry the HTTP code as statusCode.
  const statusCode = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === "number") return statusCode;
  const m = /Unexpected server response: (\d{3})/.exec(errorMessage(err));
  return m ? Number(m[1]) : null;
}

/** Parses the Status body of an ApiException; null when there is none. */
export function statusOf(err: unknown): KubeStatus | null {
  if (!(err instanceof ApiException)) return null;
  const body: unknown = err.body;
  if (body && typeof body === "object") return body as KubeStatus;
  if (typeof body !== "string" || body === "") return null;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === "object" ? (parsed as KubeStatus) : null;
  } catch {
    return null;
  }
}

/** True for a 409 (AlreadyExists or a resourceVersion conflict). */
export function isConflict(err: unknown): boolean {
  return httpCodeOf(err) === 409;
}

/** True for a 404. */
export function isNotFound(err: unknown): boolean {
  return httpCodeOf(err) === 404;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EAI_AGAIN", "EHOSTUNREACH"]);

function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    if (e instanceof Error && /ECONNREFUSED|ECONNRESET|socket hang up|ENOTFOUND/.test(e.message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function describe(op: KubeOperation): string {
  // `pods/exec` on web-1 reads as "pod web-1".
  return op.name ? `${(op.resource.split("/")[0] ?? "").replace(/s$/, "")} ${op.name}` : op.resource;
}

/** Why the API server refused a request, read from its Status message. */
export type Refusal =
  | { kind: "rbac"; user: string; verb: string; resource: string; group: string; namespace: string | null }
  | { kind: "pod_security"; level: string; detail: string; checks: PodSecurityRefusal | null }
  | { kind: "quota"; quota: string; detail: string }
  | { kind: "limit_range"; detail: string }
  | { kind: "priority"; detail: string }
  | { kind: "webhook"; webhook: string; detail: string }
  | { kind: "policy"; policy: string; detail: string }
  | { kind: "unknown"; detail: string };

// apimachinery's NewForbidden: `pods "web-1" is forbidden: <reason>` (`pods is forbidden: …` without a name).
const FORBIDDEN_PREFIX = /^[a-z0-9.-]+(?:\/[a-z]+)? (?:"[^"]*" )?is forbidden: /;
// apiserver endpoints/filters/authorization.go → responsewriters.forbiddenMessage:
// `User %q cannot %s resource %q in API group %q in the namespace %q` (or `at the cluster scope`).
const RBAC_DENIAL =
  /^User "((?:[^"\\]|\\.)*)" cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]*)")?/;
// pod-security-admission/admission/admission.go: `violates PodSecurity %q: %s`.
const POD_SECURITY = /violates PodSecurity "([^"]+)": (.*)$/s;
// apiserver admission/plugin/resourcequota/controller.go: `failed quota: %s: %v` (`must specify limits.cpu,…`),
// `exceeded quota: %s, requested: …, used: …, limited: …` and `status unknown for quota: %s, resources: …`.
const QUOTA = /(?:failed quota|exceeded quota|status unknown for quota): ([^:,\s]+)[:,]?\s*(.*)$/s;
// plugin/pkg/admission/limitranger/admission.go: `maximum cpu usage per Container is 500m, but limit is 1`,
// `minimum memory usage per Pod is …`, `cpu max limit to request ratio per Container is 2, but provided ratio is 4`.
const LIMIT_RANGE = /(?:maximum|minimum) \S+ usage per \S+ is |max limit to request ratio per /;
// plugin/pkg/admission/priority/admission.go: `the integer value of priority (%d) must not be provided in pod spec;
// priority admission controller computed %d from the given PriorityClass name`, the same for PreemptionPolicy, and
// `no PriorityClass with name %v was found`.
const PRIORITY =
  /the integer value of priority|value of PreemptionPolicy .*must not be provided|no PriorityClass with name/i;
// apiserver admission/plugin/webhook/errors/statuserror.go: `admission webhook %q denied the request: %s` (or
// `… without explanation`); the webhook chooses the code (403 when it gives none).
const WEBHOOK = /admission webhook "([^"]+)" denied the request(?:: (.*)| without explanation)/s;
// apiserver admission/plugin/policy/validating/dispatcher.go: `ValidatingAdmissionPolicy '%s' with binding '%s'
// denied request: %s` (403, or 422 with reason Invalid).
const POLICY = /ValidatingAdmissionPolicy '([^']+)'(?: with binding '[^']*')? denied request: (.*)$/s;

/** Reads who refused a request and why from the server's message; `unknown` when no known refusal matches. */
export function classifyRefusal(message: string): Refusal {
  const reason = message.replace(FORBIDDEN_PREFIX, "");
  const rbac = RBAC_DENIAL.exec(reason);
  if (rbac) {
    const [, user = "", verb = "", resource = "", group = "", namespace] = rbac;
    return { kind: "rbac", user: user.replace(/\\(.)/g, "$1"), verb, resource, group, namespace: namespace ?? null };
  }
  const detail = squash(reason);
  const webhook = WEBHOOK.exec(message);
  if (webhook) return { kind: "webhook", webhook: webhook[1] ?? "", detail: squash(webhook[2] ?? "no reason given") };
  const policy = POLICY.exec(message);
  if (policy) return { kind: "policy", policy: policy[1] ?? "", detail: squash(policy[2] ?? "") };
  const psa = POD_SECURITY.exec(message);
  if (psa) {
    // Parsed from the whole message: the shown detail is cut for chat, the checks must not be.
    return {
      kind: "pod_security",
      level: psa[1] ?? "",
      detail: squash(psa[0]),
      checks: parsePodSecurityRefusal(psa[0]),
    };
  }
  const quota = QUOTA.exec(message);
  if (quota) return { kind: "quota", quota: quota[1] ?? "", detail: squash(quota[0]) };
  if (LIMIT_RANGE.test(message)) return { kind: "limit_range", detail };
  if (PRIORITY.test(message)) return { kind: "priority", detail };
  return { kind: "unknown", detail };
}

/** The fix for an admission refusal of a pns request. */
function admissionHint(refusal: Refusal, op: KubeOperation): string {
  const other =
    op.resource === "pods/ephemeralcontainers"
      ? "or debug a copy with `--copy`"
      : "or debug without `--copy` (an ephemeral container is a smaller change)";
  switch (refusal.kind) {
    case "quota":
      return refusal.detail.startsWith("exceeded")
        ? `The namespace's quota is used up: delete old copies with \`/pns cleanup\`, or debug without \`--copy\` (ephemeral containers are not counted).`
        : `Set \`debug.resources\` (requests and limits) in the pns config so the debug container carries what ResourceQuota ${refusal.quota} requires, ${other}.`;
    case "limit_range":
      return `Set \`debug.resources\` in the pns config within the namespace's LimitRange (\`kubectl describe limitrange -n ${op.namespace}\`), ${other}.`;
    case "priority":
      return "A copy carries only the source's priorityClassName (pns drops spec.priority and preemptionPolicy): a mutating webhook in the namespace sets them, or the PriorityClass is gone.";
    case "webhook":
      return `Ask the owners of webhook ${refusal.webhook} to allow pns's debug containers (named pns-debug-…; copies carry the label ${MANAGED_BY_SELECTOR}), ${other}.`;
    case "policy":
      return `Ask the owners of ValidatingAdmissionPolicy ${refusal.policy} to allow pns's debug containers (named pns-debug-…; copies carry the label ${MANAGED_BY_SELECTOR}), ${other}.`;
    default:
      return "";
  }
}

function admissionSource(refusal: Refusal): string {
  switch (refusal.kind) {
    case "quota":
      return `ResourceQuota ${refusal.quota}`;
    case "limit_range":
      return "A LimitRange";
    case "priority":
      return "Priority admission";
    case "webhook":
      return `Admission webhook ${refusal.webhook}`;
    case "policy":
      return `ValidatingAdmissionPolicy ${refusal.policy}`;
    default:
      return "An admission controller";
  }
}

/** How a 403 without a known reason (or with none, as a refused WebSocket upgrade gives) is shown. */
function unexplainedForbidden(err: unknown, op: KubeOperation, serverMessage: string): PnsError {
  const verbs = op.resource === "pods/exec" ? "get and create" : `"${op.verb}"`;
  if (serverMessage) {
    return new PnsError(
      "forbidden",
      `The cluster refused to ${op.verb} ${describe(op)} in namespace ${op.namespace}: ${oneLine(serverMessage)}`,
      {
        cause: err,
        hint: "This is not an RBAC denial (those name the user, verb and resource): ask the cluster's admins what refuses it.",
      },
    );
  }
  return new PnsError(
    "forbidden",
    `The cluster refused pns to ${op.verb} ${op.resource} in namespace ${op.namespace} (HTTP 403, no reason given).`,
    {
      cause: err,
      hint: `Most likely RBAC: pns needs ${verbs} on ${op.resource} (infra/rbac.yaml lists every rule pns needs).`,
    },
  );
}

/** The PnsError for a refusal the server explained; null when the message names no known refusal. */
function refusalError(err: unknown, op: KubeOperation, refusal: Refusal): PnsError | null {
  const ns = op.namespace;
  switch (refusal.kind) {
    case "rbac": {
      const resource = refusal.group ? `${refusal.resource}.${refusal.group}` : refusal.resource;
      const where = refusal.namespace === null ? "at the cluster scope" : `in namespace ${refusal.namespace}`;
      return new PnsError("forbidden", `pns may not ${refusal.verb} ${resource} ${where} (RBAC).`, {
        cause: err,
        hint: `Grant ${refusal.user} "${refusal.verb}" on "${refusal.resource}": infra/rbac.yaml lists every rule pns needs.`,
      });
    }
    case "pod_security": {
      // The checks are parsed (core/pod-security/refusal.ts) so the worker words one sentence and offers a retry.
      const podSecurity = refusal.checks;
      return new PnsError(
        "pod_security",
        `Pod Security admission in namespace ${ns} refused the debug container: ${refusal.detail}`,
        {
          cause: err,
          hint: "Use a debug profile the namespace's Pod Security level allows (`debug.profile: baseline` or `restricted`), or relax the namespace's `pod-security.kubernetes.io/enforce` label.",
          ...(podSecurity ? { podSecurity } : {}),
        },
      );
    }
    case "unknown":
      return null;
    default:
      return new PnsError(
        "admission_refused",
        `${admissionSource(refusal)} in namespace ${ns} refused to ${op.verb} ${describe(op)}: ${refusal.detail}`,
        { cause: err, hint: admissionHint(refusal, op) },
      );
  }
}

/**
 * Translates a failed Kubernetes call into a PnsError with a message that says what to do.
 * A 403 is RBAC only when the server says `User … cannot <verb> resource …`; Pod Security, ResourceQuota,
 * LimitRange, Priority, webhooks and admission policies are admission refusals with the server's reason.
 * PnsErrors pass through unchanged.
 */
export function toPnsError(err: unknown, op: KubeOperation): PnsError {
  if (err instanceof PnsError) return err;
  return fromStatus(httpCodeOf(err), statusOf(err), op, err);
}

/** {@link toPnsError} for an HTTP code and Status read elsewhere (an exec's status frame); `cause` is kept. */
export function fromStatus(
  code: number | null,
  status: KubeStatus | null,
  op: KubeOperation,
  cause: unknown,
): PnsError {
  const err = cause;
  const serverMessage = status?.message ?? "";
  const ns = op.namespace;
  if (code === 401) {
    return new PnsError("forbidden", "The cluster did not accept pns's credentials.", {
      cause: err,
      hint: "Check the cluster's kubeconfig, secret or EKS access entry in the pns config.",
    });
  }
  if ((code === 403 || code === 400 || code === 422) && serverMessage) {
    const refusal = classifyRefusal(serverMessage);
    // Webhooks and admission policies may answer 400 or 422; any other 400 or 422 is handled below.
    const explained = code === 403 || refusal.kind === "webhook" || refusal.kind === "policy";
    const translated = explained ? refusalError(err, op, refusal) : null;
    if (translated) return translated;
  }
  if (code === 403) return unexplainedForbidden(err, op, serverMessage);
  if (code === 404 && op.resource === "pods/ephemeralcontainers") {
    return ephemeralUnsupported(err);
  }
  if (code === 404) {
    return new PnsError("not_found", `There is no ${describe(op)} in namespace ${ns}.`, { cause: err });
  }
  if (code === 409) {
    return new PnsError("unavailable", `Someone else changed ${describe(op)} at the same time: try again.`, {
      cause: err,
    });
  }
  if (code === 422 || code === 400) {
    return new PnsError(
      "exec_failed",
      `The cluster refused to ${op.verb} ${describe(op)}: ${oneLine(serverMessage) || `HTTP ${code}`}`,
      { cause: err },
    );
  }
  if (code === 429 || (code !== null && code >= 500) || isNetworkError(err)) {
    return new PnsError("unavailable", "The cluster's API server did not answer: try again in a minute.", {
      cause: err,
    });
  }
  return new PnsError("internal", `Something went wrong while pns tried to ${op.verb} ${describe(op)}.`, {
    cause: err,
  });
}

/** The error for a cluster that refuses or lacks ephemeral containers. */
export function ephemeralUnsupported(cause?: unknown): PnsError {
  return new PnsError("ephemeral_unsupported", "Ephemeral containers are disabled for this cluster.", {
    cause,
    hint: "Use `--copy` to debug a copy of the pod instead.",
  });
}

/** A multi-line server reason (a webhook's list of policies) on one line, short enough for chat. */
function squash(text: string, max = 400): string {
  return oneLine(text.replace(/\s+/g, " "), max);
}

/** Keeps the first line of a server message, short enough for chat. */
export function oneLine(text: string, max = 300): string {
  const line = text.split("\n")[0]?.trim() ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Runs a Kubernetes call and translates its failure. */
export async function kubeCall<T>(op: KubeOperation, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toPnsError(err, op);
  }
}

/**
 * The message of anything thrown, including the ErrorEvent a refused WebSocket gives (whose request object holds the
 * bearer token: never keep that object as a cause).
 */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (err && typeof err === "object") {
    const { message, error } = err as { message?: unknown; error?: unknown };
    if (typeof message === "string") return message;
    if (error instanceof Error) return error.message;
  }
  return typeof err === "string" ? err : "";
}
