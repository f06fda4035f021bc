import { skipLine } from "./runtimes.js";

/** Says once per test run which real runtimes the contract suites left out, and why. */
export default function setup(): void {
  const line = skipLine();
  if (line) process.stdout.write(`${line}\n`);
}
