import type { KubeConfig, V1Status } from "@kubernetes/client-node";
import { Exec } from "@kubernetes/client-node";
import { WebSocketHandler } from "@kubernetes/client-node/dist/web-socket-handler.js";
import { PnsError } from "../core/errors.js";
import { errorMessage, fromStatus, httpCodeOf, oneLine, toPnsError } from "./kube-errors.js";

/** Where a command runs. */
export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** Limits of one exec. */
export interface ExecLimits {
  /** Hard timeout for the whole exec, connection included, in milliseconds. */
  timeoutMs: number;
  /** Bytes of stdout kept; beyond them the stream is closed and the result marked truncated. */
  maxBytes: number;
  /** A stream that breaks before the status resolves with what it printed (`broken`), not an error. @default false */
  resolveOnBreak?: boolean;
}

/** What a command printed and how it ended. */
export interface ExecResult {
  /** Exit code; null when pns stopped reading because the output cap was reached. */
  exitCode: number | null;
  stdout: Buffer;
  /** stderr as text, capped at 8 KiB. */
  stderr: string;
  /** True when stdout reached {@link ExecLimits.maxBytes}. */
  truncated: boolean;
  /** True when the stream broke before a status (only with {@link ExecLimits.resolveOnBreak}); exitCode is then null. */
  broken?: boolean;
}

const STDERR_MAX = 8192;

/** A minimal sink: client-node only calls write() and end(); a real Writable would throw on a write after end. */
class Sink {
  private readonly chunks: Buffer[] = [];
  size = 0;
  constructor(
    private readonly cap: number,
    private readonly onFull: () => void,
  ) {}
  write(chunk: Buffer): boolean {
    if (this.size >= this.cap) return true;
    const room = this.cap - this.size;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(Buffer.from(part));
    this.size += part.length;
    if (chunk.length >= room && this.size >= this.cap) this.onFull();
    return true;
  }
  end(): void {}
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** Reads the exit code from the exec status frame. */
export function exitCodeOf(status: V1Status): number | null {
  if (status.status === "Success") return 0;
  if (status.reason === "NonZeroExitCode") {
    const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
    const n = Number(cause?.message);
    return Number.isInteger(n) ? n : null;
  }
  return null;
}

/**
 * Runs argv in a container over the exec WebSocket and resolves when the command has ended (the status frame),
 * not when the socket opens. Throws PnsError: timeout, exec_failed, forbidden (pods/exec), not_found.
 */
export function execInContainer(
  kc: KubeConfig,
  target: ExecTarget,
  argv: readonly string[],
  limits: ExecLimits,
): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    let socket: { close(): void; terminate?: () => void } | null = null;
    let closeSocket = false;
    const stopSocket = () => {
      closeSocket = true;
      try {
        socket?.terminate ? socket.terminate() : socket?.close();
      } catch {
        // already closed
      }
    };
    const finish = (outcome: { result: ExecResult } | { error: PnsError }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopSocket();
      if ("result" in outcome) resolve(outcome.result);
      else reject(outcome.error);
    };
    const stdout = new Sink(limits.maxBytes, () =>
      finish({ result: { exitCode: null, stdout: stdout.bytes(), stderr: stderrText(), truncated: true } }),
    );
    const stderr = new Sink(STDERR_MAX, () => {});
    const stderrText = () => stderr.bytes().toString("utf8");
    const timer = setTimeout(() => {
      finish({
        error: new PnsError(
          "timeout",
          `The command in ${target.pod}/${target.container} did not finish within ${Math.round(limits.timeoutMs / 1000)} s.`,
          { hint: "Try again; if it keeps happening, the node may be overloaded or the debug container stuck." },
        ),
      });
    }, limits.timeoutMs);
    const onStatus = (status: V1Status) => {
      const exitCode = exitCodeOf(status);
      if (exitCode === null) {
        // Since 1.30 the API server upgrades first and sends the kubelet's refusal as a Status on the error channel
        // (apiserver util/proxy/streamtranslator.go): it gets the same hints as a refused upgrade.
        finish({ error: execFailure(target, status.code ?? null, status, new Error(statusText(status))) });
        return;
      }
      finish({ result: { exitCode, stdout: stdout.bytes(), stderr: stderrText(), truncated: false } });
    };
    // Our own streams for the close-stream frames too: the default handler would end process.stdout (and touching
    // process.stdin opens fd 0).
    const handler = new WebSocketHandler(kc, undefined, {
      stdin: { pause() {} } as never,
      stdout: stdout as never,
      stderr: stderr as never,
    });
    new Exec(kc, handler)
      .exec(
        target.namespace,
        target.pod,
        target.container,
        [...argv],
        stdout as never,
        stderr as never,
        null,
        false,
        onStatus,
      )
      .then((ws) => {
        socket = ws as never;
        if (closeSocket || settled) {
          stopSocket();
          return;
        }
        ws.on("close", () => {
          // The status frame precedes the close; a close without one means the stream broke.
          setImmediate(() =>
            finish(
              limits.resolveOnBreak
                ? {
                    result: {
                      exitCode: null,
                      stdout: stdout.bytes(),
                      stderr: stderrText(),
                      truncated: false,
                      broken: true,
                    },
                  }
                : {
                    error: new PnsError(
                      "exec_failed",
                      `The connection to ${target.pod}/${target.container} closed before the command finished.`,
                    ),
                  },
            ),
          );
        });
      })
      .catch((err: unknown) => finish({ error: execRefused(err, target) }));
  });
}

