/** `npm run config:check FILE`: every problem and exit 1 for an invalid file, exit 0 for a valid one, offline. */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConfigFile } from "../src/local/config-check.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pns-config-check-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the script as `npm run config:check` does, and returns its exit code and output. */
async function cli(...args: string[]) {
  try {
    const { stdout, stderr } = await run("npm", ["run", "-s", "config:check", "--", ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("npm run config:check", () => {
  it("prints every problem of an invalid file, each with its key and line, and exits 1", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(file, "people:\n  ps: [alice]\n  approve: [bob]\ndebug:\n  image: 'no spaces allowed'\n");
    const { code, stdout, stderr } = await cli(file);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toEqual([
      `${file} is not a valid pns configuration (3 problems):`,
      expect.stringMatching(/^ {2}people\.ps\[0\]: .* \(line 2\)$/),
      expect.stringMatching(/^ {2}people\.approve\[0\]: .* \(line 3\)$/),
      expect.stringMatching(/^ {2}debug\.image: expected a container image .* \(line 5\)$/),
    ]);
  });

  it("says what a valid file reaches and exits 0", async () => {
    const { code, stdout } = await cli(join(ROOT, "pns.config.example.yaml"));
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /pns\.config\.example\.yaml is a valid pns configuration\.\n {2}clusters: prod, staging, local\n/,
    );
  });

  it("names a missing file, and asks for one when none is given", async () => {
    expect(await checkConfigFile(join(dir, "nope.yaml"))).toEqual({
      code: 1,
      lines: [`${join(dir, "nope.yaml")}: cannot be read (no such file)`],
    });
    expect((await checkConfigFile(undefined)).code).toBe(2);
  });

  it("reads standard input for -", async () => {
    expect(await checkConfigFile("-", async () => "people: {ps: '*'}\n")).toMatchObject({
      code: 0,
      lines: [
        "(standard input) is a valid pns configuration.",
        "  clusters: default",
        "  channels: (none: every command is refused)",
      ],
    });
  });
});
