import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { looksRandom, MIN_RANDOM } from "./entropy.js";

const random = (s: string) => looksRandom(s, 0, s.length);

describe("looksRandom", () => {
  const secrets = [
    "qsR6RZ24lPoQj3oPUlieI2nV",
    "sbBi1RMar1jf3YZ4Zq0CVB8iY4qw2oF5",
    "9drTJvcXLB89EXAMPLEWwiI3GsQ/sVd+2Fp7uJkZ",
    "03k5qzVLzAhggLbpKL0lQmyv0tk3QmyWPFvFPpdJ==",
    "Zk9xQ2w3RtY8uI0oP5aS7dF",
    "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFcEFJQkFBS0NBUUVBa2V5Ym9keQotLS0tLUVORCBSU0EgUFJJVkFURSBLRVktLS0tLQo=",
  ];
  it.each(secrets)("takes %s for a secret", (s) => {
    expect(random(s)).toBe(true);
  });

  const names = [
    "InvoiceApplication2Main",
    "com.example.billing.InvoiceApplication2Main",
    "Dlog4j2.formatMsgNoLookups",
    "OrderProcessingServiceHandler",
    "PaymentEventsV2Queue",
    "K8sClusterAutoscalerV2Beta2",
    "libQt5Core.so.5.15.2",
    "lib/x86_64-linux-gnu/libQt5Core.so.5",
    "/usr/lib/x86_64-linux-gnu/libQt5Core.so.5.15.2",
    "role/MyRole-ABC123DEF456",
    "checkout-service-7d9c8f6b5d-x2k4p",
    "9f1e7c3a5b2d40869f1e7c3a5b2d40869f1e7c3a5b2d40869f1e7c3a5b2d4086",
    "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f",
    "3F2B8C1E-4D5A-4B6C-9E7F-0A1B2C3D4E5F",
    "sha512-Jk2bZ3cT9d7yN3kPq5lW1e0t8uR4sB6oV2aX9mC7nE1fG3hI5jK7lM9pO1qS3uW5yZ7bD9fH1jL3nP5rT7vX==",
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURCVENDQWUyZ0F3SUJBZ0lVYWJjCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "abcdefghijklmnopqrstuvwxyz",
  ];
  it.each(names)("keeps %s", (s) => {
    expect(random(s)).toBe(false);
  });

  it("keeps an SSH public key after its type", () => {
    const line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGf4Xq2bZ3cT9d7yN3kPq5lW1e0t8uR4sB6oV2aX9mC7 bob@laptop";
    expect(looksRandom(line, 12, 80)).toBe(false);
  });

  it("ignores anything shorter than MIN_RANDOM", () => {
    expect(random("Zk9xQ2w3RtY8uI0oP5a".slice(0, MIN_RANDOM - 1))).toBe(false);
  });

  it("takes at least 97% of random base62 strings of 24 characters for secrets (2,000 runs)", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const samples = fc.sample(
      fc
        .array(fc.integer({ min: 0, max: 61 }), { minLength: 24, maxLength: 24 })
        .map((xs) => xs.map((x) => alphabet[x]).join("")),
      { numRuns: 2000, seed: 13 },
    );
    const taken = samples.filter(random).length;
    expect(taken / samples.length).toBeGreaterThanOrEqual(0.97);
  });
});
