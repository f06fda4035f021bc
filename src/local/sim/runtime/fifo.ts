import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { Socket } from "node:net";

/**
 * A container's stdio as containerd gives it: named pipes (FIFOs), not sockets, so a process that opens
 * `/dev/stdout` (nginx's access.log) gets a pipe as it would on a node.
 */
export interface FifoStdio {
  /** File descriptors for the runtime's stdin, stdout and stderr ("ignore" for no stdin). */
  childFds: [number | "ignore", number, number];
  stdin: Socket | null;
  stdout: Socket;
  stderr: Socket;
  /** Closes the descriptors only the child needed; call right after spawning it. */
  closeChildFds(): void;
}

function mkfifo(path: string): void {
  execFileSync("mkfifo", ["-m", "600", path]);
}

/** Makes the FIFOs `<prefix>.stdin|stdout|stderr` and opens both ends of each. */
export function fifoStdio(prefix: string, stdin: boolean): FifoStdio {
  const reader = (name: string) => {
    const path = `${prefix}.${name}`;
    mkfifo(path);
    const r = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const w = openSync(path, constants.O_WRONLY);
    return { parent: new Socket({ fd: r, readable: true, writable: false }), child: w };
  };
  const out = reader("stdout");
  const err = reader("stderr");
  let inChild: number | "ignore" = "ignore";
  let inParent: Socket | null = null;
  if (stdin) {
    const path = `${prefix}.stdin`;
    mkfifo(path);
    // Read-write for the child: a FIFO so opened never blocks, and stdin stays open like a kubelet's kept stdin.
    inChild = openSync(path, constants.O_RDWR);
    inParent = new Socket({
      fd: openSync(path, constants.O_WRONLY | constants.O_NONBLOCK),
      readable: false,
      writable: true,
    });
  }
  return {
    childFds: [inChild, out.child, err.child],
    stdin: inParent,
    stdout: out.parent,
    stderr: err.parent,
    closeChildFds() {
      for (const fd of [inChild, out.child, err.child]) if (typeof fd === "number") closeSync(fd);
    },
  };
}
