import { describe, expect, it } from "vitest";
import { describeApprovers } from "./approvers.js";
import type { ApprovalMode } from "./types.js";

const A = "U0ALICE";

describe("describeApprovers", () => {
  const cases: { name: string; approval: ApprovalMode; users: string[]; groups: string[]; says: string }[] = [
    {
      name: "anyone, required",
      approval: "required",
      users: [],
      groups: [],
      says: `anyone allowed to approve except <@${A}>`,
    },
    {
      name: "anyone, self",
      approval: "self",
      users: [],
      groups: [],
      says: `anyone allowed to approve, <@${A}> included`,
    },
    {
      name: "listed users without the requester",
      approval: "required",
      users: [A, "U0BOB", "U0CAROL"],
      groups: [],
      says: "<@U0BOB> or <@U0CAROL>",
    },
    {
      name: "a group, which may hold the requester",
      approval: "required",
      users: ["U0BOB"],
      groups: ["S0SRE"],
      says: `<@U0BOB> or <!subteam^S0SRE> (not <@${A}>, who asked)`,
    },
    {
      name: "the requester alone",
      approval: "required",
      users: [A],
      groups: [],
      says: `nobody: the policy names only <@${A}>, who asked (a pns admin can add approvers)`,
    },
    {
      name: "self, the requester listed",
      approval: "self",
      users: [A, "U0BOB"],
      groups: [],
      says: `<@${A}> or <@U0BOB> (<@${A}> may approve too)`,
    },
    { name: "no approval", approval: "none", users: ["U0BOB"], groups: [], says: "no one: no approval needed" },
    {
      name: "malformed ids stay text",
      approval: "required",
      users: ["<!channel>"],
      groups: ["S1|x>"],
      says: "`&lt;!channel&gt;` or `S1|x&gt;` (not <@U0ALICE>, who asked)",
    },
  ];
  it.each(cases)("names $name", ({ approval, users, groups, says }) => {
    expect(describeApprovers({ approval, approvers: { users, groups }, requester: A })).toBe(says);
  });
});
