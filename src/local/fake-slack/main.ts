/**
 * Runs the fake Slack alone, with the console at its base URL:
 * `APP_URL=http://127.0.0.1:3000/slack/events PORT=3001 npx tsx src/local/fake-slack/main.ts`.
 * Environment: PORT (default 3001), APP_URL, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET.
 */
import { startFakeSlack } from "./server.js";

const fake = await startFakeSlack({
  port: Number(process.env.PORT ?? 3001),
  ...(process.env.APP_URL ? { appUrl: process.env.APP_URL } : {}),
  ...(process.env.SLACK_BOT_TOKEN ? { botToken: process.env.SLACK_BOT_TOKEN } : {}),
  ...(process.env.SLACK_SIGNING_SECRET ? { signingSecret: process.env.SLACK_SIGNING_SECRET } : {}),
});
console.log(`fake Slack: console ${fake.url}/  Web API ${fake.apiUrl}  app ${fake.appUrl ?? "(not set)"}`);
const stop = () => void fake.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
