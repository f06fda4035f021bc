import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { PnsError } from "../../src/core/errors.js";
import { execInContainer } from "../../src/kube/pod-exec.js";

/**
 * A protocol-level API server for exec only: it answers the upgrade as the API server does since 1.30 (101 first,
 * then the kubelet's answer as a Status on channel 3, apiserver util/proxy/streamtranslator.go), or refuses it.
 */
type Answer = { upgrade: false; code: number } | { upgrade: true; stdout?: string; status: object };
let answer: Answer = { upgrade: true, status: { status: "Success" } };
let server: Server;
let kc: KubeConfig;

beforeAll(async () => {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has("v5.channel.k8s.io") ? "v5.channel.k8s.io" : false),
  });
  server = createServer((_req, res) => res.writeHead(404).end());
  server.on("upgrade", (req, socket, head) => {
    const a = answer;
    if (!a.upgrade) {
      socket.end(`HTTP/1.1 ${a.code} Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (a.stdout) ws.send(Buffer.concat([Buffer.from([1]), Buffer.from(a.stdout)]));
      ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(a.status))]));
      ws.close();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      { name: "fake", server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true },
    ],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "fake", cluster: "fake", user: "u" }],
    currentContext: "fake",
  });
});
afterAll(() => {
  server.close();
});

const target = { namespace: "shop", pod: "web-1", container: "pns-debug-t0001" };
const limits = { timeoutMs: 5000, maxBytes: 1024 };

async function failure(a: Answer): Promise<PnsError> {
  answer = a;
  try {
    await execInContainer(kc, target, ["true"], limits);
  } catch (err) {
    if (err instanceof PnsError) return err;
    throw err;
  }
  throw new Error("expected a PnsError");
}

// The Status the API server sends when the kubelet's SPDY upgrade fails (apierrors.NewInternalError).
const internal = (message: string) => ({
  metadata: {},
  status: "Failure",
  message: `Internal error occurred: ${message}`,
  reason: "InternalError",
  details: { causes: [{ message }] },
  code: 500,
});

describe("exec", () => {
  it("reads stdout and the exit code from the status frame", async () => {
    answer = {
      upgrade: true,
      stdout: "hello\n",
      status: {
        status: "Failure",
        reason: "NonZeroExitCode",
        message: "command terminated with non-zero exit code: error executing command [true], exit code 3",
        details: { causes: [{ reason: "ExitCode", message: "3" }] },
      },
    };
    const result = await execInContainer(kc, target, ["true"], limits);
    expect([result.exitCode, result.stdout.toString()]).toEqual([3, "hello\n"]);
  });

  it.each([
    ["container not found", internal('unable to upgrade connection: container not found ("pns-debug-t0001")')],
    ["container not running", internal("error executing command in container: container not running (4f2a)")],
    ["a stopped container (containerd)", internal("cannot exec in a stopped state: unknown")],
  ])("a Status after the upgrade (%s) gets the hint a refused upgrade gets", async (_name, status) => {
    const before = await failure({ upgrade: false, code: 400 });
    const after = await failure({ upgrade: true, status });
    expect([after.code, after.userMessage, after.hint]).toEqual([before.code, before.userMessage, before.hint]);
    expect(after.userMessage).toBe(
      "pns could not run a command in web-1/pns-debug-t0001: the container is not running.",
    );
    expect(after.hint).toContain("pns starts a new debug container");
  });

  it("a pod gone after the upgrade reads as a 404 before it", async () => {
    const before = await failure({ upgrade: false, code: 404 });
    const after = await failure({
      upgrade: true,
      status: { status: "Failure", message: 'pods "web-1" not found', reason: "NotFound", code: 404 },
    });
    expect([after.code, after.userMessage]).toEqual([before.code, before.userMessage]);
    expect(after.userMessage).toBe("Pod web-1 is gone from namespace shop.");
  });

  it("passes any other Status on with the server's words", async () => {
    const err = await failure({ upgrade: true, status: internal("dial tcp 10.0.0.7:10250: i/o timeout") });
    expect([err.code, err.userMessage]).toEqual([
      "exec_failed",
      "The command could not run in web-1/pns-debug-t0001: Internal error occurred: dial tcp 10.0.0.7:10250: i/o timeout",
    ]);
  });
});
