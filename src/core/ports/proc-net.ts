/**
 * Parsing of the kernel's socket tables, `/proc/net/tcp`, `tcp6`, `udp` and `udp6`, as one network namespace shows
 * them (a pod's containers share one).
 *
 * Each line after the header is, for IPv4 (linux net/ipv4/tcp_ipv4.c `get_tcp4_sock`, printed by `tcp4_seq_show`;
 * net/ipv4/udp.c `udp4_format_sock` the same way):
 * `%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu …` — slot, local address:port, remote
 * address:port, state, tx:rx queue, timer, retransmits, uid, timeout, inode. An address is the `__be32` printed as
 * a host-order integer, so on a little-endian machine its bytes read backwards (`0100007F` is 127.0.0.1); the port is
 * `ntohs`'d, so it reads as is. IPv6 (net/ipv6/tcp_ipv6.c `get_tcp6_sock`) prints the address as four such words.
 */

/** The protocols of the four tables. */
export type SocketProtocol = "tcp" | "tcp6" | "udp" | "udp6";

/** The tables in the order the ports script prints them. */
export const SOCKET_TABLES: readonly SocketProtocol[] = ["tcp", "tcp6", "udp", "udp6"];

/** One socket of a table. */
export interface SocketEntry {
  protocol: SocketProtocol;
  /** Local address as text: `0.0.0.0`, `127.0.0.1`, `::`, `::1`, `::ffff:10.0.0.5`. */
  address: string;
  port: number;
  /** The kernel's state number (include/net/tcp_states.h: 0x0A TCP_LISTEN, 0x07 TCP_CLOSE). */
  state: number;
  /** Owner uid as the kernel recorded it (`sock_i_uid`). */
  uid: number;
  /** The socket's inode: what `/proc/PID/fd/N -> socket:[inode]` names. */
  inode: number;
}

/** include/net/tcp_states.h. */
export const TCP_LISTEN = 0x0a;
/** An unconnected UDP socket reports TCP_CLOSE. */
export const TCP_CLOSE = 0x07;

/** The order the kernel's int was printed in: little-endian machines print each 32-bit word byte-reversed. */
export type ByteOrder = "little" | "big";

function word(hex: string, order: ByteOrder): number[] {
  const bytes = [0, 2, 4, 6].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return order === "little" ? bytes.reverse() : bytes;
}

/** An IPv4 address from its 8 hex digits. */
export function ipv4FromHex(hex: string, order: ByteOrder = "little"): string | null {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return null;
  return word(hex, order).join(".");
}

/** An IPv6 address from its 32 hex digits, compressed as RFC 5952 says (`::`, `::1`, `::ffff:1.2.3.4`). */
export function ipv6FromHex(hex: string, order: ByteOrder = "little"): string | null {
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return null;
  const bytes = [0, 8, 16, 24].flatMap((i) => word(hex.slice(i, i + 8), order));
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes.slice(12).join(".")}`;
  }
  // The longest run of two or more zero groups becomes `::` (the first such run on a tie).
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexes = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hexes.join(":");
  return `${hexes.slice(0, bestAt).join(":")}::${hexes.slice(bestAt + bestLen).join(":")}`;
}

/**
 * The sockets of one table's lines (the header line and lines that do not parse are skipped, counted in
 * `unreadable`). `order` is the machine's byte order; every Kubernetes node architecture but s390x is little-endian.
 */
export function parseSocketTable(
  protocol: SocketProtocol,
  lines: readonly string[],
  order: ByteOrder = "little",
): { sockets: SocketEntry[]; unreadable: number } {
  const sockets: SocketEntry[] = [];
  let unreadable = 0;
  const v6 = protocol.endsWith("6");
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith("sl ")) continue;
    const f = line.split(/\s+/);
    const [localText = "", , stateText = "", , , , uidText = "", , inodeText = ""] = f.slice(1);
    const colon = localText.lastIndexOf(":");
    const address = v6 ? ipv6FromHex(localText.slice(0, colon), order) : ipv4FromHex(localText.slice(0, colon), order);
    const portHex = localText.slice(colon + 1);
    if (
      !/^\d+:$/.test(f[0] ?? "") ||
      address === null ||
      !/^[0-9A-Fa-f]{4}$/.test(portHex) ||
      !/^[0-9A-Fa-f]{2}$/.test(stateText) ||
      !/^\d+$/.test(uidText) ||
      !/^\d+$/.test(inodeText)
    ) {
      unreadable++;
      continue;
    }
    sockets.push({
      protocol,
      address,
      port: Number.parseInt(portHex, 16),
      state: Number.parseInt(stateText, 16),
      uid: Number(uidText),
      inode: Number(inodeText),
    });
  }
  return { sockets, unreadable };
}

/**
 * True for a socket that waits for peers: TCP in LISTEN, or UDP bound to a port and not connected (state CLOSE with
 * no remote peer is all the table says; a connected UDP socket reports ESTABLISHED).
 */
export function isListening(s: SocketEntry): boolean {
  if (s.protocol.startsWith("tcp")) return s.state === TCP_LISTEN;
  return s.state === TCP_CLOSE && s.port !== 0;
}

/** True for an address only the pod itself reaches (127.0.0.0/8, ::1, ::ffff:127.x). */
export function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1" || address.startsWith("::ffff:127.");
}
