/** `GET /healthz` of the dev server says whether pns can act: 503 with the problem for an invalid configuration. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEnv } from "../../src/handlers/env.js";
import { type DevServer, startDevServer } from "../../src/local/dev-server.js";

let dir: string;
const servers: DevServer[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pns-healthz-"));
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await rm(dir, { recursive: true, force: true });
});

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function healthz(configText: string) {
  const file = join(dir, `config-${servers.length}.yaml`);
  await writeFile(file, configText);
  const env = readEnv({ PNS_CONFIG: file, SLACK_SIGNING_SECRET: "s", SLACK_BOT_TOKEN: "xoxb-1", PORT: "0" });
  const server = await startDevServer({ env, logger: quiet });
  servers.push(server);
  const res = await fetch(`${server.url}/healthz`);
  return { status: res.status, body: (await res.json()) as { ok: boolean; problem?: string } };
}

describe("GET /healthz", () => {
  it("answers 503 with every problem of an invalid configuration", async () => {
    const { status, body } = await healthz("people:\n  ps: [alice]\n  signal: [bob]\n");
    expect(status).toBe(503);
    expect(body.ok).toBe(false);
    expect(body.problem).toMatch(/is not a valid pns configuration:\npeople\.ps\[0\]: .*\npeople\.signal\[0\]: /);
  });

  it("answers 200 for a valid one", async () => {
    expect(await healthz("people:\n  ps: '*'\n")).toEqual({ status: 200, body: { ok: true } });
  });
});
