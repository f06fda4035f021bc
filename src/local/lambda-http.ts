import type { IncomingMessage, ServerResponse } from "node:http";

/** The API Gateway HTTP API (v2) event a Lambda behind `POST /slack/events` receives. */
export interface HttpApiEvent {
  version: "2.0";
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  headers: Record<string, string>;
  requestContext: {
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    timeEpoch: number;
  };
  body: string;
  isBase64Encoded: boolean;
}

/** What a Lambda behind API Gateway returns. */
export interface HttpApiResult {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  body?: string;
  isBase64Encoded?: boolean;
}

let requestCounter = 0;

/** Reads a Node request into the API Gateway v2 event that Lambda would receive for it. */
export async function toHttpApiEvent(req: IncomingMessage): Promise<HttpApiEvent> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  const method = req.method ?? "GET";
  return {
    version: "2.0",
    routeKey: `${method} ${url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      http: {
        method,
        path: url.pathname,
        protocol: "HTTP/1.1",
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: `local-${++requestCounter}`,
      routeKey: `${method} ${url.pathname}`,
      stage: "$default",
      timeEpoch: Date.now(),
    },
    body: Buffer.concat(chunks).toString("utf8"),
    isBase64Encoded: false,
  };
}

/** Writes a Lambda result to a Node response. */
export function writeHttpApiResult(res: ServerResponse, result: HttpApiResult): void {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  res.writeHead(result.statusCode, headers);
  res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, "base64") : (result.body ?? ""));
}
