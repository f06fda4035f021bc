import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { serveAttach } from "./attach.js";
import type { Faults } from "./faults.js";
import { runCommand } from "./shell.js";
import { badRequest, failureStatus, type StatusBody } from "./status.js";
import type { SimPod, World } from "./world.js";

/** Subprotocols the simulator speaks, most preferred first. */
export const EXEC_PROTOCOLS = [
  "v5.channel.k8s.io",
  "v4.channel.k8s.io",
  "v3.channel.k8s.io",
  "v2.channel.k8s.io",
  "channel.k8s.io",
];

/** Streams of an exec request as its query string names them. */
export interface ExecRequest {
  namespace: string;
  pod: string;
  container: string | null;
  command: string[];
  stdout: boolean;
  stderr: boolean;
  stdin: boolean;
  tty: boolean;
}

/** Parses the query of `…/pods/NAME/exec`. */
export function parseExecQuery(namespace: string, pod: string, query: URLSearchParams): ExecRequest {
  const flag = (k: string) => ["true", "1"].includes(query.get(k) ?? "");
  return {
    namespace,
    pod,
    container: query.get("container"),
    command: query.getAll("command"),
    stdout: flag("stdout"),
    stderr: flag("stderr"),
    stdin: flag("stdin"),
    tty: flag("tty"),
  };
}

/**
 * Checks an exec request against the world. What the API server checks (pod, container name, command) throws before
 * the upgrade; what the kubelet finds (a container not running) comes back as `after`, to send once upgraded.
 */
export function checkExec(
  world: World,
  req: ExecRequest,
  attach = false,
): { pod: SimPod; container: string; after: StatusBody | null } {
  const pod = world.getPod(req.namespace, req.pod);
  const names = pod.spec.containers.map((c: { name: string }) => c.name);
  const eph = (pod.spec.ephemeralContainers ?? []).map((c: { name: string }) => c.name);
  let name = req.container;
  if (!name) {
    if (names.length !== 1)
      throw badRequest(
        `a container name must be specified for pod ${pod.name}, choose one of: [${names.join(" ")}]${eph.length ? ` or one of the ephemeral containers: [${eph.join(" ")}]` : ""}`,
      );
    name = names[0] as string;
  }
  const rt = pod.containers.get(name);
  if (!rt) throw badRequest(`container ${name} is not valid for pod ${pod.name}`);
  if (!attach && req.command.length === 0) throw badRequest("you must specify at least 1 command");
  // Since 1.30 the API server upgrades first and relays the kubelet's refusal on the error channel.
  if (rt.phase === "waiting")
    return {
      pod,
      container: name,
      after: failureStatus(
        500,
        `Internal error occurred: unable to upgrade connection: container not found ("${name}")`,
        "InternalError",
      ),
    };
  if (rt.phase === "terminated")
    return {
      pod,
      container: name,
      after: failureStatus(
        500,
        "Internal error occurred: error executing command in container: container is not created or running",
        "InternalError",
      ),
    };
  return { pod, container: name, after: null };
}

/** Writes a Status as a plain HTTP answer on a socket that asked to upgrade. */
export function rejectUpgrade(socket: Duplex, status: { code: number }, body: object): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status.code} ${status.code === 401 ? "Unauthorized" : "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** A binary frame: channel byte, then data. */
export function frame(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([channel]), data]);
}

