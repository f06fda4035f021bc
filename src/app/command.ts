import { createHash } from "node:crypto";
import { withPick } from "../core/command/hints.js";
import { parseCommand } from "../core/command/parse-command.js";
import { describeTarget } from "../core/command/target.js";
import type { Command } from "../core/command/types.js";
import { helpText } from "../core/command/usage.js";
import type { DebugProfile } from "../core/config/debug-profiles.js";
import { PnsError } from "../core/errors.js";
import type { JobOrigin } from "../core/jobs.js";
import {
  type Action,
  bindingFor,
  checkIdentity,
  may,
  resolveCluster,
  resolveNamespace,
  signalPolicyFor,
} from "../core/policy.js";
import type { MessageView } from "../core/views/block-kit.js";
import { renderErrorView } from "../core/views/error-view.js";
import { renderHelpView } from "../core/views/help-view.js";
import { renderProgressView } from "../core/views/progress-view.js";
import { audit, commandDetail, listAudit } from "./audit.js";
import { type AppDeps, assertConfigured } from "./deps.js";
import { errorMessage } from "./errors.js";

/** The fields of a slash command pns reads (Slack's own names, as the adapter decodes them). */
export interface SlashCommand {
  user_id: string;
  team_id?: string;
  enterprise_id?: string;
  /** Sent for channels shared with other organizations (Slack Connect). */
  is_ext_shared_channel?: string | boolean;
  channel_id: string;
  text: string;
  trigger_id: string;
  response_url: string;
}

/** What the slash command is acknowledged with: an ephemeral message, or nothing. */
export type CommandReply = (MessageView & { response_type: "ephemeral" }) | undefined;

/**
 * A second identical command from the same person while the first one's job runs (at most this long) is a double
 * submission. @default 60 s
 */
export const DOUBLE_SUBMIT_MS = 60_000;

const ephemeral = (view: MessageView): CommandReply => ({ response_type: "ephemeral", ...view });

const ACTION_OF: Record<Command["kind"], Action | null> = {
  help: null,
  ps: "ps",
  signal: "signal",
  cat: "cat",
  inspect: "inspect",
  ports: "ps",
  doctor: "ps",
  sessions: "ps",
  cleanup: "admin",
  audit: "admin",
};

/** The rights a command needs: its own, and `copy` for `--copy` (a copy runs a second instance of the app). */
export function rightsOf(command: Command): Action[] {
  const action = ACTION_OF[command.kind];
  const rights = action ? [action] : [];
  if ("copy" in command && command.copy) rights.push("copy");
  return rights;
}

/**
 * Handles `/pns …` within Slack's 3 seconds: parses, checks the channel binding and the caller's rights, answers
 * help and audit at once, and hands everything that touches Kubernetes to the worker. Never throws.
 */
