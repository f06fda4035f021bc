import { describe, expect, it } from "vitest";
import { createStores } from "../../src/store/create-stores.js";
import { createEmbeddedStores, EmbeddedSignalRequestStore } from "../../src/store/embedded.js";
import { storeContract } from "./contract.js";

storeContract("embedded", async (clock) => createEmbeddedStores({ clock }));

describe("createStores", () => {
  const cases: { name: string; env: Record<string, string | undefined> }[] = [
    { name: "no PNS_TABLE", env: {} },
    { name: "empty PNS_TABLE", env: { PNS_TABLE: "" } },
    { name: "blank PNS_TABLE", env: { PNS_TABLE: "  " } },
  ];
  for (const c of cases) {
    it(`uses the embedded store with ${c.name}`, () => {
      expect(createStores(c.env).requests).toBeInstanceOf(EmbeddedSignalRequestStore);
    });
  }
});
