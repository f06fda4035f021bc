/**
 * Objects as the API server sends and takes them, past client-node's models: `ObjectSerializer` builds each object
 * from its model's attribute list (node_modules/@kubernetes/client-node/dist/gen/models/ObjectSerializer.js,
 * `deserialize` and `serialize`), so a field newer than the models (a Kubernetes release after client-node's) is
 * dropped both ways. A debug copy must keep every field of its source, so it is read and created as raw JSON through a
 * request middleware, with client-node still doing the connection, auth and errors (`ApiException`).
 */
import type {
  ConfigurationOptions,
  ObservableMiddleware as Middleware,
  RequestContext,
  ResponseContext,
} from "@kubernetes/client-node";
import { Observable } from "@kubernetes/client-node";

/** Request options that keep the response body as the server sent it; `json()` parses it after the call. */
export function captureRawBody(): { options: ConfigurationOptions<Middleware>; json(): unknown } {
  let text: string | null = null;
  const middleware: Middleware = {
    pre: (request: RequestContext) => new Observable(Promise.resolve(request)),
    post: (response: ResponseContext) =>
      new Observable(
        response.body.text().then((body) => {
          text = body;
          // The body can be read once: hand the models the same text.
          response.body = { text: async () => body, binary: async () => Buffer.from(body) };
          return response;
        }),
      ),
  };
  return {
    options: { middleware: [middleware], middlewareMergeStrategy: "append" },
    json: () => {
      if (text === null) throw new Error("no response body was captured");
      return JSON.parse(text) as unknown;
    },
  };
}

/** Request options that send `body` as JSON as it is, instead of client-node's serialisation of its model. */
export function sendRawBody(body: unknown): ConfigurationOptions<Middleware> {
  const json = JSON.stringify(body);
  const middleware: Middleware = {
    pre: (request: RequestContext) => {
      request.setBody(json);
      return new Observable(Promise.resolve(request));
    },
    post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: "append" };
}
