/**
 * How AWS Lambda starts node for a function, so that a bench measuring a function's work in a child process runs it
 * with the heap Lambda gives that function rather than node's defaults.
 *
 * Lambda's Node.js runtime starts node from `/var/runtime/bootstrap` (Amazon's script in the nodejs14.x and
 * nodejs18.x images, as printed from inside them): `new_space=$(expr $AWS_LAMBDA_FUNCTION_MEMORY_SIZE / 10)`,
 * `semi_space=$(expr $new_space / 2)`, `old_space=$(expr $AWS_LAMBDA_FUNCTION_MEMORY_SIZE - $new_space)`, then
 * `node --expose-gc --max-http-header-size 81920 --max-semi-space-size=$semi_space --max-old-space-size=$old_space`.
 * A 1024 MB worker thus gets semi-spaces of up to 51 MB, where node 20 on its own stops at 16 MB.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The V8 flags `/var/runtime/bootstrap` starts node with for a function of `memoryMb`. */
export function lambdaNodeArgs(memoryMb: number): string[] {
  // expr divides integers.
  const newSpace = Math.floor(memoryMb / 10);
  return [
    "--expose-gc",
    "--max-http-header-size=81920",
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memoryMb - newSpace}`,
  ];
}

/** The memory (MB) serverless.yml gives function `name`: its own `memorySize`, else the provider's, else 1024. */
export function functionMemoryMb(name: string): number {
  // CloudFormation tags (!Ref, !Sub…) are irrelevant here; yaml keeps their values as plain data.
  const doc = parseDocument(readFileSync(join(ROOT, "serverless.yml"), "utf8"), { logLevel: "silent" });
  const sls = doc.toJS() as {
    provider?: { memorySize?: number };
    functions?: Record<string, { memorySize?: number } | undefined>;
  };
  const own = sls.functions?.[name]?.memorySize;
  if (sls.functions?.[name] === undefined) throw new Error(`serverless.yml has no function ${name}`);
  // The Serverless Framework's default memorySize, when neither the function nor the provider sets one.
  return own ?? sls.provider?.memorySize ?? 1024;
}
