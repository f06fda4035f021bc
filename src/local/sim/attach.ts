import type { WebSocket } from "ws";
import type { ExecRequest } from "./exec.js";
import { commOf } from "./images.js";
import { type ExecContext, runShellLine } from "./shell.js";
import type { World } from "./world.js";

const SHELLS = new Set(["sh", "ash", "bash", "dash"]);

/**
 * `kubectl attach` (and `kubectl debug -it`): an interactive shell main process reads lines from stdin, echoes them
 * on a tty, runs each command as a child process and prints a prompt; `exit` or end of input ends the shell and so
 * the container. Other containers stream nothing until they stop.
 */
export function serveAttach(ws: WebSocket, world: World, req: ExecRequest, containerName: string): void {
  const pod = world.findPod(req.namespace, req.pod);
  if (world.real) {
    if (pod) world.real.attach(ws, pod, containerName, req);
    else ws.close(1011, "pod gone");
    return;
  }
  const rt = pod?.containers.get(containerName);
  const ns = rt?.pidNs;
  const main = rt?.mainPid !== null && rt?.mainPid !== undefined ? ns?.procs.get(rt.mainPid) : undefined;
  if (!pod || !rt || !ns || !main) {
    ws.close(1011, "container not running");
    return;
  }
  const spec = world.containerSpec(pod, containerName) ?? {};
  const interactive = SHELLS.has(commOf(main.args[0] ?? "")) && main.args.length === 1 && spec.stdin === true;
  const tty = req.tty;
  let finished = false;
  const send = (channel: number, data: Buffer | string) => {
    if (finished || ws.readyState !== ws.OPEN) return;
    let text = typeof data === "string" ? Buffer.from(data) : data;
    if (tty) text = Buffer.from(text.toString("utf8").replace(/\r?\n/g, "\r\n"));
    if (text.length > 0) ws.send(Buffer.concat([Buffer.from([channel]), text]));
  };
  const finish = () => {
    if (finished) return;
    send(3, JSON.stringify({ metadata: {}, status: "Success" }));
    finished = true;
    off();
    ws.close(1000);
  };
  const off = world.onPodEvent((e) => {
    const gone = e.type === "DELETED" && e.namespace === pod.namespace && e.object.metadata.name === pod.name;
    if (gone || rt.phase !== "running" || rt.mainPid !== main.pid || ns.procs.get(main.pid) !== main) finish();
  });
  ws.on("close", () => {
    finished = true;
    off();
  });
  const prompt = () => send(1, main.uid === 0 ? "/ # " : "/ $ ");
  const exitShell = () => {
    finish();
    if (world.findPod(pod.namespace, pod.name) && rt.mainPid === main.pid) world.containerExited(pod, rt, 0);
  };
  const ctx: ExecContext = { world, pod, container: rt, ns, self: main, killed: new Promise(() => {}) };
  const fork = (argv: string[]) => {
    const child = world.spawn(pod, rt, argv, { ppid: main.pid, role: "child" });
    let onKilled: (sig: number) => void = () => {};
    const killed = new Promise<number>((r) => {
      onKilled = r;
    });
    child.onKilled = (sig) => onKilled(sig);
    return { ctx: { ...ctx, self: child, killed }, done: () => world.exitProcess(ns, child) };
  };
  let queue = Promise.resolve();
  let line = "";
  const runLine = async (text: string) => {
    if (finished) return;
    if (text.trim() === "exit") return exitShell();
    const r = await runShellLine(ctx, text, fork);
    send(1, r.stdout);
    send(tty ? 1 : 2, r.stderr);
    prompt();
  };
  ws.on("message", (data: Buffer) => {
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === 255 && payload[0] === 0 && interactive) {
      queue = queue.then(exitShell);
      return;
    }
    if (channel !== 0 || !interactive) return;
    for (const ch of payload.toString("utf8")) {
      if (ch === "\r" || ch === "\n") {
        if (tty) send(1, "\n");
        const text = line;
        line = "";
        queue = queue.then(() => runLine(text));
      } else if (ch === "\x7f" || ch === "\b") {
        if (line.length > 0 && tty) send(1, "\b \b");
        line = line.slice(0, -1);
      } else if (ch === "\x03") {
        line = "";
        if (tty) send(1, "^C\n");
        prompt();
      } else if (ch === "\x04" && line === "") {
        queue = queue.then(exitShell);
      } else {
        line += ch;
        if (tty) send(1, ch);
      }
    }
  });
}
