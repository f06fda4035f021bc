import type { WebClient } from "@slack/web-api";
import type { UserGroups } from "../app/ports/chat.js";
import type { Logger } from "../core/log.js";

/** How long a group's member list is reused. @default 5 minutes */
export const USER_GROUP_CACHE_MS = 5 * 60_000;

/** Errors that mean user groups cannot be read at all here: fall back to user IDs. */
const UNAVAILABLE = new Set(["plan_upgrade_required", "missing_scope", "not_allowed_token_type", "no_permission"]);

/**
 * Resolves group membership with `usergroups.users.list`, one call per configured group, cached. Without the
 * `usergroups:read` scope or on a free plan it logs once and treats every user as in no group, so only approvers
 * named by user ID can approve.
 */
export function createUserGroups(
  client: Pick<WebClient, "usergroups">,
  groups: readonly string[],
  deps: { logger: Logger; now?: () => number; cacheMs?: number },
): UserGroups {
  const now = deps.now ?? Date.now;
  const cacheMs = deps.cacheMs ?? USER_GROUP_CACHE_MS;
  const cache = new Map<string, { at: number; members: Promise<Set<string>> }>();
  let unavailable = false;

  const membersOf = (group: string): Promise<Set<string>> => {
    const hit = cache.get(group);
    if (hit && now() - hit.at < cacheMs) return hit.members;
    const members = client.usergroups.users
      .list({ usergroup: group })
      .then((res) => new Set(res.users ?? []))
      .catch((err: { data?: { error?: string } }) => {
        cache.delete(group);
        const code = err?.data?.error ?? "unknown_error";
        if (UNAVAILABLE.has(code)) {
          if (!unavailable) {
            deps.logger.warn("user groups unavailable; only approvers named by user ID can approve", { code });
          }
          unavailable = true;
        } else {
          deps.logger.warn("could not read a user group's members", { group, code });
        }
        return new Set<string>();
      });
    cache.set(group, { at: now(), members });
    return members;
  };

  return {
    async groupsOf(user) {
      if (unavailable || groups.length === 0) return [];
      const sets = await Promise.all(groups.map(async (g) => [g, await membersOf(g)] as const));
      return sets.filter(([, members]) => members.has(user)).map(([g]) => g);
    },
  };
}
