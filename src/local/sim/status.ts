/** Kubernetes `Status` objects and the error that carries one out of a handler. */

/** The `details` of a Status. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message?: string; field?: string }[];
}

/** A `meta/v1` Status body. */
export interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  /** Set on a 410 Expired list: the token that reads the rest of the list. */
  metadata: { continue?: string };
  status: "Success" | "Failure";
  message: string;
  reason: string;
  details: StatusDetails;
  code: number;
}

const reasons: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/** The reason Kubernetes gives for an HTTP status code. */
export function reasonFor(code: number): string {
  return reasons[code] ?? "Unknown";
}

/** Builds a failure Status. */
export function failureStatus(code: number, message: string, reason?: string, details: StatusDetails = {}): StatusBody {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason: reason ?? reasonFor(code),
    details,
    code,
  };
}

/** Thrown by request handlers; the server answers with its Status. */
export class StatusError extends Error {
  constructor(readonly status: StatusBody) {
    super(status.message);
  }
}

/** A 404 for a named object, worded as the API server words it. */
export function notFound(resource: string, name: string, group = ""): StatusError {
  const plural = group ? `${resource}.${group}` : resource;
  return new StatusError(
    failureStatus(404, `${plural} "${name}" not found`, "NotFound", {
      name,
      ...(group ? { group } : {}),
      kind: resource,
    }),
  );
}

/** A 409 AlreadyExists for a named object. */
export function alreadyExists(resource: string, name: string): StatusError {
  return new StatusError(
    failureStatus(409, `${resource} "${name}" already exists`, "AlreadyExists", { name, kind: resource }),
  );
}

/** A 422 Invalid with one cause per field error. */
export function invalid(
  kind: string,
  name: string,
  causes: { field: string; reason: string; message: string }[],
): StatusError {
  const text = causes.map((c) => `${c.field}: ${c.message}`).join(", ");
  return new StatusError(
    failureStatus(422, `${kind} "${name}" is invalid: ${text}`, "Invalid", {
      name,
      kind: kind.toLowerCase().endsWith("s") ? kind : `${kind.toLowerCase()}s`,
      causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
    }),
  );
}

/** A 400 BadRequest. */
export function badRequest(message: string): StatusError {
  return new StatusError(failureStatus(400, message, "BadRequest"));
}
