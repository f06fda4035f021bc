/**
 * The copies pns made, as its sessions store recorded them: the ledger the cluster adapter consults before it reuses
 * or deletes a copy, and the per-channel cap on live copies.
 */
import { PnsError } from "../core/errors.js";
import type { JobOrigin } from "../core/jobs.js";
import type { WorkerDeps } from "./deps.js";
import type { CopyLedger, OwnedCopies } from "./ports/cluster.js";
import type { CopyRecord } from "./ports/stores.js";

/** The ledger of one command's copies: in this cluster and namespace, counted against the command's channel. */
export function copyLedger(deps: WorkerDeps, origin: JobOrigin, cluster: string, namespace: string): CopyLedger {
  const { sessions } = deps.stores;
  const cap = deps.config.debug.copy.maxPerChannel;
  /** The channel's copies still alive, oldest first: the first `cap` of them are the ones it may keep. */
  const live = async () =>
    (await sessions.listCopies(cluster)).filter((c) => c.channel === origin.channel && c.expiresAt > deps.now());
  return {
    async recordedUid(name) {
      return (await sessions.getCopy({ cluster, namespace, pod: name }))?.uid ?? null;
    },
    async beforeCreate() {
      const copies = await live();
      if (copies.length >= cap) throw capReached(copies, cap);
    },
    async record(copy) {
      const record: CopyRecord = {
        cluster,
        namespace,
        pod: copy.name,
        uid: copy.uid,
        copyOf: copy.copyOf,
        channel: origin.channel,
        createdBy: origin.user,
        createdAt: deps.now(),
        expiresAt: Date.parse(copy.expiresAt) || deps.now() + deps.config.debug.containerLifetimeMs,
      };
      await sessions.recordCopy(record);
      // Checked again once recorded: of commands racing past beforeCreate, only the oldest `cap` copies stay.
      const copies = await live();
      const place = copies.findIndex((c) => c.namespace === namespace && c.pod === copy.name);
      if (place >= cap) {
        await sessions.removeCopy({ cluster, namespace, pod: copy.name, uid: copy.uid });
        throw capReached(
          copies.filter((c) => c.pod !== copy.name),
          cap,
        );
      }
    },
    async forget(copy) {
      await sessions.removeCopy({ cluster, namespace, pod: copy.name, uid: copy.uid });
    },
  };
}

function capReached(copies: CopyRecord[], cap: number): PnsError {
  const names = copies.map((c) => `${c.namespace}/${c.pod}`);
  return new PnsError(
    "not_allowed",
    `This channel already keeps ${names.length} debug copies (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", …" : ""}), the most pns allows: each runs a second instance of its app.`,
    {
      hint: `Reuse one (\`--copy\` of the same pod), wait until one stops, or have a pns admin delete them with \`/pns cleanup\`. \`debug.copy.maxPerChannel\` (now ${cap}) sets the cap.`,
    },
  );
}

/** The copies pns recorded in a cluster, as the adapter's cleanup takes them. */
export function ownedCopies(copies: readonly CopyRecord[]): OwnedCopies {
  return new Map(copies.map((c) => [`${c.namespace}/${c.pod}`, c.uid]));
}
