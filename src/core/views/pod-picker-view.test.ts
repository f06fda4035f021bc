import { describe, expect, it } from "vitest";
import { decodePodPickValue, encodePodPickValue, MAX_BUTTON_VALUE } from "./ids.js";
import { MAX_PICKED_PODS, type PodPickerInput, renderPodPickerView } from "./pod-picker-view.js";
import { validateView } from "./validate-view.js";

const pods = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `web-${i}`, phase: i === 1 ? "Pending" : "Running", ready: i !== 2 }));

const input = (over: Partial<PodPickerInput> = {}): PodPickerInput => ({
  selector: "app=web",
  namespace: "shop",
  pods: pods(3),
  command: "/pns ps -l app=web -n shop",
  commandText: "ps -l app=web -n shop",
  byName: "/pns ps pod/NAME -n shop",
  ...over,
});

type Button = { action_id: string; value: string; text: { text: string } };
const buttonsOf = (view: ReturnType<typeof renderPodPickerView>) =>
  view.blocks.flatMap((b) => ("elements" in b ? (b.elements as unknown as Button[]) : [])).filter((e) => "value" in e);

describe("renderPodPickerView", () => {
  it("one button per pod, each carrying the pod and the command, with each pod's state", () => {
    const view = renderPodPickerView(input());
    expect(validateView(view)).toEqual([]);
    const buttons = buttonsOf(view);
    expect(buttons.map((b) => decodePodPickValue(b.value))).toEqual(
      ["web-0", "web-1", "web-2"].map((pod) => ({ pod, text: "ps -l app=web -n shop" })),
    );
    expect(new Set(buttons.map((b) => b.action_id)).size).toBe(3);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain("3 pods match `app=web` in namespace shop: pick one for `/pns ps -l app=web -n shop`.");
    expect(text).toContain("web-1: Pending");
    expect(text).toContain("web-2: Running, not ready");
    expect(view.text).toBe("pns: 3 pods match app=web: pick one.");
  });

  it(`at most ${MAX_PICKED_PODS} buttons; the rest are named by hand`, () => {
    const view = renderPodPickerView(input({ pods: pods(40) }));
    expect(validateView(view)).toEqual([]);
    expect(buttonsOf(view)).toHaveLength(MAX_PICKED_PODS);
    expect(JSON.stringify(view.blocks)).toContain("30 more not offered here: name one with `/pns ps pod/NAME -n shop`");
  });

  it("long commands in every button stay within Slack's message size", () => {
    const commandText = `ps -l ${"a".repeat(1700)}=b -n shop`;
    const view = renderPodPickerView(input({ pods: pods(10), commandText }));
    expect(validateView(view)).toEqual([]);
    expect(buttonsOf(view).length).toBeLessThan(10);
    expect(buttonsOf(view).length).toBeGreaterThan(0);
  });

  it("a command too long for a button's value: no buttons, the command to type instead", () => {
    const view = renderPodPickerView(input({ commandText: `ps -l ${"a".repeat(MAX_BUTTON_VALUE)}` }));
    expect(validateView(view)).toEqual([]);
    expect(buttonsOf(view)).toHaveLength(0);
    expect(JSON.stringify(view.blocks)).toContain("Name one with `/pns ps pod/NAME -n shop`");
  });
});

describe("pod pick values", () => {
  it.each([
    ["a pod and its command", "web-1 ps -l app=web", { pod: "web-1", text: "ps -l app=web" }],
    ["no command", "web-1", null],
    ["no pod name", "Web_1 ps -l app=web", null],
    ["nothing", undefined, null],
    ["too long", `web-1 ${"x".repeat(MAX_BUTTON_VALUE)}`, null],
  ])("%s", (_, value, decoded) => {
    expect(decodePodPickValue(value)).toEqual(decoded);
  });

  it("encodes only what decodes back", () => {
    expect(encodePodPickValue("web-1", "ps -l app=web")).toBe("web-1 ps -l app=web");
    expect(encodePodPickValue("Web 1", "ps")).toBeNull();
    expect(encodePodPickValue("web-1", "x".repeat(MAX_BUTTON_VALUE))).toBeNull();
  });
});
