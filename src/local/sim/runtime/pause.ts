import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The pod sandbox's process, behaving like Kubernetes' pause (kubernetes build/pause/linux/pause.c): it exits 0 on
 * INT or TERM, reaps every child it inherits as the PID namespace's init, and otherwise sleeps.
 */
export const PAUSE_SOURCE = `#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void down(int sig) { (void)sig; _exit(0); }
static void reap(int sig) { (void)sig; while (waitpid(-1, 0, WNOHANG) > 0) {} }

int main(void) {
  struct sigaction stop = { .sa_handler = down };
  struct sigaction child = { .sa_handler = reap, .sa_flags = SA_NOCLDSTOP };
  if (sigaction(SIGINT, &stop, 0) < 0 || sigaction(SIGTERM, &stop, 0) < 0) return 1;
  if (sigaction(SIGCHLD, &child, 0) < 0) return 3;
  for (;;) pause();
}
`;

/** Builds the pause binary with the machine's `cc` (static, so its rootfs holds only itself) once per source. */
export function pauseBinary(cacheDir = join(homedir(), ".cache", "pns-sim")): string {
  const hash = createHash("sha256").update(PAUSE_SOURCE).digest("hex").slice(0, 12);
  const bin = join(cacheDir, `pause-${hash}`);
  if (existsSync(bin)) return bin;
  mkdirSync(cacheDir, { recursive: true });
  const src = join(cacheDir, `pause-${hash}-${process.pid}.c`);
  const tmp = `${bin}.${process.pid}`;
  writeFileSync(src, PAUSE_SOURCE);
  try {
    execFileSync("cc", ["-static", "-Os", "-o", tmp, src], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    const detail = (e as { stderr?: Buffer }).stderr?.toString().trim() ?? String(e);
    throw new Error(`cannot build the pod sandbox's pause program with cc: ${detail}`);
  } finally {
    rmSync(src, { force: true });
  }
  // Atomic, so concurrent simulators never run a half-written binary.
  renameSync(tmp, bin);
  return bin;
}
