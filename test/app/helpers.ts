import { fileURLToPath } from "node:url";
import type { Logger } from "../../src/core/log.js";
import { ActionId, CallbackId } from "../../src/core/views/ids.js";
import { slackClient } from "../../src/local/fake-slack/client.js";
import type { FakeMessage } from "../../src/local/fake-slack/workspace.js";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../src/local/stack.js";

/** The demo's configuration: #ops on the simulator; Alice and Bob (S0SRE) approve, Carol may not. */
export const DEMO_CONFIG = fileURLToPath(new URL("../../src/local/demo.config.yaml", import.meta.url));
export const OPS = "C0OPS";

/** Drives pns through the fake Slack like a person: commands, picks, clicks and modals. */
export function driver(stack: LocalStack) {
  const client = slackClient(stack.slack);
  const text = (m: FakeMessage | undefined) => JSON.stringify(m?.blocks ?? []) + (m?.text ?? "");
  const ws = stack.slack.workspace;

  return {
    client,
    text,
    messages: () => ws.channelMessages(OPS),
    /** What `user` sees in #ops: the channel's messages, then those only they were shown. */
    seenBy: (user: string): FakeMessage[] => [...ws.channelMessages(OPS), ...ws.ephemeralsFor(OPS, user)],
    /** What only `user` was told (ephemeral messages), newest last. */
    toldTo: (user: string) => ws.ephemeralsFor(OPS, user).map((m) => text(m)),
    async command(user: string, commandText: string) {
      const res = await client.send(client.slashCommand({ user, channel: OPS, text: commandText }));
      await stack.app.idle();
      return res;
    },
    /** Lists `target`, picks `pid` and `signal`, gives a reason: returns the approval message. */
    /**
     * Runs `ps target` and returns its process table: the one only `user` sees (`output.ps: ephemeral`, the default),
     * else the one posted in the channel (`output.ps: public`).
     */
    async table(user: string, target: string): Promise<FakeMessage> {
      const posted = ws.channelMessages(OPS).length;
      const told = ws.ephemeralsFor(OPS, user).map((m) => m.ts);
      await this.command(user, `ps ${target}`);
      const isTable = (m: FakeMessage) => text(m).includes("Processes in");
      const table =
        ws.ephemeralsFor(OPS, user).find((m) => !told.includes(m.ts) && isTable(m)) ??
        ws
          .channelMessages(OPS)
          .slice(posted)
          .find((m) => isTable(m));
      if (!table) throw new Error(`no process table for ${target}: ${JSON.stringify(this.toldTo(user).slice(-1))}`);
      return table;
    },
    /** The newest process table `user` can see: told only to them (the default) or posted in the channel. */
    latestTable(user: string): FakeMessage | undefined {
      const isTable = (m: FakeMessage) => text(m).includes("Processes in");
      const all = [...ws.ephemeralsFor(OPS, user), ...ws.channelMessages(OPS)].filter(isTable);
      return all.sort((a, b) => Number(a.ts) - Number(b.ts)).at(-1);
    },
    async requestSignal(user: string, target: string, pid: number, signal: string, reason = "testing") {
      const before = ws.channelMessages(OPS).length;
      const table = await this.table(user, target);
      for (const [actionId, value] of [
        [ActionId.psProcess, String(pid)],
        [ActionId.psSignal, signal],
      ] as const) {
        await client.send(client.blockAction({ user, channel: OPS, message: table, actionId, value }));
      }
      await client.send(client.blockAction({ user, channel: OPS, message: table, actionId: ActionId.psRequest }));
      const modal = ws.openViewOf(user);
      if (!modal) throw new Error(`no reason modal: ${JSON.stringify(this.toldTo(user).slice(-1))}`);
      await client.send(client.viewSubmission({ user, view: modal, values: { [ActionId.reasonInput]: reason } }));
      await stack.app.idle();
      const approval = ws
        .channelMessages(OPS)
        .slice(before)
        .find((m) => text(m).includes("Signal request"));
      if (!approval) throw new Error("no approval message was posted");
      // As a client that still shows the buttons: later clicks come from this copy, whatever the message is now.
      return structuredClone(approval);
    },
    /**
     * Clicks Approve, Deny or Cancel on an approval message; when pns asks to confirm (its Approve / Deny modal),
     * submits it, with `denyReason` for Deny. Returns the click's response.
     */
    async decide(user: string, approval: FakeMessage, action: "approve" | "deny" | "cancel", denyReason = "") {
      const actionId = { approve: ActionId.signalApprove, deny: ActionId.signalDeny, cancel: ActionId.signalCancel }[
        action
      ];
      const before = ws.openViewOf(user)?.id;
      const res = await client.send(client.blockAction({ user, channel: OPS, message: approval, actionId }));
      await stack.app.idle();
      const modal = this.decisionModalOf(user, before);
      if (modal) {
        await client.send(
          client.viewSubmission({ user, view: modal, values: { [ActionId.denyReasonInput]: denyReason } }),
        );
        await stack.app.idle();
      }
      return res;
    },
    /** The Approve / Deny modal pns opened for `user` since the view `before`, if any. */
    decisionModalOf(user: string, before?: string) {
      const modal = ws.openViewOf(user);
      return modal && modal.id !== before && modal.callback_id === CallbackId.decisionModal ? modal : undefined;
    },
    /** The approval message as it is now. */
    current: (approval: FakeMessage) => text(ws.message(OPS, approval.ts)),
    /** PIDs of the nginx worker processes in the simulator. */
    workerPids: () =>
      stack.sim.state
        .processes("default", "nginx")
        .filter((p) => p.args.join(" ") === "nginx: worker process")
        .map((p) => p.pid),
    /** Signal scripts the simulator ran. */
    signalExecs: () => stack.sim.requests.entries.filter((e) => e.route === "GET pods/exec").length,
  };
}

/** The driver's type. */
export type Driver = ReturnType<typeof driver>;

/** A logger that keeps its lines for a test to read and prints none: an expected error is no noise in `npm test`. */
export function memoryLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** Starts the local stack with the demo's configuration (its logs kept, not printed), and a driver for it. */
export async function startDemo(options: LocalStackOptions = {}): Promise<{ stack: LocalStack; d: Driver }> {
  const stack = await startLocalStack({ configPath: DEMO_CONFIG, logger: memoryLogger(), ...options });
  return { stack, d: driver(stack) };
}
