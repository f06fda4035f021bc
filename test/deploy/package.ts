/**
 * `npm run package` of a copy of the project with test/deploy's configuration (one cluster of every kind), so the
 * checks read a template and bundles made exactly as a deployment's are, whatever pns.config.yaml the checkout has.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The configuration the package is built with. */
export const PACKAGE_CONFIG = join(ROOT, "test/deploy/fixtures/pns.config.yaml");

/** The three functions of serverless.yml. */
export const FUNCTIONS = ["slack", "worker", "janitor"] as const;
/** One of {@link FUNCTIONS}. */
export type FunctionKey = (typeof FUNCTIONS)[number];

/** A CloudFormation template, as far as the checks read it. */
export interface Template {
  Parameters?: Record<string, { Type: string; Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }>;
  Outputs?: Record<string, { Value: unknown }>;
  [key: string]: unknown;
}

/** What one packaging produced. */
export interface Packaged {
  /** The service directory (a copy of the project). */
  dir: string;
  /** `.serverless/cloudformation-template-update-stack.json`. */
  template: Template;
  /** Each function's zip. */
  zips: Record<FunctionKey, string>;
  /** The source files (relative to the project) each function's bundle was built from (esbuild's metafile). */
  inputs: Record<FunctionKey, string[]>;
  remove(): Promise<void>;
}

/** Copies the project (node_modules linked), puts `config` in as pns.config.yaml and runs `serverless package`. */
export async function packageProject(options: { config?: string; args?: string[] } = {}): Promise<Packaged> {
  const dir = await mkdtemp(join(tmpdir(), "pns-package-"));
  for (const entry of ["serverless.yml", "package.json", "package-lock.json", "tsconfig.json", "build", "src"]) {
    await cp(join(ROOT, entry), join(dir, entry), { recursive: true });
  }
  await symlink(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  await cp(options.config ?? PACKAGE_CONFIG, join(dir, "pns.config.yaml"));
  await run(process.execPath, [join(ROOT, "node_modules/osls/bin/serverless.js"), "package", ...(options.args ?? [])], {
    cwd: dir,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: "1", SLS_NOTIFICATIONS_MODE: "off" },
    maxBuffer: 16 * 1024 * 1024,
    // A packaging that hangs is ended, not left behind the test run.
    timeout: 200_000,
  });
  const json = async <T>(path: string) => JSON.parse(await readFile(join(dir, path), "utf8")) as T;
  const inputs = {} as Record<FunctionKey, string[]>;
  const zips = {} as Record<FunctionKey, string>;
  for (const fn of FUNCTIONS) {
    const meta = await json<{ inputs: Record<string, unknown> }>(`.esbuild/.build/src/handlers/${fn}-meta.json`);
    inputs[fn] = Object.keys(meta.inputs).filter((input) => input.startsWith("src/"));
    zips[fn] = join(dir, ".serverless", `${fn}.zip`);
  }
  return {
    dir,
    template: await json<Template>(".serverless/cloudformation-template-update-stack.json"),
    zips,
    inputs,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
