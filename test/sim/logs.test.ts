import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, kubectl, type SimFixture, startFixture } from "./helpers.js";
import { runtimes } from "./runtimes.js";

/** A raw GET against the simulator; `until` ends a streaming answer early. */
function get(
  fx: SimFixture,
  path: string,
  until?: (body: string) => boolean,
): Promise<{ status: number; body: string }> {
  const url = new URL(path, fx.sim.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        headers: { Authorization: `Bearer ${fx.sim.token}` },
        ca: fx.kc.getCurrentCluster()?.caData
          ? Buffer.from(fx.kc.getCurrentCluster()?.caData ?? "", "base64")
          : undefined,
      },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => {
          body += d.toString();
          if (until?.(body)) {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body });
          }
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", (e) => (until ? resolve({ status: 0, body: String(e) }) : reject(e)));
    req.end();
  });
}

const LOG = "/api/v1/namespaces/default/pods/nginx/log";

// `GET pods/{name}/log` as the kubelet serves it, on every runtime: the nginx container's notices on stderr.
describe.each(runtimes)("pod logs on the %s runtime", (runtime) => {
  let fx: SimFixture;

  beforeAll(async () => {
    fx = await startFixture({ runtime, podStartDelayMs: 0 });
    await eventually(() => fx.sim.state.containerStatus("default", "nginx", "nginx")?.state?.running, 10_000);
    const master = fx.sim.state
      .processes("default", "nginx", "nginx")
      .find((p) => p.args[0]?.startsWith("nginx: master"));
    fx.sim.state.kill("default", "nginx", master?.pid ?? 0, "HUP", "nginx");
    await eventually(async () => {
      const r = await get(fx, `${LOG}?container=nginx`);
      return r.body.includes("exited with code 0") ? true : undefined;
    }, 10_000);
  }, 30_000);
  afterAll(async () => {
    await fx?.close();
  });

  it("serves a container's lines; tailLines, timestamps and limitBytes shape them", async () => {
    const all = (await get(fx, `${LOG}?container=nginx`)).body;
    expect(all).toMatch(/\[notice\] \d+#\d+: signal 1 \(SIGHUP\) received/);
    const lines = all.trimEnd().split("\n");
    const tail = await kubectl(fx, ["logs", "nginx", "-c", "nginx", "--tail=2"]);
    expect(tail.stdout.trimEnd().split("\n")).toEqual(lines.slice(-2));
    const stamped = await kubectl(fx, ["logs", "nginx", "-c", "nginx", "--tail=1", "--timestamps"]);
    expect(stamped.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \d{4}\/\d\d\/\d\d .*\n$/);
    expect(stamped.stdout.slice(stamped.stdout.indexOf(" ") + 1)).toBe(`${lines.at(-1)}\n`);
    const cut = await kubectl(fx, ["logs", "nginx", "-c", "nginx", "--limit-bytes=10"]);
    expect(cut.stdout).toBe(all.slice(0, 10));
  });

  it("filters by sinceSeconds and sinceTime", async () => {
    const recent = await get(fx, `${LOG}?container=nginx&sinceSeconds=3600`);
    expect(recent.body).toContain("reconfiguring");
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await get(fx, `${LOG}?container=nginx&sinceTime=${encodeURIComponent(future)}`)).body).toBe("");
    const both = await get(fx, `${LOG}?container=nginx&sinceSeconds=1&sinceTime=${encodeURIComponent(future)}`);
    expect([both.status, JSON.parse(both.body).message]).toEqual([
      400,
      "at most one of `sinceTime` or `sinceSeconds` may be specified",
    ]);
  });

  it("asks for a container in a pod with two, as the API does", async () => {
    const r = await get(fx, LOG);
    expect([r.status, JSON.parse(r.body).message]).toEqual([
      400,
      "a container name must be specified for pod nginx, choose one of: [nginx shell]",
    ]);
  });

  it("follows new lines until the client goes away", async () => {
    const seen = get(fx, `${LOG}?container=nginx&follow=true&tailLines=0`, (b) => b.includes("reconfiguring"));
    await new Promise((r) => setTimeout(r, 200));
    const master = fx.sim.state
      .processes("default", "nginx", "nginx")
      .find((p) => p.args[0]?.startsWith("nginx: master"));
    fx.sim.state.kill("default", "nginx", master?.pid ?? 0, "HUP", "nginx");
    expect((await seen).body).toMatch(/signal 1 \(SIGHUP\) received/);
  });

  it("serves the previous instance after a restart, and says when there is none", async () => {
    const none = await get(fx, "/api/v1/namespaces/default/pods/nginx/log?container=shell&previous=true");
    expect([none.status, JSON.parse(none.body).message]).toEqual([
      400,
      'previous terminated container "shell" in pod "nginx" not found',
    ]);
    const before = (await get(fx, `${LOG}?container=nginx`)).body;
    fx.sim.state.restartContainer("default", "nginx", "nginx");
    await eventually(() => {
      const s = fx.sim.state.containerStatus("default", "nginx", "nginx");
      return s?.restartCount === 1 && s.state?.running ? true : undefined;
    }, 10_000);
    const previous = await kubectl(fx, ["logs", "nginx", "-c", "nginx", "--previous"]);
    expect(previous.stdout.startsWith(before)).toBe(true);
    const current = (await get(fx, `${LOG}?container=nginx`)).body;
    expect(current).not.toContain("SIGHUP");
  });
});
