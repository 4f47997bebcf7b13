import { IsInt, Matches, Max, Min } from 'class-validator';

/** What the feed CLI reads from the environment (validated by loadConfig). */
export class FeedEnv {
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS = '127.0.0.1:9092';

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
