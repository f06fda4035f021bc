/** A message as pns's views build it: a notification text and Block Kit blocks. */
export interface SlackMessage {
  text: string;
  blocks: unknown[];
}
