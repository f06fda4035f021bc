import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { PnsError } from "../core/errors.js";
import { awsClientConfig } from "./client-config.js";

/**
 * Hands a job to the worker function with an asynchronous invoke (`InvocationType: "Event"`): Lambda queues it and
 * the caller returns at once. The worker's EventInvokeConfig (serverless.yml) allows no retries and a few minutes of
 * age, then sends the event to the failed-jobs queue; a duplicate delivery is ignored by the worker's job claim.
 * Honours `AWS_ENDPOINT_URL_LAMBDA` for local runs. The invoke is on Slack's 3-second path: short timeouts, one retry.
 */
export function createLambdaDispatcher(functionName: string, client = new LambdaClient(awsClientConfig("ack"))) {
  return async function dispatch(job: unknown): Promise<void> {
    try {
      const out = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: "Event",
          Payload: new TextEncoder().encode(JSON.stringify(job)),
        }),
      );
      if (out.StatusCode !== 202) throw new Error(`worker invoke answered ${out.StatusCode}`);
    } catch (cause) {
      throw new PnsError("unavailable", "pns could not start the work: its worker function did not accept the job.", {
        cause,
        hint: "Try again in a minute; if it persists, check the worker function in the AWS console.",
      });
    }
  };
}
