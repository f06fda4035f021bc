import { randomUUID } from "node:crypto";
import { alreadyExists, invalid, notFound } from "./status.js";
import type { Json, SimPod } from "./world.js";

/** The access modes a claim may ask for (core/v1 PersistentVolumeAccessMode). */
export const ACCESS_MODES = ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"] as const;

/** PersistentVolumeClaims by `namespace/name`, each bound at once to a volume of the sim's one node. */
export class ClaimStore {
  private readonly claims = new Map<string, Json>();

  constructor(private readonly nextRv: () => string) {}

  /** Creates a claim as the API does, bound at once (the simulator has a provisioner for every class). */
  create(namespace: string, body: Json): Json {
    const name: string = body.metadata?.name ?? "";
    const modes: string[] = body.spec?.accessModes ?? [];
    const causes: Json[] = [];
    if (!name) causes.push({ field: "metadata.name", reason: "FieldValueRequired", message: "Required value" });
    if (modes.length === 0)
      causes.push({ field: "spec.accessModes", reason: "FieldValueRequired", message: "Required value" });
    for (const [i, m] of modes.entries()) {
      if (!(ACCESS_MODES as readonly string[]).includes(m))
        causes.push({
          field: `spec.accessModes[${i}]`,
          reason: "FieldValueNotSupported",
          message: `Unsupported value: "${m}": supported values: ${ACCESS_MODES.map((a) => `"${a}"`).join(", ")}`,
        });
    }
    // pkg/apis/core/validation ValidatePersistentVolumeClaimSpec: ReadWriteOncePod may not be mixed with others.
    if (modes.includes("ReadWriteOncePod") && modes.length > 1)
      causes.push({
        field: "spec.accessModes",
        reason: "FieldValueForbidden",
        message: "Forbidden: may not use ReadWriteOncePod with other access modes",
      });
    if (causes.length > 0) throw invalid("PersistentVolumeClaim", name, causes);
    const key = `${namespace}/${name}`;
    if (this.claims.has(key)) throw alreadyExists("persistentvolumeclaims", name);
    const uid = randomUUID();
    const claim: Json = {
      kind: "PersistentVolumeClaim",
      apiVersion: "v1",
      metadata: {
        ...structuredClone(body.metadata),
        name,
        namespace,
        uid,
        resourceVersion: this.nextRv(),
        creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      },
      spec: {
        storageClassName: "standard",
        volumeMode: "Filesystem",
        ...structuredClone(body.spec),
        volumeName: `pvc-${uid}`,
      },
      status: { phase: "Bound", accessModes: [...modes], capacity: body.spec?.resources?.requests ?? {} },
    };
    this.claims.set(key, claim);
    return structuredClone(claim);
  }

  /** One claim, or the API's 404. */
  get(namespace: string, name: string): Json {
    const c = this.claims.get(`${namespace}/${name}`);
    if (!c) throw notFound("persistentvolumeclaims", name);
    return structuredClone(c);
  }

  /** The claims of a namespace (every namespace when null), by name. */
  list(namespace: string | null): Json[] {
    return [...this.claims.values()]
      .filter((c) => namespace === null || c.metadata.namespace === namespace)
      .map((c) => structuredClone(c));
  }

  /**
   * Why the scheduler cannot place this pod, as its FailedScheduling message on the sim's one node; null when it can.
   * A claim that does not exist (volumebinding PreFilter) and a ReadWriteOncePod claim another pod uses
   * (pkg/scheduler/framework/plugins/volumerestrictions ErrReasonReadWriteOncePodConflict) keep it Pending.
   */
  unschedulable(pod: SimPod, others: Iterable<SimPod>): string | null {
    for (const claimName of claimNamesOf(pod.spec)) {
      const claim = this.claims.get(`${pod.namespace}/${claimName}`);
      if (!claim) {
        return `0/1 nodes are available: persistentvolumeclaim "${claimName}" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`;
      }
      if (!(claim.spec.accessModes ?? []).includes("ReadWriteOncePod")) continue;
      for (const o of others) {
        if (o === pod || o.namespace !== pod.namespace || o.unschedulable) continue;
        if (o.phase === "Succeeded" || o.phase === "Failed") continue;
        if (claimNamesOf(o.spec).includes(claimName)) {
          return "0/1 nodes are available: 1 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";
        }
      }
    }
    return null;
  }
}

/** The claims a pod spec's persistentVolumeClaim volumes name. */
export function claimNamesOf(spec: Json): string[] {
  return (spec.volumes ?? []).flatMap((v: Json) =>
    v.persistentVolumeClaim?.claimName ? [String(v.persistentVolumeClaim.claimName)] : [],
  );
}
