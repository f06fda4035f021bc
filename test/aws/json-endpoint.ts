/** The one HTTP server behind the tests' AWS fakes: an AWS JSON 1.1 endpoint (`X-Amz-Target` + JSON body). */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** What an operation answers: a status (200 unless given) and a JSON body. */
export interface JsonReply {
  status?: number;
  body: unknown;
}

/** A running endpoint. */
export interface JsonEndpoint {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts the endpoint on a free loopback port; `answer` gets each request's target and parsed body. */
export async function startJsonEndpoint(
  answer: (target: string, body: Record<string, unknown>) => JsonReply,
): Promise<JsonEndpoint> {
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (d) => {
      text += d;
    });
    req.on("end", () => {
      const reply = answer(String(req.headers["x-amz-target"]), JSON.parse(text) as Record<string, unknown>);
      res.statusCode = reply.status ?? 200;
      res.setHeader("content-type", "application/x-amz-json-1.1");
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
