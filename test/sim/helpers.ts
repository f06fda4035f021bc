import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { Exec, KubeConfig, type V1Status } from "@kubernetes/client-node";
import { type Simulator, type SimulatorOptions, startSimulator } from "../../src/local/sim/index.js";

/** A simulator with a kubeconfig file and a scratch directory for kubectl. */
export interface SimFixture {
  sim: Simulator;
  kc: KubeConfig;
  dir: string;
  close(): Promise<void>;
}

/** Starts a simulator (seed scenario, short pull delay) with its kubeconfig written to a temp dir. */
export async function startFixture(opts: SimulatorOptions = {}): Promise<SimFixture> {
  const dir = await mkdtemp(join(tmpdir(), "pns-sim-"));
  const sim = await startSimulator({ podStartDelayMs: 100, kubeconfigPath: join(dir, "sim.kubeconfig"), ...opts });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  return {
    sim,
    kc,
    dir,
    async close() {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What an exec printed and its status (null when the stream ended without one). */
export interface ExecOutcome {
  stdout: string;
  stderr: string;
  status: V1Status | null;
}

function sink(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
}

/** Runs argv in a container with client-node's Exec and waits for the status or the end of the stream. */
export async function runExec(
  kc: KubeConfig,
  namespace: string,
  pod: string,
  container: string,
  argv: string[],
  opts: { stderr?: boolean; timeoutMs?: number } = {},
): Promise<ExecOutcome> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let status: V1Status | null = null;
  const ws = await new Exec(kc).exec(
    namespace,
    pod,
    container,
    argv,
    sink(out),
    opts.stderr === false ? null : sink(err),
    null,
    false,
    (s) => {
      status = s;
    },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("exec timed out")), opts.timeoutMs ?? 10_000);
    ws.on("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return { stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8"), status };
}

/** The exit code in an exec status: 0 for Success. */
export function exitCodeOf(status: V1Status | null): number | null {
  if (!status) return null;
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  return cause?.message ? Number(cause.message) : null;
}

/** The result of running kubectl. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real kubectl against the simulator, with its own HOME and discovery cache; `input` goes to its stdin. */
export function kubectl(fx: SimFixture, args: string[], input?: string, timeoutMs = 20_000): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      "kubectl",
      ["--kubeconfig", fx.sim.kubeconfigPath ?? "", "--cache-dir", join(fx.dir, "cache"), ...args],
      { env: { ...process.env, HOME: fx.dir, KUBECONFIG: "" }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Decodes the collector's listing into records (pid, uid, args, start ticks, cgroup lines). */
export function decodeListing(text: string): {
  header: Record<string, string>;
  records: { pid: number; uid: number; args: string[]; stat: string[]; cgroups: string[]; hex: string }[];
  count: number | null;
} {
  const header: Record<string, string> = {};
  const records: { pid: number; uid: number; args: string[]; stat: string[]; cgroups: string[]; hex: string }[] = [];
  let cur: { pid: number; uid: number; args: string[]; stat: string[]; cgroups: string[]; hex: string } | null = null;
  let count: number | null = null;
  for (const line of text.split("\n")) {
    const [tag, ...rest] = line.split(" ");
    const value = rest.join(" ");
    if (tag === "h") for (const kv of rest.slice(1)) header[kv.split("=")[0] ?? ""] = kv.split("=")[1] ?? "";
    else if (tag === "p") cur = { pid: Number(value), uid: -1, args: [], stat: [], cgroups: [], hex: "" };
    else if (tag === "s" && cur) {
      const close = value.lastIndexOf(") ");
      cur.stat = [
        value.slice(0, value.indexOf(" ")),
        value.slice(value.indexOf("(") + 1, close),
        ...value.slice(close + 2).split(" "),
      ];
    } else if (tag === "u" && cur) cur.uid = Number(rest[0]);
    else if (tag === "g" && cur) cur.cgroups.push(value);
    else if (tag === "c" && cur) {
      cur.hex = value;
      cur.args = Buffer.from(value, "hex").toString("utf8").split("\0").slice(0, -1);
    } else if (tag === "e" && cur) {
      records.push(cur);
      cur = null;
    } else if (tag === "z") count = Number(value);
  }
  return { header, records, count };
}
