/** The debug containers and copies pns has running (`/pns sessions`). */

import type { DebugSessionInfo, DebugStrategy } from "../model.js";
import type { Block, MessageView } from "./block-kit.js";
import { SlackLimits as L } from "./limits.js";
import { packedBlocks } from "./sections.js";
import { escapeTruncate, mrkdwn, plain, plural, slackDate, userMention } from "./text.js";

/** One debug session as `/pns sessions` lists it. */
export type SessionSummary = DebugSessionInfo;

const STRATEGY_WORDS: Record<DebugStrategy, string> = {
  shared: "ephemeral container, shared namespace",
  ephemeral: "ephemeral container",
  copy: "debug copy",
};

/** The list of running debug sessions, soonest to expire first. */
export function renderSessionsView(sessions: SessionSummary[], now: number): MessageView {
  const head: Block[] = [{ type: "header", text: plain("pns debug sessions", L.header) }];
  if (sessions.length === 0) {
    head.push({ type: "section", text: mrkdwn("No debug sessions are running.") });
    return { text: "No pns debug sessions are running.", blocks: head };
  }
  const sorted = [...sessions].sort((a, b) => a.expiresAt - b.expiresAt);
  const lines = sorted.map((s) => {
    const where = escapeTruncate(`${s.cluster} / ${s.namespace} / ${s.pod}`, 300);
    const what =
      s.strategy === "copy"
        ? `${STRATEGY_WORDS.copy} ${escapeTruncate(s.debugPod, 120)}, container ${escapeTruncate(s.debugContainer, 120)}`
        : `${STRATEGY_WORDS[s.strategy]} ${escapeTruncate(s.debugContainer, 120)}`;
    const ends =
      s.expiresAt <= now ? `expired ${slackDate(s.expiresAt)}, cleanup pending` : `stops ${slackDate(s.expiresAt)}`;
    return `• *${where}*: ${what}; started by ${userMention(s.createdBy)} ${slackDate(s.createdAt)}; ${ends}`;
  });
  const all = packedBlocks(
    head,
    lines,
    (placed, total) => `Showing ${placed} of ${plural(total, "session", "sessions")}.`,
  );
  return { text: `${plural(sessions.length, "pns debug session", "pns debug sessions")} running.`, blocks: all };
}