/** Serves exec streams over WebSocket: channel 1 stdout, 2 stderr, 3 status, then close. */
export class ExecServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  constructor(
    private readonly world: World,
    private readonly faults: Faults,
  ) {}

  /** Upgrades and runs the command. Resolves when the stream ends. */
  handle(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    exec: ExecRequest,
    container: string,
    attach = false,
    error: StatusBody | null = null,
  ): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (error) {
        ws.send(frame(3, Buffer.from(JSON.stringify(error))));
        ws.close(1000);
      } else if (attach) serveAttach(ws, this.world, exec, container);
      else void this.run(ws, exec, container);
    });
  }

  private async run(ws: WebSocket, exec: ExecRequest, containerName: string): Promise<void> {
    if (this.world.real) return this.runReal(ws, exec, containerName);
    const pod = this.world.findPod(exec.namespace, exec.pod);
    const rt = pod?.containers.get(containerName);
    if (!pod || !rt?.pidNs) {
      ws.close(1011, "container gone");
      return;
    }
    const ns = rt.pidNs;
    let onKilled: (sig: number) => void = () => {};
    const killed = new Promise<number>((r) => {
      onKilled = r;
    });
    const self = this.world.spawn(pod, rt, exec.command, { role: "exec" });
    self.onKilled = (sig) => onKilled(sig);
    // A client that goes away leaves its command running, as containerd does (containerd/cri#1256,
    // kubernetes/kubernetes#89031): only the command's own end, a kill or the pod's deletion ends it.
    const drop = this.faults.takeExecDrop();
    let result: Awaited<ReturnType<typeof runCommand>>;
    try {
      result = await runCommand({ world: this.world, pod, container: rt, ns, self, killed }, exec.command);
    } finally {
      this.world.exitProcess(ns, self);
    }
    if (this.faults.takePodDeletion(pod.namespace, pod.name) && this.world.findPod(pod.namespace, pod.name)) {
      this.world.deletePod(pod.namespace, pod.name);
    }
    if (ws.readyState !== WebSocket.OPEN) return;
    const stdout = exec.tty ? Buffer.concat([result.stdout, result.stderr]) : result.stdout;
    if (drop !== null) {
      if (exec.stdout && drop > 0) ws.send(frame(1, stdout.subarray(0, drop)));
      // Let the frame leave before the connection is cut, as a dropped node connection would.
      setTimeout(() => ws.terminate(), 20);
      return;
    }
    const CHUNK = 32 * 1024;
    if (exec.stdout) for (let i = 0; i < stdout.length; i += CHUNK) ws.send(frame(1, stdout.subarray(i, i + CHUNK)));
    if (exec.stderr && !exec.tty && result.stderr.length > 0) ws.send(frame(2, result.stderr));
    ws.send(frame(3, Buffer.from(JSON.stringify(exitStatus(exec.command, result.exitCode)))));
    ws.close(1000);
  }

  /** Runs the argv in the real container: output streams as it comes, stdin from channel 0, then the status. */
  private async runReal(ws: WebSocket, exec: ExecRequest, containerName: string): Promise<void> {
    const pod = this.world.findPod(exec.namespace, exec.pod);
    const x = pod ? this.world.real?.exec(pod, containerName, exec.command, exec.stdin) : null;
    if (!pod || !x) {
      sendError(ws, "container not found");
      return;
    }
    let drop = this.faults.takeExecDrop();
    const send = (channel: number, data: Buffer) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (drop !== null) {
        const part = data.subarray(0, drop);
        drop -= part.length;
        if (part.length > 0 && channel === 1) ws.send(frame(1, part));
        if (drop <= 0) {
          // Let the frame leave before the connection is cut, as a dropped node connection would.
          setTimeout(() => ws.terminate(), 20);
          x.kill();
        }
        return;
      }
      ws.send(frame(channel, data));
    };
    x.stdout.on("data", (d: Buffer) => {
      if (exec.stdout) send(1, d);
    });
    x.stderr.on("data", (d: Buffer) => {
      if (exec.stderr || exec.tty) send(exec.tty ? 1 : 2, d);
    });
    ws.on("message", (data: Buffer) => {
      const payload = data.subarray(1);
      if (data[0] === 0) x.stdin?.write(payload);
      else if (data[0] === 255 && payload[0] === 0) x.stdin?.end();
    });
    // A closed client leaves the process running, as containerd does (containerd/cri#1256): killing it here would
    // re-parent its children to the namespace's init, which no node does.
    const { code, error } = await x.done;
    if (this.faults.takePodDeletion(pod.namespace, pod.name) && this.world.findPod(pod.namespace, pod.name)) {
      this.world.deletePod(pod.namespace, pod.name);
    }
    if (ws.readyState !== WebSocket.OPEN || drop !== null) return;
    if (error) {
      // containerd's words for a process that never started (the API server relays them on the error channel).
      sendError(ws, `failed to exec in container: failed to start exec: OCI runtime exec failed: ${error}: unknown`);
      return;
    }
    ws.send(frame(3, Buffer.from(JSON.stringify(exitStatus(exec.command, code)))));
    ws.close(1000);
  }

  /** Closes every stream. */
  close(): void {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
  }
}

/** The status frame of a command that ran to its end. */
function exitStatus(command: string[], exitCode: number): object {
  return exitCode === 0
    ? { metadata: {}, status: "Success" }
    : {
        metadata: {},
        status: "Failure",
        message: `command terminated with non-zero exit code: error executing command [${shortCommand(command)}], exit code ${exitCode}`,
        reason: "NonZeroExitCode",
        details: { causes: [{ reason: "ExitCode", message: String(exitCode) }] },
      };
}

/** An error after the upgrade: a Status on the error channel, then close (API servers 1.30+). */
function sendError(ws: WebSocket, detail: string): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  const status = {
    metadata: {},
    status: "Failure",
    message: `Internal error occurred: error executing command in container: ${detail}`,
    reason: "InternalError",
    details: { causes: [{ message: `error executing command in container: ${detail}` }] },
    code: 500,
  };
  ws.send(frame(3, Buffer.from(JSON.stringify(status))));
  ws.close(1000);
}

/** The command as the status message shows it, long scripts cut. */
function shortCommand(argv: string[]): string {
  const text = argv.join(" ");
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
