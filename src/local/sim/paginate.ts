/**
 * Chunked lists as kube-apiserver serves them over etcd (k8s.io/apiserver/pkg/storage/etcd3/store.go `GetList`,
 * pkg/storage/continue.go, etcd3/errors.go): `limit` caps the items, `continue` resumes after the last key returned.
 */
import { badRequest, failureStatus, type StatusBody, StatusError } from "./status.js";

/** One object of a list with its storage key below the list's key prefix (`<name>`, or `<namespace>/<name>`). */
export interface Keyed<T> {
  key: string;
  item: T;
}

/** A list's `metadata` as the API server fills it. */
export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** What a list request asked and what the store can still serve. */
export interface PageQuery {
  params: URLSearchParams;
  /** The store's current revision. */
  currentRv: number;
  /** Revisions below this one are compacted: a continue token from before answers 410 Expired. */
  compactedRv: number;
  /** No label or field selector: only then is `remainingItemCount` set (store.go: "Only set remainingItemCount if the predicate is empty"). */
  unfiltered: boolean;
}

const TOKEN_VERSION = "meta.k8s.io/v1";

/** The continue token: unpadded base64url of `{"v","rv","start"}` (continue.go `EncodeContinue`). */
export function encodeContinue(start: string, rv: number): string {
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, rv, start }), "utf8").toString("base64url");
}

/** Decodes a continue token as continue.go `DecodeContinue` does; a bad one is a 400 with the server's words. */
function decodeContinue(token: string): { start: string; rv: number } {
  const invalid = (why: string) => badRequest(`invalid continue token: continue key is not valid${why}`);
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]*$/.test(token)) throw new Error("illegal base64 data");
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch (e) {
    throw invalid(`: ${(e as Error).message}`);
  }
  const t = (parsed ?? {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (t.v !== TOKEN_VERSION) throw invalid(`: server does not recognize this encoded version ${String(t.v)}`);
  if (typeof t.rv !== "number" || t.rv === 0)
    throw invalid(": incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
  if (typeof t.start !== "string" || t.start.length === 0)
    throw invalid(": encoded start key empty (version meta.k8s.io/v1)");
  // continue.go: path.Clean must leave "/"+start unchanged, so a token cannot range outside the list's prefix.
  const segments = t.start.replace(/^\//, "").split("/");
  if (segments.some((s) => s === "." || s === ".." || s === "")) throw invalid(`: ${t.start}`);
  return { start: t.start.replace(/^\//, ""), rv: t.rv };
}

/**
 * One page of `all` (sorted by key here, as etcd returns keys) for the request's `limit` and `continue`. The simulator
 * keeps no old revisions: a continued list reads the objects as they are now after the token's key (what the API
 * server serves for a token of rv -1), stamped with the token's resourceVersion.
 */
export function paginate<T>(all: Keyed<T>[], q: PageQuery): { items: T[]; metadata: ListMeta } {
  const limitParam = q.params.get("limit");
  const limit = limitParam === null || limitParam === "" ? 0 : Number(limitParam);
  if (!Number.isSafeInteger(limit)) throw badRequest(`limit: Invalid value: "${limitParam}": must be an integer`);
  const token = q.params.get("continue") ?? "";
  let start = "";
  let rv = q.currentRv;
  if (token !== "") {
    const decoded = decodeContinue(token);
    const asked = q.params.get("resourceVersion") ?? "";
    if (asked !== "" && asked !== "0")
      throw badRequest("specifying resource version is not allowed when using continue");
    // etcd answers ErrCompacted for a revision below its compaction: 410 with a token that goes on at the latest one.
    if (decoded.rv > 0 && decoded.rv < q.compactedRv) throw new StatusError(expired(decoded.start));
    start = decoded.start;
    if (decoded.rv > 0) rv = decoded.rv;
  }
  const sorted = [...all].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).filter((k) => k.key >= start);
  const metadata: ListMeta = { resourceVersion: String(rv) };
  if (limit <= 0 || sorted.length <= limit) return { items: sorted.map((k) => k.item), metadata };
  const page = sorted.slice(0, limit);
  const last = page[page.length - 1]!;
  metadata.continue = encodeContinue(`${last.key}\u0000`, rv);
  if (q.unfiltered) metadata.remainingItemCount = sorted.length - limit;
  return { items: page.map((k) => k.item), metadata };
}

/** etcd3/errors.go `handleCompactedErrorForPaging`: 410 Expired, with a token to read the rest inconsistently. */
function expired(start: string): StatusBody {
  const status = failureStatus(
    410,
    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
    "Expired",
  );
  return { ...status, metadata: { continue: encodeContinue(start, -1) } };
}
