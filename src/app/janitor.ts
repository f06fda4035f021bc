import { expire, finish } from "../core/approval/state-machine.js";
import { applyTransition } from "./apply-transition.js";
import { refreshApprovalMessage, tellExpired } from "./approval-message.js";
import { audit, auditRequest } from "./audit.js";
import { markLostConts, sendDueConts } from "./auto-cont.js";
import { cleanUpCopies } from "./cleanup.js";
import type { WorkerDeps } from "./deps.js";
import type { RecordedDebugContainer } from "./ports/cluster.js";

/**
 * A request still `executing` this long after its approval lost its worker (a Lambda times out after 5 minutes).
 * @default 10 minutes
 */
export const STUCK_AFTER_MS = 10 * 60_000;

/**
 * An automatic CONT still `sending` this long after a janitor run claimed it lost that run (the janitor function
 * times out after 2 minutes). @default 5 minutes
 */
export const CONT_STUCK_AFTER_MS = 5 * 60_000;

/** What the message says of a signal whose worker stopped while sending it. */
export const LOST_OUTCOME =
  "pns lost track of this signal: its worker stopped while sending it, so it may or may not have been delivered. " +
  "Check the process with /pns ps before asking again.";

/** What one janitor run did. */
export interface JanitorReport {
  expired: number;
  /** Requests whose worker stopped mid-signal, now marked failed. */
  lost: number;
  deletedCopies: number;
  /** Automatic CONTs after a STOP sent by this run, and those it could not send (the process changed). */
  contsSent: number;
  contsNotSent: number;
  /** Automatic CONTs whose janitor run stopped while sending them, now marked lost and told in their threads. */
  contsLost: number;
  runningEphemeral: number;
  failures: number;
}

/**
 * The scheduled cleanup: expires pending requests past their lifetime (their messages lose their buttons), sends
 * due automatic CONTs, marks lost the CONTs and failed the signals whose run stopped mid-way (saying they may or may
 * not have been sent), deletes expired
 * debug copies in every bound cluster, notes ephemeral debug containers still running, and forgets expired sessions.
 * Every step runs even when another fails; each failure is logged at ERROR and counted in the report.
 */
