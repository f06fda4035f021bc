import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJanitor } from "../../src/app/janitor.js";
import type { Logger } from "../../src/core/log.js";
import type { LocalStack } from "../../src/local/stack.js";
import { startDemo } from "./helpers.js";

/** A store with some methods replaced; the others still run on the real store. */
function overriding<T extends object>(real: T, methods: Partial<T>): T {
  return new Proxy(real, {
    get(target, key) {
      if (Object.hasOwn(methods, key)) return methods[key as keyof T];
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The janitor runs every step even when one fails, and logs each failure at ERROR. */
describe("janitor steps", () => {
  let stack: LocalStack;
  beforeAll(async () => ({ stack } = await startDemo()));
  afterAll(async () => stack?.close());

  it("goes on after a failing step and reports it", async () => {
    const worker = stack.app.worker;
    const errors: string[] = [];
    const logger: Logger = { ...worker.logger, error: (message) => errors.push(message) };
    let sessionsSwept = false;
    const requests = overriding(worker.stores.requests, {
      listExpirable: async () => {
        throw new Error("throttled");
      },
    });
    const sessions = overriding(worker.stores.sessions, {
      listExpired: async (now: number, limit?: number) => {
        sessionsSwept = true;
        return worker.stores.sessions.listExpired(now, limit);
      },
    });
    const report = await runJanitor({ ...worker, logger, stores: { ...worker.stores, requests, sessions } });
    expect(report.failures).toBe(1);
    expect(errors).toContain("janitor step failed: expire pending requests");
    expect(sessionsSwept).toBe(true);
  });
});
