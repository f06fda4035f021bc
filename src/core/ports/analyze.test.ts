import { describe, expect, it } from "vitest";
import { analyzePorts, type PortProcess, type PortsInput } from "./analyze.js";
import { parsePortsOutput } from "./ports-output.js";

// What PORTS_SCRIPT prints for a pod where nginx (8, 14) holds 80 and a uid-1000 app's fds are unreadable.
const OUTPUT = `h pns-ports/1 self=40
n tcp
l   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
l    0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0
l    1: 00000000:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 222 1 0 100 0 0 10 0
l    2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 333 1 0 100 0 0 10 0
n tcp6
l   sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
n udp
n udp6
p 1 0
e
p 8 0
f 111
e
p 14 101
f 111
e
p 20 1000
d
d
e
p 40 0
f 999
e
z 5`;

const processes = new Map<number, PortProcess>([
  [8, { pid: 8, container: "nginx", user: "root", command: "nginx: master process" }],
  [14, { pid: 14, container: "nginx", user: "101", command: "nginx: worker process" }],
  [20, { pid: 20, container: "app", user: "1000", command: "/app" }],
]);

function input(over: Partial<PortsInput> = {}): PortsInput {
  const out = parsePortsOutput(OUTPUT);
  return {
    sockets: out.sockets,
    holders: out.processes,
    processes,
    declared: [
      { container: "nginx", port: 80, protocol: "TCP", name: "http" },
      { container: "app", port: 8080, protocol: "TCP", name: "metrics" },
    ],
    services: [{ service: "web", port: 80, targetPort: "http", protocol: "TCP" }],
    partialView: false,
    ...over,
  };
}

describe("the ports script's output", () => {
  it("has every table, each process's socket inodes and its unreadable fds, without the script's own shell", () => {
    const out = parsePortsOutput(OUTPUT);
    expect(out.complete).toBe(true);
    expect(out.selfPid).toBe(40);
    expect(out.sockets).toHaveLength(3);
    expect(out.processes.map((p) => [p.pid, p.inodes, p.denied])).toEqual([
      [1, [], false],
      [8, [111], false],
      [14, [111], false],
      [20, [], true],
    ]);
  });

  it("is incomplete without its end marker", () => {
    expect(parsePortsOutput(OUTPUT.replace("z 5", "")).complete).toBe(false);
  });
});

describe("comparing listeners with the spec and the Services", () => {
  it("names each port's holders, the containers declaring it and the Services sending to it", () => {
    const report = analyzePorts(input());
    const [http, local, other] = report.listeners;
    expect(http).toMatchObject({ port: 80, declaredBy: ["nginx"], exposedBy: ["web:80"], loopbackOnly: false });
    expect(http?.processes.map((p) => p.pid)).toEqual([8, 14]);
    expect(other).toMatchObject({ port: 9090, processes: [], exposedBy: [] });
    expect(local).toMatchObject({ port: 8080, loopbackOnly: true, addresses: ["127.0.0.1"] });
  });

  it("says what is declared but only on localhost, what nobody exposes, and whose fds it could not read", () => {
    const messages = analyzePorts(input()).findings.map((f) => f.message);
    expect(messages).toEqual([
      "8080/TCP (metrics) of container app listens only on 127.0.0.1: other pods cannot reach it.",
      "9090/TCP listens but no Service exposes it.",
      "pns cannot say who listens on 8080/TCP, 9090/TCP: the open files of PID 20 (uid 1000) could not be read.",
    ]);
  });

  it("finds a declared port nothing listens on, and a Service sending to nothing", () => {
    const report = analyzePorts(
      input({
        declared: [{ container: "nginx", port: 8081, protocol: "TCP", name: null }],
        services: [
          { service: "api", port: 443, targetPort: 8443, protocol: "TCP" },
          { service: "web", port: 80, targetPort: "web", protocol: "TCP" },
        ],
      }),
    );
    const messages = report.findings.map((f) => f.message);
    expect(messages).toContain("8081/TCP is declared by container nginx but nothing listens on it.");
    expect(messages).toContain("Service api sends port 443 to 8443/TCP, where nothing listens.");
    expect(messages).toContain(
      "Service web sends port 80 to the port named web, which no container of the pod declares.",
    );
    expect(report.findings.every((f) => f.fix.length > 0)).toBe(true);
  });

  it("says when Services could not be listed instead of calling every port unexposed", () => {
    const report = analyzePorts(input({ services: null, servicesProblem: "pns may not list services (RBAC)" }));
    const messages = report.findings.map((f) => f.message);
    expect(messages.some((m) => m.includes("no Service exposes"))).toBe(false);
    expect(messages.some((m) => m.includes("pns may not list services (RBAC)"))).toBe(true);
  });

  it("blames the partial view, not permissions, for a holder in another container's PID namespace", () => {
    const out = parsePortsOutput(OUTPUT.replace("d\nd\n", ""));
    const report = analyzePorts(input({ holders: out.processes, partialView: true }));
    expect(report.findings.at(-1)?.message).toBe(
      "No process pns sees holds 8080/TCP, 9090/TCP: the pod does not share its process namespace, so pns sees one container's processes only.",
    );
  });
});
