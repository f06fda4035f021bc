import type { CoreV1Api, V1Pod } from "@kubernetes/client-node";
import { PnsError } from "../core/errors.js";

/** Where a copy runs and why it must stay on its source's node. */
export interface CopyPlacement {
  /** The source's node, when the copy must run there; null lets the scheduler choose. */
  nodeName: string | null;
  /** Why it stays, for progress lines; null when it may go anywhere. */
  reason: string | null;
}

/** The claims of the pod's PersistentVolumeClaim volumes (ephemeral volumes make their own claim per pod). */
export function claimNames(pod: V1Pod): string[] {
  return (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
}

/**
 * Decides where a copy runs. A ReadWriteOnce volume is mounted by one node at a time, so the copy stays on the
 * source's node (like `kubectl debug --copy-to --same-node`); a ReadWriteOncePod volume cannot be mounted by a second
 * pod at all, so the copy is refused; `debug.copySameNode` keeps every copy there. A claim pns may not read counts
 * as ReadWriteOnce (staying is safe; leaving could hang the copy on a volume it cannot attach).
 */
export async function placeCopy(core: CoreV1Api, source: V1Pod, sameNode: boolean): Promise<CopyPlacement> {
  const node = source.spec?.nodeName ?? null;
  const namespace = source.metadata?.namespace ?? "default";
  const pod = source.metadata?.name ?? "";
  let reason: string | null = sameNode ? "debug.copySameNode is on" : null;
  for (const claim of claimNames(source)) {
    let modes: string[];
    try {
      const pvc = await core.readNamespacedPersistentVolumeClaim({ name: claim, namespace });
      modes = pvc.status?.accessModes ?? pvc.spec?.accessModes ?? [];
    } catch {
      reason ??= `pns could not read its volume claim ${claim}, which the copy shares and which may be ReadWriteOnce; if it is ReadWriteOncePod the copy cannot start while ${pod} runs`;
      continue;
    }
    if (modes.includes("ReadWriteOncePod")) {
      throw new PnsError(
        "not_allowed",
        `Pod ${pod} mounts volume claim ${claim} as ReadWriteOncePod: a copy shares its claims, and no second pod may mount that one while ${pod} runs (the copy would stay Pending), so pns makes no copy.`,
        { hint: "Debug the pod itself, without `--copy` (an ephemeral container)." },
      );
    }
    if (modes.includes("ReadWriteOnce") && !modes.includes("ReadWriteMany")) {
      reason ??= `it mounts ReadWriteOnce volume claim ${claim}, which the copy shares`;
    }
  }
  return node && reason ? { nodeName: node, reason } : { nodeName: null, reason: null };
}
