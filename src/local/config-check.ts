/**
 * `npm run config:check FILE`: checks a pns configuration offline, with the parser the functions use, before it goes
 * into pns.config.yaml or the SSM parameter (PNS_CONFIG_PARAMETER). Prints every problem and exits 1, or prints what
 * the configuration reaches and exits 0. `-` reads the configuration from standard input.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { parseConfig } from "../core/config/parse-config.js";

/** The outcome of a check: the exit code and the lines to print (to stdout when valid, to stderr otherwise). */
export async function checkConfigFile(
  file: string | undefined,
  readStdin: () => Promise<string> = async () => readFileSync(0, "utf8"),
): Promise<{ code: 0 | 1 | 2; lines: string[] }> {
  if (!file) return { code: 2, lines: ["usage: npm run config:check FILE   (FILE may be - for standard input)"] };
  let text: string;
  try {
    text = file === "-" ? await readStdin() : await readFile(file, "utf8");
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    return { code: 1, lines: [`${file}: cannot be read (${missing ? "no such file" : (err as Error).message})`] };
  }
  // KUBECONFIG as the functions would see it: it only decides a `kubeconfig: {}` cluster's default path.
  const parsed = parseConfig(text, process.env.KUBECONFIG ? { KUBECONFIG: process.env.KUBECONFIG } : {});
  const name = file === "-" ? "(standard input)" : file;
  if (!parsed.ok) {
    const n = parsed.errors.length;
    return {
      code: 1,
      lines: [
        `${name} is not a valid pns configuration (${n} problem${n === 1 ? "" : "s"}):`,
        ...parsed.errors.map((e) => `  ${e}`),
      ],
    };
  }
  const { clusters, channels } = parsed.config;
  return {
    code: 0,
    lines: [
      `${name} is a valid pns configuration.`,
      `  clusters: ${Object.keys(clusters).join(", ")}`,
      `  channels: ${Object.keys(channels).join(", ") || "(none: every command is refused)"}`,
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { code, lines } = await checkConfigFile(process.argv[2]);
  (code === 0 ? process.stdout : process.stderr).write(`${lines.join("\n")}\n`);
  process.exitCode = code;
}
