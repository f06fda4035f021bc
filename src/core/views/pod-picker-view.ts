/** "3 pods match app=web: pick one": a selector that matched several pods, each a button running the command on it. */

import type { Block, ButtonElement, MessageView } from "./block-kit.js";
import { ActionId, BlockId, encodePodPickValue } from "./ids.js";
import { BLOCKS_JSON_RESERVE, SlackLimits as L } from "./limits.js";
import { codeSpan, escapeTruncate, jsonSize, mrkdwn, plain } from "./text.js";

/** Most pods offered as buttons; the rest are counted, to be named by hand. @default 10 */
export const MAX_PICKED_PODS = 10;

/** One pod the selector matched. */
export interface PickablePod {
  name: string;
  phase: string;
  ready: boolean;
}

/** Input of {@link renderPodPickerView}. */
export interface PodPickerInput {
  selector: string;
  namespace: string;
  /** Every pod that matched, best first. */
  pods: readonly PickablePod[];
  /** The command as the user ran it (`/pns ps -l app=web -n shop`). */
  command: string;
  /** The command's text as Slack sends it, without `/pns `: what a button re-runs on its pod. */
  commandText: string;
  /** The command naming one pod by hand (`/pns ps pod/<name> -n shop`). */
  byName: string;
}

function stateOf(pod: PickablePod): string {
  return pod.phase === "Running" ? (pod.ready ? "Running, ready" : "Running, not ready") : pod.phase;
}

/** The picker: one button per pod (up to {@link MAX_PICKED_PODS}), each running the same command on that pod. */
export function renderPodPickerView(input: PodPickerInput): MessageView {
  const n = input.pods.length;
  const head = `${n} pods match ${codeSpan(input.selector, 200)} in namespace ${escapeTruncate(input.namespace, 63)}: pick one for ${codeSpan(input.command, 300)}.`;
  const lines = input.pods
    .slice(0, MAX_PICKED_PODS)
    .map((p) => `• ${escapeTruncate(p.name, 253)}: ${escapeTruncate(stateOf(p), 40)}`);
  const blocks: Block[] = [{ type: "section", text: mrkdwn(`:mag: ${head}\n${lines.join("\n")}`) }];
  const buttons: ButtonElement[] = [];
  let size = jsonSize(blocks);
  for (const [i, pod] of input.pods.slice(0, MAX_PICKED_PODS).entries()) {
    const value = encodePodPickValue(pod.name, input.commandText);
    if (value === null) break;
    const button: ButtonElement = {
      type: "button",
      action_id: `${ActionId.podPickPrefix}${i}`,
      text: plain(pod.name, L.buttonText),
      value,
      ...(i === 0 ? { style: "primary" as const } : {}),
    };
    // A long command in every button must not push the message past Slack's size: name the rest by hand.
    if (size + jsonSize(button) > L.blocksJson - BLOCKS_JSON_RESERVE) break;
    size += jsonSize(button);
    buttons.push(button);
  }
  if (buttons.length > 0) blocks.push({ type: "actions", block_id: BlockId.podPick, elements: buttons });
  const left = n - buttons.length;
  if (left > 0) {
    blocks.push({
      type: "context",
      elements: [
        mrkdwn(
          `${buttons.length > 0 ? `${left} more not offered here: name` : "Name"} one with ${codeSpan(input.byName, 300)}, or narrow the selector.`,
        ),
      ],
    });
  }
  return { text: `pns: ${n} pods match ${escapeTruncate(input.selector, 200)}: pick one.`, blocks };
}
