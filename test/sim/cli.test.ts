import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

describe("npm run sim", () => {
  it("prints its server and kubeconfig, writes the kubeconfig and stops on SIGTERM", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pns-sim-cli-"));
    const path = join(dir, "nested", "sim.kubeconfig");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "src/local/sim/main.ts", "--port", "0", "--kubeconfig", path],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    for (let i = 0; i < 200 && !out.includes("kubeconfig:"); i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(out).toMatch(/^server: https:\/\/127\.0\.0\.1:\d+\nkubeconfig: .*sim\.kubeconfig\n$/);
    const config = parse(await readFile(path, "utf8"));
    expect(config["current-context"]).toBe("sim");
    expect(config.clusters[0].cluster.server).toBe(/server: (\S+)/.exec(out)?.[1]);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });
});