export async function runJanitor(deps: WorkerDeps): Promise<JanitorReport> {
  const report: JanitorReport = {
    expired: 0,
    lost: 0,
    deletedCopies: 0,
    contsSent: 0,
    contsNotSent: 0,
    contsLost: 0,
    runningEphemeral: 0,
    failures: 0,
  };
  const now = deps.now();

  await step(deps, report, "expire pending requests", async () => {
    for (const pending of await deps.stores.requests.listExpirable(now)) {
      const result = await applyTransition(deps.stores.requests, pending.id, (r) => expire(r, now));
      if (!result.ok) continue;
      report.expired++;
      await refreshApprovalMessage(deps, result.request).catch((error: unknown) => {
        report.failures++;
        deps.logger.error("could not update an expired request's message", { error, request: pending.id });
      });
      await auditRequest(deps, result.request);
      await tellExpired(deps, result.request);
    }
  });

  // Due CONTs first among the cluster work: a stopped process waits on it, a copy to delete does not.
  await step(deps, report, "send automatic CONTs", async () => {
    const conts = await sendDueConts(deps, now);
    report.contsSent += conts.sent;
    report.contsNotSent += conts.notSent;
  });

  await step(deps, report, "mark lost automatic CONTs", async () => {
    report.contsLost += await markLostConts(deps, now - CONT_STUCK_AFTER_MS);
  });

  await step(deps, report, "mark lost signals", async () => {
    for (const stuck of await deps.stores.requests.listStuck(now - STUCK_AFTER_MS)) {
      const result = await applyTransition(deps.stores.requests, stuck.id, (r) => finish(r, false, LOST_OUTCOME));
      if (!result.ok) continue;
      report.lost++;
      await refreshApprovalMessage(deps, result.request).catch((error: unknown) => {
        report.failures++;
        deps.logger.error("could not update a lost request's message", { error, request: stuck.id });
      });
      deps.logger.error("a signal's worker stopped mid-signal", { request: stuck.id });
      await auditRequest(deps, result.request, LOST_OUTCOME);
    }
  });

  const namespacesByCluster = new Map<string, Set<string>>();
  for (const binding of Object.values(deps.config.channels)) {
    const set = namespacesByCluster.get(binding.cluster) ?? new Set<string>();
    for (const ns of binding.namespaces) set.add(ns);
    namespacesByCluster.set(binding.cluster, set);
  }
  // Which ephemeral debug containers to report comes from pns's own records: their pods are read, the cluster's
  // other pods never listed, so a run costs requests in proportion to pns's objects, not to the cluster.
  let recorded = new Map<string, RecordedDebugContainer[]>();
  await step(deps, report, "read recorded debug containers", async () => {
    recorded = await recordedEphemeral(deps, now);
  });
  for (const [cluster, namespaces] of namespacesByCluster) {
    try {
      // Only copies whose pod UID pns recorded are deleted; pods merely labelled as pns's are left alone.
      const cleanup = await cleanUpCopies(deps, cluster, [...namespaces], { recorded: recorded.get(cluster) ?? [] });
      report.deletedCopies += cleanup.deleted.length;
      report.runningEphemeral += cleanup.runningEphemeral.length;
      report.failures += cleanup.failed.length;
      for (const s of cleanup.deleted) {
        await audit(deps, {
          actor: "pns",
          action: "cleanup",
          channel: null,
          cluster,
          namespace: s.namespace,
          pod: s.pod,
          detail: `deleted expired debug copy ${s.pod}${s.copyOf ? ` of ${s.copyOf}` : ""}`,
          outcome: "ok",
        });
      }
      for (const f of cleanup.failed)
        deps.logger.error("could not delete a debug copy", { cluster, pod: f.session.pod, message: f.message });
      if (cleanup.runningEphemeral.length > 0) {
        deps.logger.info("ephemeral debug containers still running", {
          cluster,
          containers: cleanup.runningEphemeral.map((s) => `${s.namespace}/${s.pod}/${s.container}`),
        });
      }
    } catch (error) {
      report.failures++;
      deps.logger.error("janitor step failed: clean up debug copies", { cluster, error });
    }
  }

  await step(deps, report, "forget expired sessions", async () => {
    for (const session of await deps.stores.sessions.listExpired(now)) await deps.stores.sessions.remove(session);
  });
  deps.logger.info("janitor done", { ...report });
  return report;
}

/** The ephemeral debug containers recorded in the bound channels and those expired since, by cluster, once each. */
async function recordedEphemeral(deps: WorkerDeps, now: number): Promise<Map<string, RecordedDebugContainer[]>> {
  const sessions = [
    ...(await Promise.all(Object.keys(deps.config.channels).map((c) => deps.stores.sessions.list(c, now)))).flat(),
    ...(await deps.stores.sessions.listExpired(now)),
  ];
  const byCluster = new Map<string, Map<string, RecordedDebugContainer>>();
  for (const s of sessions) {
    if (s.strategy === "copy") continue; // copies are found by their label
    const containers = byCluster.get(s.cluster) ?? new Map<string, RecordedDebugContainer>();
    containers.set(`${s.namespace}/${s.debugPod}/${s.debugContainer}`, {
      namespace: s.namespace,
      pod: s.debugPod,
      container: s.debugContainer,
    });
    byCluster.set(s.cluster, containers);
  }
  return new Map([...byCluster].map(([cluster, containers]) => [cluster, [...containers.values()]]));
}

/** Runs one janitor step; a failure is logged at ERROR and counted, and the next step runs all the same. */
async function step(deps: WorkerDeps, report: JanitorReport, name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    report.failures++;
    deps.logger.error(`janitor step failed: ${name}`, { error });
  }
}
