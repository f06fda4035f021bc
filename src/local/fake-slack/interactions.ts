/**
 * The short-lived handles Slack gives an app with each slash command or interaction: `trigger_id` (exchange once,
 * within about 3 s, for views.open) and `response_url` (up to 5 posts within 30 minutes).
 */

/** What a response_url posts into: the channel and user of the interaction, and the message it came from. */
export interface ResponseTarget {
  channel: string;
  user: string;
  /**
   * The message replace_original/delete_original act on: the clicked message of a block_actions, or for a slash
   * command the first message posted through its response_url (or its acknowledgement), as Slack does.
   */
  messageTs?: string;
  /** Whether that message is ephemeral. */
  isEphemeral?: boolean;
}

interface Trigger {
  user: string;
  issuedAt: number;
  used: boolean;
}

interface ResponseUrlState extends ResponseTarget {
  issuedAt: number;
  uses: number;
}

/** How long a trigger_id can be exchanged. @default 3000 ms */
export const triggerLifetimeMs = 3_000;
/** How long a response_url accepts posts. @default 30 minutes */
export const responseUrlLifetimeMs = 30 * 60_000;
/** How many posts a response_url accepts. @default 5 */
export const responseUrlMaxUses = 5;

/** Outcome of redeeming a handle: ok, or Slack's error code. */
export type Redeemed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Issues and redeems trigger_ids and response_urls against an injected clock. */
export class Interactions {
  private readonly triggers = new Map<string, Trigger>();
  private readonly responseUrls = new Map<string, ResponseUrlState>();
  private seq = 0;

  constructor(private readonly now: () => number) {}

  /** A new trigger_id for `user`, in Slack's `digits.digits.hex` format. */
  issueTrigger(user: string): string {
    this.seq += 1;
    const id = `${this.now()}.${this.seq}.${Math.random().toString(16).slice(2, 18).padEnd(16, "0")}`;
    this.triggers.set(id, { user, issuedAt: this.now(), used: false });
    return id;
  }

  /** Exchanges a trigger_id once; Slack's errors: invalid_trigger_id, expired_trigger_id, exchanged_trigger_id. */
  exchangeTrigger(id: string): Redeemed<string> {
    const t = this.triggers.get(id);
    if (!t) return { ok: false, error: "invalid_trigger_id" };
    if (t.used) return { ok: false, error: "exchanged_trigger_id" };
    if (this.now() - t.issuedAt > triggerLifetimeMs) return { ok: false, error: "expired_trigger_id" };
    t.used = true;
    return { ok: true, value: t.user };
  }

  /** A new response_url id for an interaction (the server turns it into `${url}/respond/<id>`). */
  issueResponseUrl(target: ResponseTarget): string {
    this.seq += 1;
    const id = `${this.seq}${Math.random().toString(36).slice(2, 12)}`;
    this.responseUrls.set(id, { ...target, issuedAt: this.now(), uses: 0 });
    return id;
  }

  /** Makes `ts` the message a slash command's response_url replaces, unless it already has one. */
  rememberMessage(id: string, ts: string, isEphemeral: boolean): void {
    const r = this.responseUrls.get(id);
    if (r && r.messageTs === undefined) {
      r.messageTs = ts;
      r.isEphemeral = isEphemeral;
    }
  }

  /** Counts one post to a response_url; errors: not_found, expired_url, used_url. */
  useResponseUrl(id: string): Redeemed<ResponseTarget> {
    const r = this.responseUrls.get(id);
    if (!r) return { ok: false, error: "not_found" };
    if (this.now() - r.issuedAt > responseUrlLifetimeMs) return { ok: false, error: "expired_url" };
    if (r.uses >= responseUrlMaxUses) return { ok: false, error: "used_url" };
    r.uses += 1;
    return { ok: true, value: r };
  }
}
