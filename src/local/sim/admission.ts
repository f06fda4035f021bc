import { failureStatus, StatusError } from "./status.js";
import type { Json } from "./world.js";

/** Admission a namespace turns on, beyond Pod Security: what commonly refuses a debug copy. */
export interface NamespaceAdmission {
  /** A ResourceQuota named `compute` on these resources (`limits.cpu`, `requests.memory`…). */
  quota?: string[];
  /** A LimitRange's per-container `min` (`{ cpu: "100m" }`). */
  limitRangeMin?: Record<string, string>;
  /** PriorityClasses by name, with their values. */
  priorityClasses?: Record<string, number>;
  /** A validating webhook that denies pod creation (and, with `ephemeral`, ephemeral-container updates). */
  webhook?: { name: string; message: string; ephemeral?: boolean };
}

function forbidden(podName: string, message: string): StatusError {
  return new StatusError(
    failureStatus(403, `pods "${podName}" is forbidden: ${message}`, "Forbidden", { name: podName, kind: "pods" }),
  );
}

/** A quantity in base units (cores, bytes), enough for comparing requests with a LimitRange. */
function quantity(q: string | number): number {
  const m = /^([0-9.]+)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q));
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  const f: Record<string, number> = {
    m: 1e-3,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return n * (m[2] ? (f[m[2]] ?? 1) : 1);
}

/**
 * Runs a namespace's admission on a new pod, in the API server's order and words: Priority (kubernetes
 * plugin/pkg/admission/priority), LimitRanger, ResourceQuota (`failed quota: compute: must specify …`), then
 * validating webhooks (`admission webhook "…" denied the request: …`). Each refusal is a 403.
 */
export function admitPod(adm: NamespaceAdmission | undefined, podName: string, spec: Json): void {
  if (!adm) return;
  const containers: Json[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  if (adm.priorityClasses) {
    const cls = spec.priorityClassName;
    if (cls !== undefined && adm.priorityClasses[cls] === undefined)
      throw forbidden(podName, `no PriorityClass with name ${cls} was found`);
    const value = cls !== undefined ? (adm.priorityClasses[cls] ?? 0) : 0;
    if (spec.priority !== undefined && spec.priority !== null && spec.priority !== value)
      throw forbidden(
        podName,
        `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`,
      );
  }
  if (adm.limitRangeMin) {
    const errs: string[] = [];
    for (const c of containers)
      for (const [res, min] of Object.entries(adm.limitRangeMin)) {
        const req = c.resources?.requests?.[res] ?? c.resources?.limits?.[res];
        if (req === undefined) errs.push(`minimum ${res} usage per Container is ${min}.  No request is specified`);
        else if (quantity(req) < quantity(min))
          errs.push(`minimum ${res} usage per Container is ${min}, but request is ${req}`);
      }
    if (errs.length > 0) throw forbidden(podName, errs.length === 1 ? (errs[0] as string) : `[${errs.join(", ")}]`);
  }
  if (adm.quota && adm.quota.length > 0) {
    const missing: string[] = [];
    for (const r of [...adm.quota].sort()) {
      const [kind, res] = r.split(".") as [string, string];
      const lacking = containers.filter(
        (c) => c.resources?.[kind === "limits" ? "limits" : "requests"]?.[res] === undefined,
      );
      if (lacking.length > 0) missing.push(`${r} for: ${lacking.map((c) => c.name).join(",")}`);
    }
    if (missing.length > 0) throw forbidden(podName, `failed quota: compute: must specify ${missing.join("; ")}`);
  }
  if (adm.webhook) denyByWebhook(adm.webhook);
}

/** Runs a namespace's admission on an ephemeral-containers update: only webhooks that ask for it (quota exempts them). */
export function admitEphemeral(adm: NamespaceAdmission | undefined): void {
  if (adm?.webhook?.ephemeral) denyByWebhook(adm.webhook);
}

function denyByWebhook(w: NonNullable<NamespaceAdmission["webhook"]>): never {
  throw new StatusError(
    failureStatus(403, `admission webhook "${w.name}" denied the request: ${w.message}`, "Forbidden"),
  );
}
