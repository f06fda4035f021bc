import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionId } from "../../src/core/views/ids.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { FakeMessage } from "../../src/local/fake-slack/workspace.js";
import { loadRbac } from "../../src/local/sim/index.js";
import type { LocalStack } from "../../src/local/stack.js";
import { DEMO_CONFIG, type Driver, OPS, startDemo } from "./helpers.js";

const { alice, carol } = slackUsers;

/** The last message only `user` was shown. */
function lastTold(stack: LocalStack, user: string): FakeMessage {
  const m = stack.slack.workspace.ephemeralsFor(OPS, user).at(-1);
  if (!m) throw new Error(`nothing was told to ${user}`);
  return m;
}

describe("a Pod Security refusal, end to end (namespace locked enforces restricted)", () => {
  let stack: LocalStack;
  let d: Driver;
  beforeAll(async () => ({ stack, d } = await startDemo()));
  afterAll(async () => stack?.close());

  it("says the level, the fields and the profile tried in one sentence, with a retry button and the config key", async () => {
    await d.command(alice.id, "ps api -n locked");
    const told = lastTold(stack, alice.id);
    const all = d.text(told);
    expect(told.text).toContain(
      "Namespace locked enforces Pod Security `restricted`, which refused pns's debug container for allowPrivilegeEscalation != false and capabilities drop",
    );
    expect(told.text).toContain("(pns tried the `baseline` profile)");
    expect(all).toContain("Retry with the restricted profile");
    expect(all).toContain("debug.profile: restricted");
    // Parsed, not dumped: no raw API text.
    expect(all).not.toContain("is forbidden");
    expect(all).not.toContain("securityContext.allowPrivilegeEscalation=false");
  });

  it("retries this one command with the restricted profile and lists the pod", async () => {
    await d.command(alice.id, "ps api -n locked");
    const refusal = lastTold(stack, alice.id);
    await d.client.send(
      d.client.blockAction({ user: alice.id, channel: OPS, message: refusal, actionId: ActionId.retryProfile }),
    );
    await stack.app.idle();
    const answer = d.toldTo(alice.id).join("\n");
    expect(answer).toContain("Processes in");
    expect(answer).toContain("/app/api");
    const debug = stack.sim.state.pod("locked", "api")?.spec.ephemeralContainers ?? [];
    const added = debug.at(-1);
    expect(added?.securityContext).toMatchObject({ runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
    // For this command only: the next typed command tries the configured profile again.
    await d.command(alice.id, "ps nginx");
    expect(d.text(lastTold(stack, alice.id))).toContain("Processes in");
  });

  it("refuses a forged button that asks for a more privileged profile, or for another command", async () => {
    await d.command(alice.id, "ps api -n locked");
    const refusal = lastTold(stack, alice.id);
    const patches = () => stack.sim.requests.entries.filter((e) => e.route.includes("ephemeralcontainers")).length;
    const before = patches();
    for (const [value, expected] of [
      ["general ps api -n locked", "does not retry with the `general` debug profile"],
      ["sysadmin ps api -n locked", "not one pns made"],
      ["restricted cleanup", "not one pns made"],
      ["restricted", "not one pns made"],
    ] as const) {
      await d.client.send(
        d.client.blockAction({
          user: alice.id,
          channel: OPS,
          message: refusal,
          actionId: ActionId.retryProfile,
          value,
        }),
      );
      await stack.app.idle();
      expect(d.toldTo(alice.id).at(-1)).toContain(expected);
    }
    expect(patches()).toBe(before);
  });
});

describe("failures explained by the doctor's checks", () => {
  let stack: LocalStack;
  let d: Driver;
  beforeAll(async () => {
    // pns's own rules without `pods/exec`, and `ps` for Alice only.
    const rbac = loadRbac(join(process.cwd(), "infra/rbac.yaml"));
    rbac.grants = rbac.grants.map((g) => ({
      ...g,
      rule: { ...g.rule, resources: g.rule.resources.filter((r) => r !== "pods/exec") },
    }));
    const dir = mkdtempSync(join(tmpdir(), "pns-podsec-"));
    const configPath = join(dir, "config.yaml");
    writeFileSync(configPath, readFileSync(DEMO_CONFIG, "utf8").replace('ps: "*"', "ps: [U0ALICE]"));
    ({ stack, d } = await startDemo({ configPath, sim: { rbac } }));
  });
  afterAll(async () => stack?.close());

  it("names the failed check and its fix when exec is forbidden", async () => {
    await d.command(alice.id, "ps nginx");
    const answer = d.toldTo(alice.id).at(-1) ?? "";
    expect(answer).toContain("May not create pods/exec");
    expect(answer).toContain("Grant pns `create` on `pods/exec` in namespace default");
    expect(answer).toContain("/pns doctor");
  });

  it("re-checks the clicker's rights on a retry button", async () => {
    await d.command(alice.id, "ps api -n locked");
    const refusal = lastTold(stack, alice.id);
    await d.client.send(
      d.client.blockAction({ user: carol.id, channel: OPS, message: refusal, actionId: ActionId.retryProfile }),
    );
    await stack.app.idle();
    // Answered through the click's response_url (which, in Slack, only the asker's own message has).
    const answer = [...d.toldTo(carol.id), ...d.toldTo(alice.id)].join("\n");
    expect(answer).toContain("may not");
    expect(answer).not.toContain("Processes in");
  });
});
