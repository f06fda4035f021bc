import { MetricUnit, Metrics as PowertoolsMetrics } from "@aws-lambda-powertools/metrics";
import type { Logger } from "../core/log.js";
import type { Metrics } from "../core/metrics.js";

/** The CloudWatch namespace of pns's metrics. */
export const METRICS_NAMESPACE = "pns";

/** The {@link Metrics} port of a Lambda function, and what its handler calls around each invocation. */
export interface LambdaMetrics extends Metrics {
  /** Counts the container's first invocation as `ColdStart` (once per container). */
  coldStart(functionName: string): void;
  /** Writes the invocation's counts to stdout as one CloudWatch EMF line (nothing when none), and starts afresh. */
  flush(): void;
}

/**
 * Counters as CloudWatch Embedded Metric Format lines on stdout (Powertools Metrics): CloudWatch Logs turns them
 * into metrics in namespace {@link METRICS_NAMESPACE} with a `service` dimension, with no API call and no IAM grant.
 */
export function createEmfMetrics(options: { service: string; logger: Logger }): LambdaMetrics {
  const emf = new PowertoolsMetrics({
    namespace: METRICS_NAMESPACE,
    serviceName: options.service,
    logger: options.logger,
  });
  return {
    count(name, value = 1) {
      emf.addMetric(name, MetricUnit.Count, value);
    },
    coldStart(functionName) {
      emf.captureColdStartMetric(functionName);
    },
    flush() {
      // Powertools warns about an empty flush; an invocation that counted nothing is normal here.
      if (emf.hasStoredMetrics()) emf.publishStoredMetrics();
    },
  };
}
