/** The debug containers and copies pns has running (`/pns sessions`). */

import type { DebugSessionInfo, DebugStrategy } from "../model.js";
import type { Block, MessageView } from "./block-kit.js";
import { SlackLimits as L } from "./limits.js";
import { packedBlocks } from "./sections.js";
import { escapeTruncate, mrkdwn, plain, plural, slackDate, userMention } from "./text.js";

/** One debug session as `/pns sessions` lists it: what pns recorded, checked against the cluster. */
export interface SessionSummary extends Omit<DebugSessionInfo, "createdBy" | "lastUsedAt"> {
  /** Slack user ID of whoever attached it; null when unknown (a copy another channel made, not annotated). */
  createdBy: string | null;
  /** Epoch milliseconds the debug container started, as the cluster says; absent: `createdAt` stands in. */
  startedAt?: number | null;
  /** Epoch milliseconds pns last ran a script through it; absent when unknown. */
  lastUsedAt?: number | null;
  /** Why it no longer sees the app's processes (stopped, its target restarted); absent or null while it does. */
  blind?: string | null;
  /** Epoch milliseconds since when it is blind; null when unknown. */
  blindSince?: number | null;
}

const STRATEGY_WORDS: Record<DebugStrategy, string> = {
  shared: "ephemeral container, shared namespace",
  ephemeral: "ephemeral container",
  copy: "debug copy",
};

/** The list of debug sessions: the blind ones first (they need a new debug container), then soonest to expire. */
export function renderSessionsView(sessions: SessionSummary[], now: number): MessageView {
  const head: Block[] = [{ type: "header", text: plain("pns debug sessions", L.header) }];
  if (sessions.length === 0) {
    head.push({ type: "section", text: mrkdwn("No debug sessions are running.") });
    return { text: "No pns debug sessions are running.", blocks: head };
  }
  const sorted = [...sessions].sort(
    (a, b) => Number(Boolean(b.blind)) - Number(Boolean(a.blind)) || a.expiresAt - b.expiresAt,
  );
  const lines = sorted.map((s) => {
    const where = escapeTruncate(`${s.cluster} / ${s.namespace} / ${s.pod}`, 300);
    const what =
      s.strategy === "copy"
        ? `${STRATEGY_WORDS.copy} ${escapeTruncate(s.debugPod, 120)}, container ${escapeTruncate(s.debugContainer, 120)}`
        : `${STRATEGY_WORDS[s.strategy]} ${escapeTruncate(s.debugContainer, 120)}`;
    const started = `started ${slackDate(s.startedAt ?? s.createdAt)}${s.createdBy ? ` by ${userMention(s.createdBy)}` : ""}`;
    const used = s.lastUsedAt ? `; last used ${slackDate(s.lastUsedAt)}` : "";
    const ends =
      s.expiresAt <= now ? `expired ${slackDate(s.expiresAt)}, cleanup pending` : `stops ${slackDate(s.expiresAt)}`;
    if (s.blind) {
      const since = s.blindSince ? ` ${slackDate(s.blindSince)}` : "";
      return `• :warning: *${where}*: ${what} is blind: ${escapeTruncate(s.blind, 300)}${since}; the next \`/pns ps\` attaches a new one. It ${started}${used}.`;
    }
    return `• *${where}*: ${what}; ${started}${used}; ${ends}`;
  });
  const all = packedBlocks(
    head,
    lines,
    (placed, total) => `Showing ${placed} of ${plural(total, "session", "sessions")}.`,
  );
  const blind = sessions.filter((s) => s.blind).length;
  const text = `${plural(sessions.length, "pns debug session", "pns debug sessions")}${blind > 0 ? `, ${blind} blind` : " running"}.`;
  return { text, blocks: all };
}
