import { asSlackSends, formatCommand } from "../core/command/format-command.js";
import type { PodCommand } from "../core/command/hints.js";
import { PnsError } from "../core/errors.js";
import type { JobOrigin } from "../core/jobs.js";
import { ActionId, decodePodPickValue } from "../core/views/ids.js";
import { renderPodPickerView } from "../core/views/pod-picker-view.js";
import { audit, commandDetail } from "./audit.js";
import type { AppDeps, WorkerDeps } from "./deps.js";
import { errorMessage } from "./errors.js";
import type { ClickOrigin } from "./request-signal.js";
import { replyToClick } from "./request-signal.js";
import { rerunAsTyped } from "./rerun.js";
import type { PodChoice } from "./resolve-pod.js";

/**
 * A selector matched several pods: answers the asker with a picker (one button per pod, each the same command on that
 * pod) in place of the progress message, instead of taking one silently. The command's audit entry says so.
 */
export async function offerPods(
  deps: WorkerDeps,
  origin: JobOrigin,
  command: PodCommand,
  choice: PodChoice,
): Promise<void> {
  const { resolved } = choice;
  if (command.target.kind !== "selector") throw choice;
  const pods = [resolved.pod, ...resolved.candidates];
  const typed = formatCommand(command);
  const view = renderPodPickerView({
    selector: command.target.selector,
    namespace: resolved.namespace,
    pods,
    command: typed,
    commandText: asSlackSends(typed.slice("/pns ".length)),
    byName: formatCommand({ ...command, target: { kind: "pod", name: "NAME" } }),
  });
  await deps.chat.replyPrivately(origin, view);
  await audit(
    deps,
    {
      actor: origin.user,
      action:
        command.kind === "signal"
          ? "request"
          : command.kind === "cat" || command.kind === "inspect"
            ? "read"
            : "command",
      channel: origin.channel,
      cluster: null,
      namespace: resolved.namespace,
      pod: null,
      detail: commandDetail(origin.audit, `${pods.length} pods match -l ${command.target.selector}: asked to pick one`),
      outcome: "ok",
    },
    origin.audit,
  );
}

/** A click on a pod picker's button, decoded by the Slack adapter. */
export interface PodPickClick extends ClickOrigin {
  /** The button's value: the pod and the command it re-runs. */
  value: string | undefined;
  triggerId: string;
}

/**
 * A pod picked: runs the picker's command again on that pod, as if typed (parsed, the caller's identity, channel,
 * rights and namespace checked again), the worker using the pod only while it still matches the selector in that
 * namespace. The answer replaces the picker. Never throws.
 */
export async function pickPod(deps: AppDeps, click: PodPickClick): Promise<void> {
  try {
    const pick = decodePodPickValue(click.value);
    if (!pick) throw new PnsError("invalid_command", "This button is not from a pns pod picker.");
    await rerunAsTyped(deps, click, pick.text, { pick: pick.pod });
  } catch (err) {
    await replyToClick(deps, click, errorMessage(err, deps.logger, deps.newId, { action: ActionId.podPickPrefix }));
  }
}
