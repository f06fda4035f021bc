import { PnsError } from "../core/errors.js";
import { bindingFor, may } from "../core/policy.js";
import { ActionId } from "../core/views/ids.js";
import { podFields } from "./approval-message.js";
import { audit } from "./audit.js";
import { type AppDeps, assertConfigured, LISTING_TTL_MS } from "./deps.js";
import { errorMessage } from "./errors.js";
import { assertServed, type ClickOrigin, replyToClick } from "./request-signal.js";

/** A click on "Share in channel" under a process table only its asker sees, decoded by the Slack adapter. */
export interface ShareClick extends ClickOrigin {
  /** The listing id the button carries; null when the value is not one. */
  listingId: string | null;
}

/**
 * "Share in channel": posts the table kept with the listing in its channel (with the full listing as a file in its
 * thread when the table is cut), once, and removes the private copy through the click's `response_url` (the only
 * way to remove an ephemeral message). Only the asker, in the table's channel, with `people.ps` still, may share it.
 * Never throws: a refusal is answered privately.
 */
export async function shareTable(deps: AppDeps, click: ShareClick): Promise<void> {
  let claim: string | undefined;
  try {
    assertConfigured(deps);
    assertServed(deps, click);
    if (!click.listingId) throw new PnsError("invalid_command", "This button is not from a pns process table.");
    const snapshot = await deps.stores.listings.get(click.listingId);
    if (!snapshot?.shared) {
      throw new PnsError("expired", "This process table is too old to share: processes may have changed since.", {
        hint: "Run `/pns ps` again and share the new table.",
      });
    }
    if (snapshot.createdBy !== click.user) {
      throw new PnsError("not_allowed", "Only whoever ran the command can share this table.");
    }
    if (click.channel !== snapshot.channel) {
      throw new PnsError("not_allowed", "This process table belongs to another channel: run `/pns ps` here first.");
    }
    const groups = await deps.userGroups.groupsOf(click.user);
    const allowed = may(deps.config, { user: click.user, groups }, "ps");
    if (!allowed.ok) throw new PnsError("not_allowed", allowed.message);
    const binding = bindingFor(deps.config, snapshot.channel);
    if (!binding.ok) throw new PnsError("not_allowed", binding.message);
    claim = `share:${snapshot.id}`;
    if (!(await deps.stores.claims.claim(claim, LISTING_TTL_MS))) {
      claim = undefined;
      throw new PnsError("already_decided", "This table is already shared in the channel.");
    }
    const { view, file } = snapshot.shared;
    const ts = await deps.chat.post(snapshot.channel, view);
    claim = undefined;
    if (click.responseUrl) {
      await deps.chat
        .respond(click.responseUrl, { delete_original: true })
        .catch((error: unknown) => deps.logger.debug("could not remove the private table", { error }));
    }
    if (file) {
      await deps.chat
        .upload({ channel: snapshot.channel, threadTs: ts ?? null, ...file })
        .catch((error: unknown) => deps.logger.warn("could not upload the full listing", { error }));
    }
    await audit(deps, {
      actor: click.user,
      action: "command",
      channel: snapshot.channel,
      ...podFields(snapshot),
      detail: `shared the process table ${snapshot.id} in the channel`,
      outcome: "ok",
    });
  } catch (err) {
    // A post that failed leaves the table shareable again.
    if (claim) await deps.stores.claims.release(claim).catch(() => undefined);
    await replyToClick(deps, click, errorMessage(err, deps.logger, deps.newId, { action: ActionId.psShare }));
  }
}
