import { describe, expect, it } from "vitest";
import { ipv4FromHex, ipv6FromHex, isListening, isLoopback, parseSocketTable } from "./proc-net.js";

// Lines as this machine's kernel prints them (/proc/net/tcp, little-endian x86_64), and IPv6 ones in the format of
// net/ipv6/tcp_ipv6.c get_tcp6_sock (four host-order words).
const TCP = [
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
  "   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1139 1 000000003e498c6c 100 0 0 10 0",
  "   1: 0100007F:A9D1 00000000:0000 0A 00000000:00000000 00:00000000 00000000   101        0 929147 1 0000000051009bf0 100 0 0 10 0",
  "   2: 0100007F:A9D1 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000     0        0 929150 1 0000000051009bf0 20 4 30 10 -1",
];
const TCP6 = [
  "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
  "   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5001 1 0000000000000000 100 0 0 10 0",
  "   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5002 1 0000000000000000 100 0 0 10 0",
  "   2: 0000000000000000FFFF00000500000A:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5003 1 0000000000000000 100 0 0 10 0",
];

describe("the kernel's socket tables", () => {
  it.each([
    ["00000000", "0.0.0.0"],
    ["0100007F", "127.0.0.1"],
    ["0500000A", "10.0.0.5"],
    ["nothex!!", null],
  ])("IPv4 %s is %s", (hex, address) => {
    expect(ipv4FromHex(hex)).toBe(address);
  });

  it.each([
    ["00000000000000000000000000000000", "::"],
    ["00000000000000000000000001000000", "::1"],
    ["0000000000000000FFFF00000500000A", "::ffff:10.0.0.5"],
    ["B80D0120000000000000000001000000", "2001:db8::1"],
  ])("IPv6 %s is %s", (hex, address) => {
    expect(ipv6FromHex(hex)).toBe(address);
  });

  it("reads each socket's address, port, state, uid and inode, skipping the header", () => {
    const { sockets, unreadable } = parseSocketTable("tcp", TCP);
    expect(unreadable).toBe(0);
    expect(sockets).toEqual([
      { protocol: "tcp", address: "0.0.0.0", port: 2024, state: 10, uid: 0, inode: 1139 },
      { protocol: "tcp", address: "127.0.0.1", port: 43473, state: 10, uid: 101, inode: 929147 },
      { protocol: "tcp", address: "127.0.0.1", port: 43473, state: 1, uid: 0, inode: 929150 },
    ]);
    expect(sockets.map(isListening)).toEqual([true, true, false]);
  });

  it("reads IPv6 tables and counts garbled lines without losing the others", () => {
    const { sockets, unreadable } = parseSocketTable("tcp6", [...TCP6, "   3: garbage", "   4: 0000:0050 x 0A"]);
    expect(sockets.map((s) => `${s.address} ${s.port}`)).toEqual([":: 80", "::1 8080", "::ffff:10.0.0.5 443"]);
    expect(unreadable).toBe(2);
  });

  it("takes an unconnected bound UDP socket (TCP_CLOSE) as listening, a connected one (ESTABLISHED) not", () => {
    const udp = parseSocketTable("udp", [
      "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
      "  101: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 7001 2 0000000000000000 0",
      "  102: 0500000A:A000 0800000A:0035 01 00000000:00000000 00:00000000 00000000     0        0 7002 2 0000000000000000 0",
    ]).sockets;
    expect(udp.map(isListening)).toEqual([true, false]);
  });

  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["0.0.0.0", false],
    ["::", false],
  ])("%s is loopback: %s", (address, loopback) => {
    expect(isLoopback(address)).toBe(loopback);
  });
});
