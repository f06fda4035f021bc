import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEntry } from "../../src/core/approval/types.js";
import { slackUsers } from "../../src/local/fake-slack/client.js";
import type { LocalStack } from "../../src/local/stack.js";
import { runtimes } from "../sim/runtimes.js";
import { DEMO_CONFIG, type Driver, OPS, startDemo } from "./helpers.js";

const { alice, bob } = slackUsers;
const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlLWJ5dGVz";
const KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
const TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount/token";

// `/pns cat` end to end (fake Slack → pns → simulator), on every runtime: Alice may read files, Bob (S0SRE) may also
// read secrets, which are still redacted; every refusal is explained to the asker and audited with its path only.
describe.each(runtimes)("/pns cat as the process sees the file, on the %s runtime", (runtime) => {
  let stack: LocalStack;
  let d: Driver;
  let pid: { pause: number; master: number; worker: number; shell: number };

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "pns-cat-"));
    const config = join(dir, "pns.config.yaml");
    const demo = await readFile(DEMO_CONFIG, "utf8");
    await writeFile(config, demo.replace("people:\n", "people:\n  catSecrets: [S0SRE]\n"));
    ({ stack, d } = await startDemo({ configPath: config, sim: { runtime, podStartDelayMs: 0 } }));
    const end = Date.now() + 20_000;
    while (!stack.sim.state.containerStatus("default", "nginx", "shell")?.state?.running) {
      if (Date.now() > end) throw new Error("nginx did not start");
      await new Promise((r) => setTimeout(r, 25));
    }
    const procs = stack.sim.state.processes("default", "nginx");
    const find = (f: (args: string) => boolean) => procs.find((p) => f(p.args.join(" ")))?.pid ?? -1;
    pid = {
      pause: find((a) => a === "/pause"),
      master: find((a) => a.startsWith("nginx: master")),
      worker: find((a) => a === "nginx: worker process"),
      shell: find((a) => a === "sh"),
    };
    const s = stack.sim.state;
    s.writeFile("default", "nginx", "shell", TOKEN_PATH, JWT);
    s.writeFile(
      "default",
      "nginx",
      "shell",
      "/tmp/id",
      `-----BEGIN PRIVATE KEY-----\n${KEY_BODY}\n-----END PRIVATE KEY-----\n`,
    );
    s.writeFile("default", "nginx", "nginx", "/etc/nginx/private.conf", "root only\n", 0o600, 0);
  }, 60_000);
  afterAll(async () => stack?.close());

  async function cat(user: string, text: string): Promise<string> {
    const res = await d.command(user, `cat nginx ${text}`);
    expect(res.status).toBe(200);
    return d.toldTo(user).at(-1) ?? "";
  }

  async function lastRead(): Promise<AuditEntry | undefined> {
    const entries = await stack.app.worker.stores.audit.list({ channel: OPS, limit: 50 });
    return entries.find((e) => e.action === "read");
  }

  it("answers nginx's access.log (a link to /dev/stdout) at once, pointing at the container's log", async () => {
    const answer = await cat(alice.id, `${pid.master} /var/log/nginx/access.log`);
    expect(answer).toContain("is a link to `/dev/stdout`: the container's own output, not a file");
    expect(answer).toContain("kubectl logs nginx -c nginx");
  });

  it("refuses the sandbox's PID as a target, and audits the refusal", async () => {
    const answer = await cat(alice.id, `${pid.pause} /etc/hostname`);
    expect(answer).toContain("the pod's sandbox (/pause), not a process of the app");
    expect(await lastRead()).toMatchObject({
      outcome: "refused",
      detail: `refused /etc/hostname of PID ${pid.pause}: the sandbox`,
    });
  });

  it("says 'permission denied' for a file the process's uid may not read", async () => {
    const answer = await cat(alice.id, `${pid.worker} /etc/nginx/private.conf`);
    expect(answer).toContain(`Permission denied: PID ${pid.worker} (uid 101, gid 101) may not read it`);
    expect(answer).not.toContain("root only");
    expect(await cat(alice.id, `${pid.master} /etc/nginx/private.conf`)).toContain("root only");
  });

  it("refuses a service-account token without people.catSecrets; audits the path, never the content", async () => {
    const answer = await cat(alice.id, `${pid.shell} ${TOKEN_PATH}`);
    expect(answer).toContain("is secret (mounted secrets and service-account tokens): pns does not show it");
    expect(answer).toContain("people.catSecrets");
    expect(answer).not.toContain("eyJzdWIi");
    const entry = await lastRead();
    expect(entry).toMatchObject({
      actor: alice.id,
      outcome: "refused",
      detail: `refused ${TOKEN_PATH} of PID ${pid.shell}: a secret path`,
    });
  });

  it("shows the token to people.catSecrets, still redacted", async () => {
    const answer = await cat(bob.id, `${pid.shell} ${TOKEN_PATH}`);
    expect(answer).toContain(TOKEN_PATH);
    expect(answer).not.toContain("eyJzdWIi");
    expect(answer).not.toContain("c2lnbmF0dXJl");
    expect(await lastRead()).toMatchObject({
      actor: bob.id,
      outcome: "ok",
      detail: expect.stringContaining("secrets allowed"),
    });
  });

  it("refuses a private key by its content shape, and shows it redacted to people.catSecrets", async () => {
    const answer = await cat(alice.id, `${pid.shell} /tmp/id`);
    expect(answer).toContain("`/tmp/id` of PID");
    expect(answer).toContain("looks like a private key: pns does not show it");
    expect(answer).not.toContain(KEY_BODY);
    expect(await lastRead()).toMatchObject({
      outcome: "refused",
      detail: expect.stringContaining("looks like a private key"),
    });
    const shown = await cat(bob.id, `${pid.shell} /tmp/id`);
    expect(shown).toContain("BEGIN PRIVATE KEY");
    expect(shown).not.toContain(KEY_BODY);
    const audit = JSON.stringify(await stack.app.worker.stores.audit.list({ channel: OPS, limit: 50 }));
    for (const secret of [KEY_BODY, "eyJzdWIi", "root only"]) expect(audit).not.toContain(secret);
  });
});
