import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionId } from "../../src/core/views/ids.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { FakeMessage } from "../../src/local/fake-slack/workspace.js";
import type { LocalStack } from "../../src/local/stack.js";
import { type Driver, OPS, startDemo } from "./helpers.js";

const { alice, carol } = slackUsers;

// -c checked on every strategy, pod-name suggestions from the channel's namespaces, and the pod picker of a selector
// that matches several pods: signed Slack requests, the Bolt app, the worker and the simulator's API.
describe("pods and containers pns cannot find, and selectors that find several", () => {
  let stack: LocalStack;
  let d: Driver;

  beforeAll(async () => {
    ({ stack, d } = await startDemo({ sim: { podStartDelayMs: 0 } }));
  }, 30_000);
  afterAll(async () => stack?.close());

  /** What `user` was told last, as text. */
  const lastTold = (user: string) => d.toldTo(user).at(-1) ?? "";
  const ephemerals = (user: string) => stack.slack.workspace.ephemeralsFor(OPS, user);

  it("-c ngnix on nginx (a shared process namespace) is refused with the pod's containers and the fixed command", async () => {
    await d.command(alice.id, "ps nginx -c ngnix -n default");
    const told = lastTold(alice.id);
    expect(told).toContain("Pod nginx has no container ngnix: it has containers nginx, shell. Did you mean nginx?");
    expect(told).toContain("/pns ps nginx -n default -c nginx");
    expect(told).not.toContain("Processes in");
  }, 30_000);

  it("-c shell on nginx (a shared process namespace) lists the shell container's processes, saying what it left out", async () => {
    const table = await d.table(alice.id, "nginx -c shell");
    const text = d.text(table);
    expect(text).toContain("Processes in nginx");
    expect(text).toContain(
      "Showing container shell's processes only (`-c shell`): 3 more processes share this process namespace (1 of the pod sandbox, 2 of container nginx). `/pns ps nginx` lists them all.",
    );
    expect(text).toContain("2 processes, children under their parents.");
    // Only the shell's process may be picked; nginx's master and worker (PIDs 8, 14) are not offered from this table.
    const picked = [...text.matchAll(/"text":"(\d+) · [^"]*","emoji":true\},"value":"\1"/g)].map((m) => m[1]);
    expect(picked).toEqual(["15"]);
  }, 30_000);

  it("-c on a workload's pod with no close container says so and how to leave -c out", async () => {
    await d.command(alice.id, "ps deploy/web -n shop -c zzzzzz");
    const told = lastTold(alice.id);
    expect(told).toMatch(/Pod web-7d4b9c6f8d-\w+ has no container zzzzzz: it has containers web, envoy\./);
    expect(told).toContain("Leave `-c` out");
  }, 30_000);

  it("a pod in another of the channel's namespaces: db-0 is in shop, with the complete command", async () => {
    await d.command(alice.id, "ps db -c postgres");
    const told = lastTold(alice.id);
    expect(told).toContain("db-0 is in shop");
    expect(told).toContain("/pns ps db -n shop -c postgres");
  }, 30_000);

  it("a typo of a pod's name in the namespace: did you mean nginx?, keeping -c and --cluster", async () => {
    await d.command(alice.id, "ps ngnix -c shell --cluster sim");
    const told = lastTold(alice.id);
    expect(told).toContain("Did you mean nginx?");
    expect(told).toContain("/pns ps nginx -c shell --cluster sim");
  }, 30_000);

  it("a typo of a workload's name in another namespace: did you mean web in shop?", async () => {
    await d.command(alice.id, "ps wbe");
    const told = lastTold(alice.id);
    expect(told).toContain("Did you mean web in shop?");
    expect(told).toContain("/pns ps web -n shop");
  }, 30_000);

  it("a name found nowhere reads each other namespace's pods once, and suggests nothing", async () => {
    const before = stack.sim.requests.entries.length;
    await d.command(alice.id, "ps qqqqqqqqqq");
    expect(lastTold(alice.id)).toContain("No pod matches");
    expect(lastTold(alice.id)).not.toContain("Did you mean");
    const lists = stack.sim.requests.entries
      .slice(before)
      .filter((e) => e.route === "GET pods" && e.path.endsWith("/pods"))
      .map((e) => e.path);
    for (const ns of ["shop", "locked", "ops"]) {
      expect(lists.filter((p) => p === `/api/v1/namespaces/${ns}/pods`)).toHaveLength(1);
    }
  }, 30_000);

  it("a pod that is found costs no extra list", async () => {
    const before = stack.sim.requests.entries.length;
    await d.table(alice.id, "nginx");
    const lists = stack.sim.requests.entries
      .slice(before)
      .filter((e) => e.route === "GET pods" && e.path.endsWith("/pods"));
    expect(lists).toHaveLength(0);
  }, 30_000);

  describe("-l app=web -n shop matches two pods", () => {
    let picker: FakeMessage;
    const webPods = () =>
      stack.sim.state
        .pods("shop")
        .map((p) => p.metadata.name as string)
        .filter((n) => n.startsWith("web-"));
    /** Runs the command as `user` and returns the picker pns answered with. */
    const pickerFor = async (user: string, command = "ps -l app=web -n shop") => {
      const before = ephemerals(user).map((m) => m.ts);
      await d.command(user, command);
      const found = ephemerals(user).find((m) => !before.includes(m.ts) && d.text(m).includes("pods match"));
      if (!found) throw new Error(`no pod picker: ${d.toldTo(user).slice(-3).join("\n")}`);
      return structuredClone(found);
    };
    /** Clicks a picker's button (with a forged value when given) and returns what the picker turned into. */
    const pick = async (user: string, message: FakeMessage, index: number, value?: string) => {
      const actionId = `${ActionId.podPickPrefix}${index}`;
      await d.client.send(d.client.blockAction({ user, channel: OPS, message, actionId, ...(value ? { value } : {}) }));
      await stack.app.idle();
      const now = ephemerals(user).find((m) => m.ts === message.ts);
      return `${now ? d.text(now) : ""}\n${lastTold(user)}`;
    };

    beforeAll(async () => {
      picker = await pickerFor(alice.id);
    }, 30_000);

    it("offers both pods to pick instead of taking one", () => {
      const text = d.text(picker);
      expect(text).toContain("2 pods match `app=web` in namespace shop: pick one for `/pns ps -l app=web -n shop`");
      for (const name of webPods()) expect(text).toContain(name);
      expect(text).not.toContain("Processes in");
    });

    it("a pick runs the same command on that pod, and its table replaces the picker", async () => {
      const second = (picker.blocks as { elements?: { value?: string }[] }[]).flatMap((b) => b.elements ?? [])[1];
      const pod = second?.value?.split(" ")[0] ?? "";
      expect(webPods()).toContain(pod);
      const after = await pick(alice.id, picker, 1);
      expect(after).toContain("Processes in");
      expect(after).toContain(`*Pod* ${pod}`);
      expect(after).not.toContain("pods match");
    }, 30_000);

    it("a forged pick of a pod that does not match the selector is refused in the worker", async () => {
      const after = await pick(alice.id, await pickerFor(alice.id), 0, "db-0 ps -l app=web -n shop");
      expect(after).toContain("Pod db-0 does not match -l app=web in namespace shop.");
      expect(after).not.toContain("Processes in");
    }, 30_000);

    it("a forged pick checks rights again: --copy for Carol, who may not make copies", async () => {
      const after = await pick(carol.id, await pickerFor(carol.id), 0, `${webPods()[0]} ps -l app=web -n shop --copy`);
      expect(after).toContain("copy");
      expect(after).toMatch(/not allowed|may not|only/i);
      expect(after).not.toContain("Processes in");
    }, 30_000);

    it("a forged pick outside the channel's namespaces, or of no selector, is refused", async () => {
      const outside = await pick(
        alice.id,
        await pickerFor(alice.id),
        0,
        `${webPods()[0]} ps -l app=web -n kube-system`,
      );
      expect(outside).toContain("Namespace kube-system is not allowed in this channel");
      const named = await pick(alice.id, await pickerFor(alice.id), 0, `${webPods()[0]} ps nginx`);
      expect(named).toContain("This button is not from a pns pod picker.");
    }, 30_000);

    it("ports, cat, inspect and doctor take -l as ps does: a picker, and a pick runs that command on that pod", async () => {
      const posted = d.messages().length;
      const ports = await pickerFor(alice.id, "ports -l app=web -n shop");
      expect(d.text(ports)).toContain("pick one for `/pns ports -l app=web -n shop`");
      const pod = (ports.blocks as { elements?: { value?: string }[] }[]).flatMap((b) => b.elements ?? [])[0]?.value;
      const name = pod?.split(" ")[0] ?? "";
      expect(webPods()).toContain(name);
      const portsAfter = await pick(alice.id, ports, 0);
      const answer = [
        portsAfter,
        ...d
          .messages()
          .slice(posted)
          .map((m) => d.text(m)),
      ].join("\n");
      expect(answer).toContain(`Ports of ${name}`);
      expect(answer).not.toContain("pods match");

      const cat = await pickerFor(alice.id, "cat -l app=web 1 /etc/hostname -n shop");
      expect(d.text(cat)).toContain("pick one for `/pns cat -l app=web 1 /etc/hostname -n shop`");
      expect(await pick(alice.id, cat, 0)).toContain("/etc/hostname");

      for (const command of ["inspect -l app=web 1 -n shop", "doctor -l app=web -n shop"]) {
        const picker = await pickerFor(alice.id, command);
        expect(d.text(picker)).toContain(`pick one for \`/pns ${command}\``);
      }
    }, 60_000);

    it("each button keeps the command's -c and --cluster, and the pick lists that container's pod", async () => {
      const flagged = await pickerFor(alice.id, "ps -l app=web -n shop -c envoy --cluster sim");
      const values = (flagged.blocks as { elements?: { value?: string }[] }[])
        .flatMap((b) => b.elements ?? [])
        .map((e) => e.value);
      expect(values).toHaveLength(2);
      for (const v of values) expect(v).toMatch(/^web-\S+ ps -l app=web -n shop -c envoy --cluster sim$/);
      expect(await pick(alice.id, flagged, 0)).toContain("Processes in");
    }, 30_000);
  });
});
