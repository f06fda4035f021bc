import { describe, expect, it } from "vitest";
import {
  ActionId,
  BlockId,
  CallbackId,
  decodeListingBlockId,
  decodePidValue,
  decodeRequestBlockId,
  decodeRequestValue,
  decodeSignalValue,
  encodeListingBlockId,
  encodePidValue,
  encodeRequestBlockId,
  encodeRequestValue,
  encodeSignalValue,
  MAX_ENCODED_VALUE,
} from "./ids.js";

describe("ids", () => {
  it("namespaces every id under pns. and keeps them unique", () => {
    const all = [...Object.values(ActionId), ...Object.values(BlockId), ...Object.values(CallbackId)];
    for (const id of all) expect(id).toMatch(/^pns\./);
    expect(new Set(all).size).toBe(all.length);
    expect(ActionId.signalApprove).toBe("pns.signal.approve");
    expect(CallbackId.reasonModal).toBe("pns.reason.modal");
  });

  it.each([
    { name: "listing block_id", enc: encodeListingBlockId, dec: decodeListingBlockId, id: "lst_01HZX9" },
    { name: "request block_id", enc: encodeRequestBlockId, dec: decodeRequestBlockId, id: "req-42" },
    { name: "request value", enc: encodeRequestValue, dec: decodeRequestValue, id: "r".repeat(64) },
  ])("round-trips a $name within 75 chars", ({ enc, dec, id }) => {
    const encoded = enc(id);
    expect(encoded.length).toBeLessThanOrEqual(MAX_ENCODED_VALUE);
    expect(dec(encoded)).toBe(id);
  });

  it("puts the listing id after pns.ps:", () => {
    expect(encodeListingBlockId("abc")).toBe("pns.ps:abc");
    expect(decodeListingBlockId("pns.signal:abc")).toBeNull();
    expect(decodeRequestBlockId("pns.ps:abc")).toBeNull();
  });

  it.each([
    { name: "empty", id: "" },
    { name: "too long", id: "x".repeat(65) },
    { name: "separator", id: "a:b" },
    { name: "space", id: "a b" },
  ])("rejects a $name id", ({ id }) => {
    expect(() => encodeListingBlockId(id)).toThrow(RangeError);
    expect(decodeListingBlockId(`pns.ps:${id}`)).toBeNull();
    expect(decodeRequestValue(id)).toBeNull();
  });

  it.each([
    { value: "8", pid: 8 },
    { value: "4194304", pid: 4194304 },
    { value: "0", pid: null },
    { value: "08", pid: null },
    { value: "-1", pid: null },
    { value: "8 ", pid: null },
    { value: undefined, pid: null },
  ])("decodes pid value $value as $pid", ({ value, pid }) => {
    expect(decodePidValue(value)).toBe(pid);
  });

  it("encodes pids and signals as their plain text", () => {
    expect(encodePidValue(14)).toBe("14");
    expect(() => encodePidValue(0)).toThrow(RangeError);
    expect(encodeSignalValue("HUP")).toBe("HUP");
    expect(decodeSignalValue("HUP")).toBe("HUP");
    expect(decodeSignalValue("SEGV")).toBeNull();
  });
});