/** The message of an exec Status, for logs (never the request, which holds the token). */
function statusText(status: V1Status): string {
  return status.message ?? status.reason ?? "the exec failed";
}

// The kubelet's and runtimes' words for a container that cannot take an exec: `container not found ("x")`
// (pkg/kubelet/server/server.go), `container not running`, containerd's `cannot exec in a stopped state`.
const NOT_RUNNING =
  /container not found|container .*not found|not running|stopped state|is terminated|not created or running/i;
// apimachinery's NewNotFound for the pod (`pods "web-1" not found`), or the kubelet's `pod does not exist`.
const POD_GONE = /pods? "[^"]*" not found|pod does not exist/i;

/**
 * Why an exec did not run, from a refused upgrade (HTTP code only: the handshake has no body) or from the Status
 * the server sends after the upgrade. Both read alike to the user.
 */
export function execFailure(
  target: ExecTarget,
  code: number | null,
  status: { message?: string; reason?: string } | null,
  cause: unknown,
): PnsError {
  const message = status?.message ?? "";
  if (POD_GONE.test(message) || (code === 404 && !NOT_RUNNING.test(message))) {
    return new PnsError("not_found", `Pod ${target.pod} is gone from namespace ${target.namespace}.`, { cause });
  }
  if (NOT_RUNNING.test(message) || ((code === 400 || code === 500) && !message)) {
    return new PnsError(
      "exec_failed",
      `pns could not run a command in ${target.pod}/${target.container}: the container is not running.`,
      { cause, hint: "Run the command again: pns starts a new debug container when the old one has ended." },
    );
  }
  if (code === 401 || code === 403 || code === 429 || (code !== null && code >= 502)) {
    const op = { verb: "create", resource: "pods/exec", namespace: target.namespace, name: target.pod } as const;
    return fromStatus(code, status, op, cause);
  }
  return new PnsError(
    "exec_failed",
    `The command could not run in ${target.pod}/${target.container}: ${oneLine(message) || `HTTP ${code ?? "error"}`}`,
    { cause },
  );
}

/** Translates a refused exec upgrade: the handshake carries only the HTTP code. */
function execRefused(raw: unknown, target: ExecTarget): PnsError {
  // Keep only the message: the WebSocket's error event carries the request, bearer token included.
  const err = new Error(errorMessage(raw) || "the exec connection failed");
  const code = httpCodeOf(err);
  if (code === null) {
    return toPnsError(err, { verb: "create", resource: "pods/exec", namespace: target.namespace, name: target.pod });
  }
  return execFailure(target, code, null, err);
}
