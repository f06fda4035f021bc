import type { FakeChannel, FakeUser } from "./workspace.js";

/** The people of the demo: Alice is on call, Bob leads SRE and approves, Carol may not approve. */
export const slackUsers = {
  alice: { id: "U0ALICE", name: "alice", realName: "Alice", title: "On-call engineer" },
  bob: { id: "U0BOB", name: "bob", realName: "Bob", title: "SRE lead (approver)" },
  carol: { id: "U0CAROL", name: "carol", realName: "Carol", title: "Developer (cannot approve)" },
} as const satisfies Record<string, FakeUser>;

/** The demo's channel, #ops. */
export const opsChannel: FakeChannel = { id: "C0OPS", name: "ops" };

/** The demo's usergroups: S0SRE holds the approvers. */
export const demoUsergroups: Record<string, string[]> = { S0SRE: [slackUsers.bob.id] };
