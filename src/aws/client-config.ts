/**
 * How long an AWS SDK client waits and how often it tries, per kind of caller. `ack`: the slack function, which must
 * answer Slack within 3 s, and the small reads every function makes (the Slack secret, the configuration parameter);
 * `worker`: the worker's and the janitor's longer calls. Without these the SDK waits as long as the socket lives and
 * tries 3 times. `throwOnRequestTimeout` is needed for `requestTimeout` to end the request at all: without it a breach
 * is only logged (@smithy/types NodeHttpHandlerOptions).
 */
export type AwsClientProfile = "ack" | "worker";

/** The client options of a profile, for any AWS SDK v3 client's constructor. */
export interface AwsClientConfig {
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true };
}

/** Per profile: attempts in all (1 retry for `ack`), and milliseconds to connect and to get the whole answer. */
const PROFILES: Record<AwsClientProfile, AwsClientConfig> = {
  ack: {
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 1000, throwOnRequestTimeout: true },
  },
  worker: {
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000, throwOnRequestTimeout: true },
  },
};

/** A fresh copy of a profile's client options (the SDK keeps what it is given). */
export function awsClientConfig(profile: AwsClientProfile): AwsClientConfig {
  const p = PROFILES[profile];
  return { maxAttempts: p.maxAttempts, requestHandler: { ...p.requestHandler } };
}
