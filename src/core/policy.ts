/** Pure decisions over the configuration: which channel reaches what, who may do what, which signals need whom. */
import type { ApprovalMode } from "./approval/types.js";
import { isSlackUserId } from "./command/kube-names.js";
import { namespaceMatches } from "./config/namespace-glob.js";
import type { ClusterAccess, People, PnsConfig } from "./config/types.js";
import { SIGNAL_NAMES, type SignalName } from "./signals.js";

/** A decision: the value, or a refusal with a message for the user. */
export type Decision<T> = { ok: true; value: T } | { ok: false; message: string };

/** What a channel may reach, after the `"*"` fallback. */
export interface ChannelBinding {
  channel: string;
  cluster: string;
  clusterAccess: ClusterAccess;
  /** Allowed namespaces: names or globs. */
  namespaces: string[];
  defaultNamespace: string;
  /** Where approval requests go: the configured approvals channel, else this channel. */
  approvalsChannel: string;
}

/** Who is asking: a Slack user ID and the IDs of the user groups they belong to. */
export interface Actor {
  user: string;
  groups: readonly string[];
}

/** Things a person may be allowed to do; `signal` is requesting one, `admin` is cleanup and audit, `copy` is `--copy`. */
export type Action = "ps" | "cat" | "catSecrets" | "inspect" | "signal" | "approve" | "admin" | "copy";

/** The rule that applies to one signal in one namespace. */
export interface SignalDecision {
  signal: SignalName;
  approval: ApprovalMode;
  /** How long the request waits for approval. */
  ttlMs: number;
  /** Who may approve; both empty means anyone allowed to approve but the requester. */
  approvers: { users: string[]; groups: string[] };
}

const ACTION_WORDS: Record<Action, string> = {
  ps: "list processes",
  cat: "read files",
  inspect: "inspect processes",
  catSecrets: "read secret files",
  signal: "request signals",
  approve: "approve signal requests",
  admin: "run admin commands (cleanup, audit)",
  copy: "debug copies of pods (`--copy`: a second instance of the app)",
};

const ok = <T>(value: T): Decision<T> => ({ ok: true, value });
const no = <T>(message: string): Decision<T> => ({ ok: false, message });

/** The binding of a channel: its own entry, else the `"*"` entry, else a refusal. */
export function bindingFor(config: PnsConfig, channelId: string): Decision<ChannelBinding> {
  const key = Object.hasOwn(config.channels, channelId) ? channelId : Object.hasOwn(config.channels, "*") ? "*" : null;
  if (key === null) {
    return no(
      `pns is not set up for this channel (${channelId}): ask an admin to add it under channels in the pns configuration.`,
    );
  }
  const ch = config.channels[key]!;
  const access = Object.hasOwn(config.clusters, ch.cluster) ? config.clusters[ch.cluster] : undefined;
  if (!access)
    return no(`This channel points at cluster ${ch.cluster}, which is not configured: ask an admin to fix channels.`);
  return ok({
    channel: channelId,
    cluster: ch.cluster,
    clusterAccess: access,
    namespaces: [...ch.namespaces],
    defaultNamespace: ch.defaultNamespace,
    approvalsChannel: ch.approvalsChannel ?? channelId,
  });
}

/** The namespace a command runs in: the requested one if the channel allows it, else the channel's default. */
export function resolveNamespace(binding: ChannelBinding, requested?: string | null): Decision<string> {
  const ns = requested ?? binding.defaultNamespace;
  if (namespaceMatches(ns, binding.namespaces)) return ok(ns);
  return no(`Namespace ${ns} is not allowed in this channel: use one of ${binding.namespaces.join(", ")}.`);
}

/** The cluster a command runs on: `--cluster` if given and configured, else the channel's. */
export function resolveCluster(
  config: PnsConfig,
  binding: ChannelBinding,
  requested?: string | null,
): Decision<string> {
  if (requested === null || requested === undefined || requested === binding.cluster) return ok(binding.cluster);
  // A channel is bound to one cluster; --cluster may only restate it, so a channel cannot reach another cluster.
  const known = Object.hasOwn(config.clusters, requested);
  return no(
    known
      ? `This channel works with cluster ${binding.cluster}, not ${requested}: run the command in a channel bound to ${requested}.`
      : `There is no cluster ${requested}: this channel works with cluster ${binding.cluster}.`,
  );
}

function inAudience(audience: People[Action], actor: Actor): boolean {
  return (
    audience.everyone || audience.users.includes(actor.user) || actor.groups.some((g) => audience.groups.includes(g))
  );
}

/** Whether a person may do an action at all (per `people`). */
export function may(config: PnsConfig, actor: Actor, action: Action): Decision<true> {
  if (inAudience(config.people[action], actor)) return ok(true);
  return no(`You may not ${ACTION_WORDS[action]} with pns: ask an admin to add you under people.${action}.`);
}

/** The rule for sending `signal` in `namespace`: the first policy whose namespaces match, else a refusal. */
export function signalPolicyFor(config: PnsConfig, namespace: string, signal: SignalName): Decision<SignalDecision> {
  const policy = config.signals.find((p) => namespaceMatches(namespace, p.namespaces));
  if (!policy || policy.allowed.length === 0)
    return no(`pns sends no signals in namespace ${namespace}: no policy under signals covers it.`);
  if (!policy.allowed.includes(signal)) {
    const allowed = SIGNAL_NAMES.filter((s) => policy.allowed.includes(s)).map((s) => `SIG${s}`);
    return no(`SIG${signal} is not allowed in namespace ${namespace}: allowed are ${allowed.join(", ")}.`);
  }
  return ok({
    signal,
    approval: policy.approval,
    ttlMs: policy.approvalTtlMs,
    approvers: { users: [...policy.approvers.users], groups: [...policy.approvers.groups] },
  });
}

/** Who sent a request, as Slack's payload says. */
export interface SlackIdentity {
  user: string;
  /** The user's workspace (team) ID; null when the payload has none. */
  team: string | null;
  /** The Enterprise Grid organization ID; null when none. */
  enterprise: string | null;
  /** The request came from a channel shared with other organizations (Slack Connect). */
  externalChannel: boolean;
}

/**
 * Whether pns serves this sender at all, before any right is checked: only people (user IDs `U…`/`W…`, never bots,
 * apps or an empty ID), of the configured home workspace and organization, outside channels shared with other
 * organizations, unless `slack.allowExternalUsers` says otherwise.
 */
export function checkIdentity(config: PnsConfig, who: SlackIdentity): Decision<true> {
  if (!isSlackUserId(who.user)) return no("pns acts only for people: this request did not come from a Slack user.");
  const { team, enterprise, allowExternalUsers } = config.slack;
  const foreignTeam = team !== null && who.team !== team;
  const foreignOrg = enterprise !== null && who.enterprise !== enterprise;
  if ((foreignTeam || foreignOrg) && !allowExternalUsers) {
    return no("pns serves only its own workspace, and this request came from another one.");
  }
  if (who.externalChannel && !allowExternalUsers) {
    return no(
      "pns does not act in channels shared with other organizations: use an internal channel, or ask a pns admin to set `slack.allowExternalUsers`.",
    );
  }
  return ok(true);
}
