import { afterAll, describe, expect, it } from "vitest";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import { startLocalStack } from "../../src/local/stack.js";
import { createDynamoStores } from "../../src/store/dynamo/stores.js";
import { startLocalDynamo } from "../store/local-dynamo.js";
import { DEMO_CONFIG, driver } from "./helpers.js";

const { alice, bob } = slackUsers;
const dynamo = await startLocalDynamo();
afterAll(() => dynamo.close());

describe.each([
  ["embedded store", async () => undefined],
  [
    "DynamoDB store (dynalite)",
    async () => {
      const table = `pns-${Math.random().toString(36).slice(2)}`;
      await dynamo.createTable(table);
      return createDynamoStores({ tableName: table, client: dynamo.client });
    },
  ],
])("100 concurrent Approve clicks, %s", (_name, makeStores) => {
  it("send the signal exactly once, and everyone else is told it was already approved", async () => {
    const stores = await makeStores();
    const stack = await startLocalStack({ configPath: DEMO_CONFIG, ...(stores ? { stores } : {}) });
    try {
      const d = driver(stack);
      const approval = await d.requestSignal(alice.id, "nginx", 8, "HUP", "exactly once");
      const workers = d.workerPids();
      const kills = () => stack.sim.requests.entries.filter((e) => e.route === "GET pods/exec").length;
      const execsBefore = kills();

      // Each click is its own request, with its own response_url, as Slack sends them.
      const clicks = Array.from({ length: 100 }, () =>
        d.client.blockAction({ user: bob.id, channel: "C0OPS", message: approval, actionId: "pns.signal.approve" }),
      );
      const responses = await Promise.all(clicks.map((click) => d.client.send(click)));
      await stack.app.idle();

      expect(responses.every((r) => r.status === 200)).toBe(true);
      const after = d.workerPids();
      expect(after).toHaveLength(1);
      expect(after).not.toEqual(workers);
      // One execute job: list before, the guarded signal, list after. A second signal would add three more.
      expect(kills() - execsBefore).toBe(3);
      expect(d.current(approval)).toContain("sent");
      const told = d.toldTo(bob.id).filter((t) => t.includes("already"));
      expect(told).toHaveLength(99);
    } finally {
      await stack.close();
    }
  });
});
