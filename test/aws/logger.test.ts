/** The JSON logger on Powertools Logger: its keys, the invocation's keys, and pns's redaction on every line. */
import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { addLambdaContext, createJsonLogger, withLogKeys } from "../../src/aws/logger.js";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

function capture(level: "debug" | "info" = "debug") {
  const lines: Record<string, unknown>[] = [];
  const logger = createJsonLogger({ level, service: "pns-test", write: (l) => lines.push(JSON.parse(l)) });
  return { logger, lines };
}

const context = (awsRequestId: string) =>
  ({
    awsRequestId,
    functionName: "pns-prod-slack",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:pns-prod-slack",
    memoryLimitInMB: "512",
    functionVersion: "$LATEST",
  }) as Context;

describe("createJsonLogger", () => {
  it("writes Powertools' keys and the fields, with secrets masked in the message, the fields and error stacks", () => {
    const { logger, lines } = capture();
    const error = new Error("EKS said no to k8s-aws-v1.abcDEF123");
    (error as Error & { cause?: unknown }).cause = new Error("Bearer eyJhbGciOi");
    logger.error("posting with xoxb-1234-5678-abcd failed", {
      error,
      botToken: "xoxb-1234-5678-abcd",
      nested: { authorization: "Basic dXNlcjpwYXNz", pod: "nginx" },
    });
    const [line] = lines;
    expect(line).toMatchObject({
      level: "ERROR",
      message: "posting with •••• failed",
      service: "pns-test",
      botToken: "••••",
      nested: { authorization: "••••", pod: "nginx" },
      error: { name: "Error", message: "EKS said no to ••••", cause: { message: "••••" } },
    });
    expect(String((line?.error as { stack?: string } | undefined)?.stack)).toMatch(
      /^Error: EKS said no to ••••\n\s+at /,
    );
    expect(JSON.stringify(lines)).not.toMatch(/xoxb-1234|abcDEF123|eyJhbGciOi|dXNlcjpwYXNz/);
  });

  it("keeps a field named like one of Powertools' own keys, under another name", () => {
    const { logger, lines } = capture();
    logger.warn("refused", { message: "You may not.", service: "x" });
    expect(lines).toEqual([
      expect.objectContaining({ message: "refused", message_field: "You may not.", service_field: "x" }),
    ]);
  });

  it("leaves out lines below its level", () => {
    const { logger, lines } = capture("info");
    logger.debug("noise");
    logger.info("kept");
    expect(lines.map((l) => l.message)).toEqual(["kept"]);
  });

  it("adds the Lambda request id and the cold start (true on the container's first invocation only)", () => {
    process.env.AWS_LAMBDA_INITIALIZATION_TYPE = "on-demand";
    const { logger, lines } = capture();
    addLambdaContext(logger, context("req-1"));
    logger.info("first");
    addLambdaContext(logger, context("req-2"));
    logger.info("second");
    expect(lines).toEqual([
      expect.objectContaining({ function_request_id: "req-1", cold_start: true, function_name: "pns-prod-slack" }),
      expect.objectContaining({ function_request_id: "req-2", cold_start: false }),
    ]);
  });

  it("carries each invocation's keys on its own lines, however they interleave", async () => {
    const { logger, lines } = capture();
    const run = (id: string) =>
      withLogKeys({ correlation_id: id }, async () => {
        await new Promise((r) => setTimeout(r, id === "a" ? 20 : 1));
        logger.info(`done ${id}`);
        await withLogKeys({ job_id: `job-${id}` }, async () => logger.info(`job ${id}`));
      });
    await Promise.all([run("a"), run("b")]);
    logger.info("outside");
    const byMessage = Object.fromEntries(lines.map((l) => [l.message, [l.correlation_id, l.job_id]]));
    expect(byMessage).toEqual({
      "done a": ["a", undefined],
      "job a": ["a", "job-a"],
      "done b": ["b", undefined],
      "job b": ["b", "job-b"],
      outside: [undefined, undefined],
    });
  });
});
