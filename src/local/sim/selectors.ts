import { badRequest } from "./status.js";
import type { Json } from "./world.js";

/** A compiled label or field selector: true when an object matches. */
export type Matcher = (obj: Json) => boolean;

type Requirement = (labels: Record<string, string>) => boolean;

/** Compiles a label selector (`a=b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x)`). */
export function labelMatcher(selector: string | null): Matcher {
  if (!selector) return () => true;
  const reqs: Requirement[] = [];
  for (const part of splitTopLevel(selector)) {
    const s = part.trim();
    if (!s) continue;
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(s);
    if (m) {
      const [, key = "", op, list = ""] = m;
      const values = list.split(",").map((v) => v.trim());
      reqs.push(op === "in" ? (l) => values.includes(l[key] ?? "\0") : (l) => !values.includes(l[key] ?? "\0"));
      continue;
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(s);
    if (m) {
      const [, key = "", op, value] = m;
      reqs.push(op === "!=" ? (l) => l[key] !== value : (l) => l[key] === value);
      continue;
    }
    m = /^(!?)([\w./-]+)$/.exec(s);
    if (m) {
      const [, not, key = ""] = m;
      reqs.push(not ? (l) => !(key in l) : (l) => key in l);
      continue;
    }
    throw badRequest(`unable to parse requirement: found '${s}', expected: in, notin, =, ==, !=, gt, lt`);
  }
  return (obj) => {
    const labels = obj.metadata?.labels ?? {};
    return reqs.every((r) => r(labels));
  };
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth += 1;
    if (ch === ")") depth -= 1;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

const FIELDS: Record<string, (o: Json) => string> = {
  "metadata.name": (o) => o.metadata?.name ?? "",
  "metadata.namespace": (o) => o.metadata?.namespace ?? "",
  "status.phase": (o) => o.status?.phase ?? "",
  "spec.nodeName": (o) => o.spec?.nodeName ?? "",
  "spec.restartPolicy": (o) => o.spec?.restartPolicy ?? "",
  "spec.serviceAccountName": (o) => o.spec?.serviceAccountName ?? "",
  "status.podIP": (o) => o.status?.podIP ?? "",
  // Events' fields (kubernetes pkg/apis/core/v1/conversion.go AddFieldLabelConversionFuncForEvent).
  "involvedObject.kind": (o) => o.involvedObject?.kind ?? "",
  "involvedObject.name": (o) => o.involvedObject?.name ?? "",
  "involvedObject.namespace": (o) => o.involvedObject?.namespace ?? "",
  "involvedObject.uid": (o) => o.involvedObject?.uid ?? "",
  reason: (o) => o.reason ?? "",
  type: (o) => o.type ?? "",
};

/** Compiles a field selector (`metadata.name=x`, `status.phase!=Running`). */
export function fieldMatcher(selector: string | null): Matcher {
  if (!selector) return () => true;
  const reqs: Matcher[] = [];
  for (const part of selector.split(",")) {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(part.trim());
    const get = m ? FIELDS[m[1] ?? ""] : undefined;
    if (!m || !get)
      throw badRequest(
        `"${part.split(/[=!]/)[0]}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
      );
    const value = m[3] ?? "";
    reqs.push(m[2] === "!=" ? (o) => get(o) !== value : (o) => get(o) === value);
  }
  return (obj) => reqs.every((r) => r(obj));
}
