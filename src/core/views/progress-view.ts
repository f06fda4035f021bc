/** Progress of a slow command ("finding pod nginx…", "starting debug container (pulling busybox:1.36)…"). */

import type { Block, MessageView } from "./block-kit.js";
import { escapeTruncate, fitLines, mrkdwn } from "./text.js";

/** The steps done so far, then the current one. */
export function renderProgressView(steps: string[], current: string): MessageView {
  const done = steps.map((s) => `:white_check_mark: ${escapeTruncate(s, 300)}`);
  const now = `:hourglass_flowing_sand: ${escapeTruncate(current, 300)}`;
  const body = fitLines([...done.slice(-20), now], 2900, "steps");
  const blocks: Block[] = [{ type: "section", text: mrkdwn(body) }];
  return { text: `pns: ${escapeTruncate(current, 500)}`, blocks };
}