export async function handleSlashCommand(
  deps: AppDeps,
  body: SlashCommand,
  /**
   * `profile`: the debug profile of this one command (a Pod Security retry, checked by the caller and the worker);
   * `pick`: a pod chosen from pns's picker for the command's selector (the worker checks that it still matches).
   */
  options: { profile?: DebugProfile; pick?: string } = {},
): Promise<CommandReply> {
  const { pick } = options;
  const origin: JobOrigin = {
    user: body.user_id,
    channel: body.channel_id,
    responseUrl: body.response_url,
    ...(options.profile ? { profile: options.profile } : {}),
  };
  try {
    assertConfigured(deps);
    const who = checkIdentity(deps.config, {
      user: body.user_id,
      team: body.team_id ?? null,
      enterprise: body.enterprise_id || null,
      externalChannel: body.is_ext_shared_channel === true || body.is_ext_shared_channel === "true",
    });
    if (!who.ok) throw new PnsError("not_allowed", who.message);
    const parsed = parseCommand(body.text);
    if (!parsed.ok) {
      const { message, usage, suggestion } = parsed.error;
      return ephemeral(
        renderErrorView({ message, usage, ...(suggestion ? { hint: `Did you mean \`${suggestion}\`?` } : {}) }),
      );
    }
    const command = pick === undefined ? parsed.command : withPick(parsed.command, pick);
    if (!command) throw new PnsError("invalid_command", "This button is not from a pns pod picker.");
    if (command.kind === "help") {
      return ephemeral(renderHelpView(helpText(command.topic ?? undefined), command.topic ?? undefined));
    }

    const binding = bindingFor(deps.config, body.channel_id);
    if (!binding.ok) throw new PnsError("not_allowed", binding.message);
    const groups = await deps.userGroups.groupsOf(body.user_id);
    for (const needed of rightsOf(command)) {
      const allowed = may(deps.config, { user: body.user_id, groups }, needed);
      if (!allowed.ok) throw new PnsError("not_allowed", allowed.message);
    }
    if ("cluster" in command) {
      const cluster = resolveCluster(deps.config, binding.value, command.cluster);
      if (!cluster.ok) throw new PnsError("not_allowed", cluster.message);
    }
    const namespace = "namespace" in command ? resolveNamespace(binding.value, command.namespace) : null;
    if (namespace && !namespace.ok) throw new PnsError("not_allowed", namespace.message);

    if (command.kind === "audit") {
      return ephemeral(await listAudit(deps, body.channel_id, command.count));
    }

    const claim = doubleSubmitKey(pick === undefined ? body : { ...body, text: `${body.text}\u0000${pick}` });
    const fresh = await deps.stores.claims.claim(claim, DOUBLE_SUBMIT_MS);
    origin.claim = claim;
    if (!fresh) {
      return ephemeral(renderProgressView([], `Already working on \`/pns ${body.text.trim()}\`; the answer follows.`));
    }

    // One audit entry per command: pending now, replaced by the job's final outcome (a signal's entry is its request's).
    const retried = options.profile ? ` (retried with the ${options.profile} profile)` : "";
    const picked = pick === undefined ? "" : ` (picked pod ${pick})`;
    const auditRef = { id: deps.newId(), at: deps.now(), command: `/pns ${body.text.trim()}${picked}${retried}` };
    if (command.kind !== "signal") origin.audit = auditRef;
    if (command.kind === "signal") {
      const ns = namespace?.ok ? namespace.value : binding.value.defaultNamespace;
      const policy = signalPolicyFor(deps.config, ns, command.signal);
      if (!policy.ok) throw new PnsError("not_allowed", policy.message);
      // Without a reason the worker lists the pod first and checks the PID, then asks for the reason (runSignal).
      await deps.dispatch({ kind: "signal", id: deps.newId(), origin, command, reason: command.reason });
    } else if (command.kind === "ps") {
      await deps.dispatch({ kind: "ps", id: deps.newId(), origin, command });
    } else if (command.kind === "cat") {
      await deps.dispatch({ kind: "cat", id: deps.newId(), origin, command });
    } else if (command.kind === "inspect") {
      await deps.dispatch({ kind: "inspect", id: deps.newId(), origin, command });
    } else if (command.kind === "ports") {
      await deps.dispatch({ kind: "ports", id: deps.newId(), origin, command });
    } else if (command.kind === "doctor") {
      await deps.dispatch({ kind: "doctor", id: deps.newId(), origin, command });
    } else if (command.kind === "sessions") {
      await deps.dispatch({ kind: "sessions", id: deps.newId(), origin });
    } else {
      await deps.dispatch({ kind: "cleanup", id: deps.newId(), origin, command });
    }
    if (command.kind !== "signal") {
      await audit(
        deps,
        {
          actor: body.user_id,
          action: command.kind === "cleanup" ? "cleanup" : command.kind === "cat" ? "read" : "command",
          channel: body.channel_id,
          cluster: binding.value.cluster,
          namespace: namespace?.ok ? namespace.value : null,
          pod: null,
          detail: commandDetail(auditRef, "started"),
          outcome: "pending",
        },
        auditRef,
      );
    }
    return ephemeral(renderProgressView([], firstStep(command, namespace?.ok ? namespace.value : null)));
  } catch (err) {
    return ephemeral(
      errorMessage(err, deps.logger, deps.newId, { command: deps.redactor.text(body.text.slice(0, 200)) }),
    );
  }
}

/** Same person, same channel, same text: the key of a double submission. */
function doubleSubmitKey(body: SlashCommand): string {
  const text = createHash("sha256").update(body.text.trim()).digest("base64url").slice(0, 22);
  return `cmd:${body.user_id}:${body.channel_id}:${text}`;
}

function firstStep(command: Command, namespace: string | null): string {
  const where = namespace ? ` in namespace ${namespace}` : "";
  switch (command.kind) {
    case "ps":
    case "signal":
    case "cat":
      return command.copy
        ? `Looking for ${describeTarget(command)}${where}… With --copy, pns debugs a copy of the pod: it runs a second instance of the app (its queue consumers, cron jobs and writers too) until it stops or is cleaned up, and signals to it never reach the live pod.`
        : `Looking for ${describeTarget(command)}${where}…`;
    case "inspect":
    case "ports":
    case "doctor":
      return `Looking for ${describeTarget(command)}${where}…`;
    case "sessions":
      return "Looking for pns debug containers and copies…";
    case "cleanup":
      return "Cleaning up pns debug copies…";
    default:
      return "Working on it…";
  }
}
