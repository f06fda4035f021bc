import { ApiException } from "@kubernetes/client-node";
import { PnsError } from "../core/errors.js";

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
interface KubeStatus {
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

/**
 * Translates a failed Kubernetes call into a PnsError with a message that says what to do.
 * PnsErrors pass through unchanged.
 */
export function toPnsError(err: unknown, op: KubeOperation): PnsError {
  if (err instanceof PnsError) return err;
  const code = httpCodeOf(err);
  const status = statusOf(err);
  const serverMessage = status?.message ?? "";
  const ns = op.namespace;
  if (code === 401) {
    return new PnsError("forbidden", "The cluster did not accept pns's credentials.", {
      cause: err,
      hint: "Check the cluster's kubeconfig, secret or EKS access entry in the pns config.",
    });
  }
  if (code === 403 && /PodSecurity|pod security/i.test(serverMessage)) {
    return new PnsError(
      "pod_security",
      `Pod Security admission in namespace ${ns} refused the debug container: ${oneLine(serverMessage)}`,
      {
        cause: err,
        hint: "Use a debug profile the namespace's Pod Security level allows (restricted or baseline), or relax the namespace's `pod-security.kubernetes.io/enforce` label.",
      },
    );
  }
  if (code === 403) {
    return new PnsError(
      "forbidden",
      `pns may not ${op.verb} ${op.resource} in namespace ${ns}: add the verb to its Role (infra/rbac).`,
      { cause: err },
    );
  }
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
