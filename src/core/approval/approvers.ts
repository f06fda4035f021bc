/** Who may decide a signal request, named the same way on its approval card and in every refusal. */

import { codeSpan } from "../views/text.js";
import type { SignalRequest } from "./types.js";

/** A mention of a well-formed user ID, else the ID as code (escaped, on one line): it cannot mention anyone. */
function userMention(userId: string): string {
  return /^[UW][A-Z0-9]{2,20}$/.test(userId) ? `<@${userId}>` : codeSpan(userId, 80);
}

/** A Slack user-group mention for a well-formed group ID, else the ID as code. */
function groupMention(groupId: string): string {
  return /^S[A-Z0-9]{2,20}$/.test(groupId) ? `<!subteam^${groupId}>` : codeSpan(groupId, 80);
}

/** "a", "a or b", "a, b or c". */
function orList(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

/**
 * The people who may approve, as mrkdwn pns builds (user and group mentions as tokens): the policy's approvers, never
 * the requester unless approval is `self` (and then saying so); with no list, "anyone allowed to approve" with the
 * requester excluded or included. A group may hold the requester, so it is named with "not <@requester>".
 */
export function describeApprovers(request: Pick<SignalRequest, "approval" | "approvers" | "requester">): string {
  const { approval, approvers, requester } = request;
  if (approval === "none") return "no one: no approval needed";
  const me = userMention(requester);
  const self = approval === "self";
  const users = approvers.users.filter((u) => self || u !== requester).map(userMention);
  const groups = approvers.groups.map(groupMention);
  if (approvers.users.length === 0 && groups.length === 0) {
    return self ? `anyone allowed to approve, ${me} included` : `anyone allowed to approve except ${me}`;
  }
  if (users.length === 0 && groups.length === 0) {
    return `nobody: the policy names only ${me}, who asked (a pns admin can add approvers)`;
  }
  const names = orList([...users, ...groups]);
  if (self) return `${names} (${me} may approve too)`;
  return groups.length > 0 ? `${names} (not ${me}, who asked)` : names;
}
