/** Reading what {@link PORTS_SCRIPT} printed: the four socket tables and each process's socket inodes. */
import { isListening, parseSocketTable, SOCKET_TABLES, type SocketEntry, type SocketProtocol } from "./proc-net.js";

/** The sockets one process holds, as its `/proc/PID/fd` showed them. */
export interface ProcessSockets {
  pid: number;
  uid: number;
  /** Socket inodes among its open files. */
  inodes: number[];
  /** True when some fds (or the whole fd directory) could not be read: another uid without SYS_PTRACE. */
  denied: boolean;
}

/** What the ports script saw. */
export interface PortsOutput {
  /** Every socket of the four tables (listening or not). */
  sockets: SocketEntry[];
  processes: ProcessSockets[];
  /** PID of the script's own shell, left out of `processes`. */
  selfPid: number | null;
  /** Table lines that did not parse. */
  unreadable: number;
  /** False when the output was cut short (no end marker). */
  complete: boolean;
  /** The tools the image lacked (`ls`), by name. */
  missingTools: string[];
}

/**
 * Parses the script's lines (see `PORTS_SCRIPT` for the format); lines it does not know are ignored, so a garbled
 * line costs one socket or one process, never the listing.
 */
export function parsePortsOutput(text: string): PortsOutput {
  const tables = new Map<SocketProtocol, string[]>();
  const processes: ProcessSockets[] = [];
  let table: SocketProtocol | null = null;
  let current: ProcessSockets | null = null;
  let selfPid: number | null = null;
  let complete = false;
  const missingTools: string[] = [];
  for (const line of text.split("\n")) {
    const tag = line.slice(0, 2);
    const rest = line.slice(2);
    if (tag === "h ") {
      const self = /\bself=(\d+)/.exec(rest);
      selfPid = self ? Number(self[1]) : null;
    } else if (tag === "n ") {
      table = (SOCKET_TABLES as readonly string[]).includes(rest) ? (rest as SocketProtocol) : null;
      if (table && !tables.has(table)) tables.set(table, []);
    } else if (tag === "l " && table) {
      tables.get(table)?.push(rest);
    } else if (tag === "p ") {
      const m = /^(\d+) (\d+)$/.exec(rest);
      current = m ? { pid: Number(m[1]), uid: Number(m[2]), inodes: [], denied: false } : null;
      if (current) processes.push(current);
    } else if (tag === "f " && current && /^\d+$/.test(rest)) {
      const inode = Number(rest);
      if (!current.inodes.includes(inode)) current.inodes.push(inode);
    } else if (line === "d" && current) {
      current.denied = true;
    } else if (line === "e") {
      current = null;
    } else if (tag === "x ") {
      missingTools.push(rest);
    } else if (tag === "z ") {
      complete = true;
    }
  }
  const sockets: SocketEntry[] = [];
  let unreadable = 0;
  for (const [protocol, lines] of tables) {
    const parsed = parseSocketTable(protocol, lines);
    sockets.push(...parsed.sockets);
    unreadable += parsed.unreadable;
  }
  return {
    sockets,
    processes: processes.filter((p) => p.pid !== selfPid),
    selfPid,
    unreadable,
    complete,
    missingTools,
  };
}

/** The listening sockets of an output, one per (protocol, address, port). */
export function listeningSockets(output: PortsOutput): SocketEntry[] {
  return output.sockets.filter(isListening);
}
