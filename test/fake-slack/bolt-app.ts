/**
 * A tiny real Bolt app for the fake Slack's tests: Bolt's AwsLambdaReceiver behind a small HTTP server that turns
 * each POST into an API Gateway v2 event, with its WebClient pointed at the fake.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { App, AwsLambdaReceiver, type Logger, LogLevel } from "@slack/bolt";
import type { FakeSlack } from "../../src/local/fake-slack/server.js";

/** A running Bolt app: its request URL and a way to stop it. */
export interface RunningApp {
  url: string;
  app: App;
  close(): Promise<void>;
}

const noop = () => {};
/** Bolt logs every listener error; the tests provoke some on purpose and assert on the HTTP outcome instead. */
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  setLevel: noop,
  getLevel: () => LogLevel.ERROR,
  setName: noop,
};

/** Starts a Bolt app with listeners from `setup`, wired to the fake Slack (and sets the fake's app URL). */
export async function startBoltApp(fake: FakeSlack, setup: (app: App) => void): Promise<RunningApp> {
  const receiver = new AwsLambdaReceiver({ signingSecret: fake.signingSecret, logger: silentLogger });
  const app = new App({
    token: fake.botToken,
    receiver,
    clientOptions: { slackApiUrl: fake.apiUrl },
    logger: silentLogger,
  });
  setup(app);
  const handler = await receiver.start();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]),
    );
    const event = {
      version: "2.0",
      routeKey: "POST /slack/events",
      rawPath: req.url ?? "/slack/events",
      rawQueryString: "",
      headers,
      body: Buffer.concat(chunks).toString("utf8"),
      isBase64Encoded: false,
      requestContext: { http: { method: req.method ?? "POST", path: req.url ?? "/" } },
    };
    // biome-ignore lint/suspicious/noExplicitAny: the receiver's event and context types are wide unions
    const result = (await handler(event as any, {} as any)) as {
      statusCode: number;
      body: string;
      headers?: Record<string, string>;
    };
    res.writeHead(result.statusCode, result.headers ?? {}).end(result.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  fake.setAppUrl(url);
  return {
    url,
    app,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
