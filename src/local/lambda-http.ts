import type { IncomingMessage, ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyResult } from "aws-lambda";

/** The API Gateway HTTP API (v2) event a Lambda behind `POST /slack/events` receives. */
export type HttpApiEvent = APIGatewayProxyEventV2;

/** What a Lambda behind API Gateway returns. */
export type HttpApiResult = APIGatewayProxyResult;

let requestCounter = 0;

/**
 * An HTTP API payload-format 2.0 event, with what API Gateway sets on every one
 * (docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
 */
export function httpApiEvent(request: {
  method: string;
  path: string;
  query?: string;
  headers: Record<string, string>;
  body: string;
  sourceIp?: string;
  requestId?: string;
}): HttpApiEvent {
  const now = new Date();
  const routeKey = `${request.method} ${request.path}`;
  return {
    version: "2.0",
    routeKey,
    rawPath: request.path,
    rawQueryString: request.query ?? "",
    headers: request.headers,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: "127.0.0.1",
      domainPrefix: "127",
      http: {
        method: request.method,
        path: request.path,
        protocol: "HTTP/1.1",
        sourceIp: request.sourceIp ?? "127.0.0.1",
        userAgent: request.headers["user-agent"] ?? "",
      },
      requestId: request.requestId ?? `local-${++requestCounter}`,
      routeKey,
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: request.body,
    isBase64Encoded: false,
  };
}

/** Reads a Node request into the API Gateway v2 event that Lambda would receive for it. */
export async function toHttpApiEvent(req: IncomingMessage): Promise<HttpApiEvent> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  return httpApiEvent({
    method: req.method ?? "GET",
    path: url.pathname,
    query: url.search.slice(1),
    headers,
    body: Buffer.concat(chunks).toString("utf8"),
    sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
  });
}

/** Writes a Lambda result to a Node response. */
export function writeHttpApiResult(res: ServerResponse, result: HttpApiResult): void {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  res.writeHead(result.statusCode, headers);
  res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, "base64") : (result.body ?? ""));
}
