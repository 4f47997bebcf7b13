import { KafkaClientEnv } from '@ct/platform';
import { IsInt, Max, Min } from 'class-validator';

/**
 * What the feed CLI reads from the environment (validated by loadConfig): the Kafka connection
 * (KAFKA_BROKERS, and over SASL_SSL the `feed` principal, which may only write checkins.v1) and:
 */
export class FeedEnv extends KafkaClientEnv {
  /** Check-ins per produce request (one request per partition must stay under the broker's 1 MB). */
  @IsInt()
  @Min(1)
  @Max(5000)
  FEED_BATCH_SIZE = 1000;

  /** How long the feed keeps retrying a batch the broker does not take before it stops with a summary. */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  FEED_RETRY_BUDGET_MS = 60_000;
}
