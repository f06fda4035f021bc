import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A fault a {@link DynamoProxy} answers with instead of forwarding: DynamoDB's own error shapes. */
export type DynamoFault = "throttle" | "internal";

/**
 * An HTTP proxy in front of dynalite that answers some requests with DynamoDB's throttling or 5xx errors, so the AWS
 * SDK's own retry logic meets them (error types as in the DynamoDB API reference, "Errors": a 400 with
 * `ProvisionedThroughputExceededException`, which the SDK retries as throttling, and a 500 `InternalServerError`).
 */
export interface DynamoProxy {
  endpoint: string;
  /** Answers the next `times` requests (all if Infinity) with `fault`. */
  fail(fault: DynamoFault, times: number): void;
  /** Requests answered with a fault so far. */
  readonly faulted: number;
  /** Requests forwarded so far. */
  readonly forwarded: number;
  clear(): void;
  close(): Promise<void>;
}

const BODIES: Record<DynamoFault, { status: number; type: string; message: string }> = {
  throttle: {
    status: 400,
    type: "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
    message: "The level of configured provisioned throughput for the table was exceeded.",
  },
  internal: { status: 500, type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "Internal error" },
};

/** Starts the proxy on a free port, forwarding to `target` (dynalite's endpoint). */
export async function startDynamoProxy(target: string): Promise<DynamoProxy> {
  const to = new URL(target);
  let fault: DynamoFault | null = null;
  let remaining = 0;
  let faulted = 0;
  let forwarded = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (fault && remaining > 0) {
        remaining--;
        faulted++;
        const b = BODIES[fault];
        res
          .writeHead(b.status, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": `proxy-${faulted}` })
          .end(JSON.stringify({ __type: b.type, message: b.message }));
        return;
      }
      forwarded++;
      const up = httpRequest(
        { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on("error", () => res.writeHead(502).end());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    fail(f, times) {
      fault = f;
      remaining = times;
    },
    get faulted() {
      return faulted;
    },
    get forwarded() {
      return forwarded;
    },
    clear() {
      fault = null;
      remaining = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
