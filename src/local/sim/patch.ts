import { badRequest } from "./status.js";
import type { Json } from "./world.js";

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Lists of these keys merge by `name` in a strategic merge patch (containers, env, ports, volumes …). */
const MERGE_BY_NAME = new Set([
  "containers",
  "initContainers",
  "ephemeralContainers",
  "env",
  "volumes",
  "volumeMounts",
  "ports",
  "imagePullSecrets",
]);

/**
 * A strategic merge patch as the API server applies it to pods: maps merge, lists of named things merge by name,
 * `$setElementOrder/…`, `$retainKeys` and `$patch` directives are honoured as far as pns and kubectl use them.
 */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === "replace") {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  const out: Record<string, Json> = isObject(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$setElementOrder/") || k === "$retainKeys" || k === "$patch") continue;
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const key = k.slice("$deleteFromPrimitiveList/".length);
      if (Array.isArray(out[key]) && Array.isArray(v)) out[key] = out[key].filter((x: Json) => !v.includes(x));
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v) && MERGE_BY_NAME.has(k)) {
      const list: Json[] = Array.isArray(out[k]) ? [...out[k]] : [];
      for (const item of v) {
        if (!isObject(item) || typeof item.name !== "string") throw badRequest(`${k}: items need a name to merge`);
        const i = list.findIndex((x) => x?.name === item.name);
        if (item.$patch === "delete") {
          if (i >= 0) list.splice(i, 1);
        } else if (i >= 0) list[i] = strategicMergePatch(list[i], item);
        else list.push(strategicMergePatch({}, item));
      }
      out[k] = list;
    } else if (isObject(v)) {
      out[k] = strategicMergePatch(out[k], v);
    } else {
      out[k] = structuredClone(v);
    }
  }
  return out;
}

/** RFC 6902 JSON patch (add, replace, remove, test) on a copy. */
export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  const doc = structuredClone(target);
  for (const op of ops) {
    const path: string[] = String(op.path ?? "")
      .split("/")
      .slice(1)
      .map((s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = path.pop();
    let parent: Json = doc;
    for (const key of path) {
      parent = parent?.[Array.isArray(parent) ? Number(key) : key];
      if (parent === undefined)
        throw badRequest(`the server rejected our request due to an error in our request: missing path ${op.path}`);
    }
    if (last === undefined) throw badRequest("json patch: empty path");
    if (op.op === "add" || op.op === "replace") {
      if (Array.isArray(parent)) {
        if (last === "-") parent.push(op.value);
        else if (op.op === "add") parent.splice(Number(last), 0, op.value);
        else parent[Number(last)] = op.value;
      } else parent[last] = op.value;
    } else if (op.op === "remove") {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (op.op === "test") {
      if (JSON.stringify(parent?.[last]) !== JSON.stringify(op.value))
        throw badRequest(`json patch test failed at ${op.path}`);
    } else throw badRequest(`json patch: unsupported op ${op.op}`);
  }
  return doc;
}

/** Applies a patch body according to its Content-Type. */
export function applyPatch(target: Json, body: Json, contentType: string): Json {
  const type = contentType.split(";")[0]?.trim() ?? "";
  if (type === "application/strategic-merge-patch+json") return strategicMergePatch(target, body);
  if (type === "application/merge-patch+json") return mergePatch(target, body);
  if (type === "application/json-patch+json") return jsonPatch(target, body);
  if (type === "application/apply-patch+yaml") return strategicMergePatch(target, body);
  throw badRequest(
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
  );
}
