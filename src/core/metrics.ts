/** What pns counts: slash commands received, signals sent or not, and worker jobs that failed. */
export type MetricName = "commands" | "signalsSent" | "signalsFailed" | "jobsFailed";

/** A counter port (CloudWatch EMF on Lambda); an implementation buffers counts until its invocation ends. */
export interface Metrics {
  count(name: MetricName, value?: number): void;
}
