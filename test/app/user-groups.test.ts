import { WebClient } from "@slack/web-api";
import { afterAll, describe, expect, it } from "vitest";
import { createJsonLogger } from "../../src/aws/logger.js";
import { startFakeSlack } from "../../src/local/fake-slack/server.js";
import { createUserGroups } from "../../src/slack/user-groups.js";

const fakes: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const f of fakes) await f.close();
});

async function setup(plan: "paid" | "free") {
  const fake = await startFakeSlack({
    usergroups: { S0SRE: ["U0BOB"], S0DEV: ["U0CAROL", "U0BOB"] },
    usergroupsPlan: plan,
  });
  fakes.push(fake);
  const lines: string[] = [];
  const client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  const groups = createUserGroups(client, ["S0SRE", "S0DEV"], {
    logger: createJsonLogger({ write: (l) => lines.push(l) }),
  });
  return { fake, groups, lines };
}

describe("user groups of approvers (usergroups.users.list)", () => {
  it("finds a user's configured groups, asking Slack once per group while cached", async () => {
    const { fake, groups } = await setup("paid");
    expect(await groups.groupsOf("U0BOB")).toEqual(["S0SRE", "S0DEV"]);
    expect(await groups.groupsOf("U0CAROL")).toEqual(["S0DEV"]);
    expect(await groups.groupsOf("U0ALICE")).toEqual([]);
    expect(fake.callsTo("usergroups.users.list")).toHaveLength(2);
  });

  it("on a free plan falls back to user IDs, with one clear log line", async () => {
    const { groups, lines } = await setup("free");
    expect(await groups.groupsOf("U0BOB")).toEqual([]);
    expect(await groups.groupsOf("U0BOB")).toEqual([]);
    const warnings = lines.filter((l) => l.includes("user groups unavailable"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("plan_upgrade_required");
  });
});
